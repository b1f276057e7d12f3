"""A person downloads their data and deletes their account."""

from __future__ import annotations

import json

from sqlalchemy import select

from seoul_platform.accounts.models import User, UserStatus
from seoul_platform.audit.models import AuditEvent
from support import PASSWORD, csrf_token, login, signed_in


def test_download_contains_my_data_and_nobody_elses(app, city_member, city_admin):
    client = signed_in(app, city_member)
    response = client.get("/account/data")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    data = json.loads(response.get_data(True))
    assert data["person"]["email"] == city_member.email
    assert data["organization"]["id"] == city_member.organization_id
    assert any(a["action"] == "login.success" for a in data["activity"])
    assert city_admin.email not in response.get_data(True)
    assert "password" not in json.dumps(data["person"])


def test_delete_account_anonymises_and_signs_out(app, city_member, db):
    client = signed_in(app, city_member)
    wrong = client.post(
        "/account/delete",
        data={
            "password": "not my password",
            "confirm": "y",
            "csrf_token": csrf_token(client, "/account"),
        },
    )
    assert wrong.status_code == 422
    user_id = city_member.id
    response = client.post(
        "/account/delete",
        data={"password": PASSWORD, "confirm": "y", "csrf_token": csrf_token(client, "/account")},
    )
    assert response.status_code == 302
    user = db.session.get(User, user_id)
    assert user.status == UserStatus.DELETED
    assert user.email.endswith("@invalid.example") and user.name == "Deleted member"
    assert user.password_hash is None and user.organization_id is None
    assert client.get("/directory").status_code == 302
    assert login(app.test_client(), "member@testville.example").status_code == 422
    ips = db.session.scalars(select(AuditEvent.ip).where(AuditEvent.actor_id == user_id))
    assert set(ips) == {""}
