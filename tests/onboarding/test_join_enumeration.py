"""The join form and API never tell an anonymous caller who is registered or which
organisations applied; the holder of an existing address is told by e-mail instead."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from seoul_platform.accounts.models import User
from seoul_platform.mail.delivery import render_text
from seoul_platform.mail.models import OutboundEmail
from seoul_platform.members.models import Organization, OrgStatus
from seoul_platform.onboarding.models import JoinRequest
from support import bearer, csrf_token

PASSPHRASE = "a long enough passphrase"


def _form(**overrides) -> dict:
    return {
        "kind": "company",
        "name": "Greenline Sensors",
        "country": "KE",
        "region": "africa",
        "person_name": "Wanjiru Founder",
        "email": "founder@greenline.example",
        "password": PASSPHRASE,
        "confirm": PASSPHRASE,
        "motivation": "We would like to pilot sensors.",
        **overrides,
    }


def _html(client, **overrides):
    data = {**_form(**overrides), "csrf_token": csrf_token(client, "/join")}
    return client.post("/join", data=data, follow_redirects=True)


def _api(client, email: str, name: str):
    return client.post(
        "/api/v1/join-requests",
        json={
            "organization": {"kind": "company", "name": name, "country": "KR", "region": "asia"},
            "name": "Some Applicant",
            "email": email,
            "password": PASSPHRASE,
            "motivation": "Please let us in.",
        },
    )


def _page(response) -> str:
    return re.sub(r'name="csrf_token"[^>]*>', "", response.get_data(as_text=True))


def _count(db, model) -> int:
    return db.session.scalar(select(func.count(model.id)))


def test_html_join_answers_alike_for_a_new_and_a_taken_address(app, city_member, db):
    new = _html(app.test_client(), email="fresh@greenline.example", name="Fresh Sensors")
    taken = _html(app.test_client(), email=city_member.email, name="Other Sensors")
    assert new.status_code == taken.status_code == 200
    assert new.request.path == taken.request.path == "/join/received"
    assert _page(new) == _page(taken)
    assert "already" not in _page(taken)
    # one account was created for the new address, none for the taken one
    assert (
        db.session.scalar(select(func.count(User.id)).where(User.email == city_member.email)) == 1
    )
    assert (
        db.session.scalar(
            select(func.count(Organization.id)).where(Organization.name == "Other Sensors")
        )
        == 0
    )
    # the holder is told, in their own language
    mail = db.session.scalar(
        select(OutboundEmail).where(
            OutboundEmail.to == city_member.email, OutboundEmail.kind == "join_attempt"
        )
    )
    assert mail is not None and city_member.email in render_text(mail)


def test_holders_mail_is_in_their_locale(app, city_member, db):
    city_member.locale = "ko"
    db.session.commit()
    _html(app.test_client(), email=city_member.email)
    mail = db.session.scalar(select(OutboundEmail).where(OutboundEmail.kind == "join_attempt"))
    assert re.search(r"[\uac00-\ud7a3]", mail.subject), mail.subject


def test_api_join_answers_alike_for_a_new_and_a_taken_address(app, city_member, db):
    new = _api(app.test_client(), "fresh@lab.example", "Fresh Lab")
    taken = _api(app.test_client(), city_member.email.upper(), "Another Lab")
    lookalike = _api(app.test_client(), city_member.email.replace("e", "\u0435", 1), "Third Lab")
    assert new.status_code == taken.status_code == lookalike.status_code == 202
    assert new.get_json() == taken.get_json() == lookalike.get_json()
    assert _count(db, User) == 2  # the member and the fresh applicant
    assert _count(db, JoinRequest) == 1


def test_name_of_a_pending_or_declined_organisation_is_not_revealed(app, official, city, db):
    first = _api(app.test_client(), "first@one.example", "Twin Name Labs")
    second = _api(app.test_client(), "second@two.example", "TWIN  name labs")
    active = _api(app.test_client(), "third@three.example", city.name)
    assert first.status_code == second.status_code == active.status_code == 202
    assert first.get_json() == second.get_json() == active.get_json()
    assert _count(db, JoinRequest) == 3

    # officials see the possible duplicates
    client = app.test_client()
    from support import signed_in

    page = signed_in(app, official).get("/admin/join-requests").get_data(as_text=True)
    assert page.count("Possible duplicate") == 3
    del client

    # declining the first frees the name; approving the second takes it
    headers = bearer(app.test_client(), official)
    rows = db.session.scalars(select(JoinRequest).order_by(JoinRequest.id)).all()
    api = app.test_client()
    declined = api.post(
        f"/api/v1/join-requests/{rows[0].id}/decision",
        json={"decision": "decline", "reason": "Duplicate."},
        headers=headers,
    )
    assert declined.status_code == 200
    approved = api.post(
        f"/api/v1/join-requests/{rows[1].id}/decision",
        json={"decision": "approve"},
        headers=headers,
    )
    assert approved.status_code == 200
    # the third collides with an active city: the official is told, nothing changes
    refused = api.post(
        f"/api/v1/join-requests/{rows[2].id}/decision",
        json={"decision": "approve"},
        headers=headers,
    )
    assert refused.status_code == 409
    db.session.expire_all()
    assert db.session.get(Organization, rows[2].organization_id).status == OrgStatus.PENDING


def test_a_declined_name_can_be_used_again(app, official, db):
    _api(app.test_client(), "first@one.example", "Second Chance Ltd")
    row = db.session.scalar(select(JoinRequest))
    headers = bearer(app.test_client(), official)
    app.test_client().post(
        f"/api/v1/join-requests/{row.id}/decision",
        json={"decision": "decline", "reason": "Not yet."},
        headers=headers,
    )
    _api(app.test_client(), "other@two.example", "Second Chance Ltd")
    new = db.session.scalars(select(JoinRequest).order_by(JoinRequest.id.desc())).first()
    ok = app.test_client().post(
        f"/api/v1/join-requests/{new.id}/decision", json={"decision": "approve"}, headers=headers
    )
    assert ok.status_code == 200
