"""Forgotten passwords: a time-limited, single-use link by e-mail."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import func, select, update

from seoul_platform.accounts.models import PasswordReset
from seoul_platform.db import utcnow
from seoul_platform.mail.delivery import render_text
from seoul_platform.mail.models import OutboundEmail
from support import csrf_token, login, signed_in

LINK = re.compile(r"/reset-password/([A-Za-z0-9_-]+)")
NEW = "another long passphrase 9"


def _request(client, email):
    return client.post(
        "/forgot-password",
        data={"email": email, "csrf_token": csrf_token(client, "/forgot-password")},
    )


def _token(db, email):
    body = render_text(db.session.scalar(select(OutboundEmail).where(OutboundEmail.to == email)))
    return LINK.search(body).group(1)


def _reset(client, token, password=NEW):
    return client.post(
        f"/reset-password/{token}",
        data={"password": password, "confirm": password, "csrf_token": csrf_token(client)},
    )


def test_reset_works_once_and_signs_out_everywhere(app, city_member, db):
    other_device = signed_in(app, city_member)
    client = app.test_client()
    known = _request(client, city_member.email)
    unknown = _request(client, "nobody@example.org")
    assert known.status_code == unknown.status_code == 200
    assert known.get_data(True).count("Check your e-mail") == unknown.get_data(True).count(
        "Check your e-mail"
    )
    token = _token(db, city_member.email)
    assert _reset(client, token).status_code == 302
    assert login(app.test_client(), city_member, NEW).status_code == 302
    assert other_device.get("/directory").status_code == 302
    reused = client.get(f"/reset-password/{token}")
    assert reused.status_code == 409


def test_expired_link_is_refused(app, city_member, db):
    client = app.test_client()
    _request(client, city_member.email)
    db.session.execute(update(PasswordReset).values(expires_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    token = _token(db, city_member.email)
    response = _reset(app.test_client(), token)
    assert response.status_code == 409
    assert login(app.test_client(), city_member, NEW).status_code == 422


def test_weak_new_password_keeps_the_link(app, city_member, db):
    client = app.test_client()
    _request(client, city_member.email)
    token = _token(db, city_member.email)
    weak = _reset(client, token, password="qwertyuiop123")
    assert weak.status_code == 422 and "too common" in weak.get_data(True)
    assert (
        db.session.scalar(
            select(func.count(PasswordReset.id)).where(PasswordReset.used_at.is_(None))
        )
        == 1
    )
