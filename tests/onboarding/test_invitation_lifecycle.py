"""Invitations after sending: revoke, resend, who may see them, what follows a sender being
disabled or deleting their account, and the daily limit per sender."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from seoul_platform.accounts import privacy
from seoul_platform.accounts.models import User, UserStatus
from seoul_platform.accounts.services import set_user_status
from seoul_platform.audit.models import StateChange
from seoul_platform.db import unit_of_work
from seoul_platform.lifecycle import history
from seoul_platform.mail.delivery import render_text
from seoul_platform.mail.models import OutboundEmail
from seoul_platform.onboarding import services as onboarding
from seoul_platform.onboarding.models import ERASED_EMAIL, Invitation, InvitationStatus
from support import PASSWORD, bearer, csrf_token, signed_in

LINK = re.compile(r"/invitations/([A-Za-z0-9_-]+)")


def _invite(actor, org, email: str) -> tuple[int, str]:
    with unit_of_work():
        invitation, raw = onboarding.create_invitation(actor, email=email, organization_id=org.id)
        return invitation.id, raw


def _status(db, invitation_id: int) -> InvitationStatus:
    db.session.expire_all()
    return db.session.get(Invitation, invitation_id).status


def _mails_to(db, email: str) -> list[str]:
    mails = db.session.scalars(select(OutboundEmail).where(OutboundEmail.to == email))
    return [render_text(mail) for mail in mails]


def _csrf_headers(client):
    return {"X-CSRFToken": csrf_token(client, "/account")}


# ---- revoke ------------------------------------------------------------------------------------


def test_official_revokes_in_html_and_the_link_stops_working(
    app, official_client, official, city, db
):
    inv_id, raw = _invite(official, city, "rev@example.org")
    page = official_client.get("/admin/invitations")
    assert "Revoke the invitation for rev@example.org" in page.get_data(True)
    response = official_client.post(
        f"/invitations/{inv_id}/revoke",
        data={"csrf_token": csrf_token(official_client, "/admin/invitations")},
    )
    assert response.status_code == 302
    assert _status(db, inv_id) == InvitationStatus.REVOKED
    assert app.test_client().get(f"/invitations/{raw}").status_code == 409
    [entry] = history("invitation", inv_id)
    assert (entry.from_state, entry.to_state, entry.role) == ("open", "revoked", "official")


def test_api_revoke_twice_is_a_conflict_naming_the_state(app, official, city, db):
    inv_id, _ = _invite(official, city, "twice@example.org")
    client = app.test_client()
    headers = bearer(client, official)
    first = client.post(f"/api/v1/invitations/{inv_id}/revoke", headers=headers)
    assert first.status_code == 200 and first.get_json()["status"] == "revoked"
    again = client.post(f"/api/v1/invitations/{inv_id}/revoke", headers=headers)
    assert again.status_code == 409
    assert again.get_json()["detail"] == "This invitation was revoked."
    assert len(history("invitation", inv_id)) == 1


def test_org_admin_manages_own_organisation_only(app, official, city, company, city_admin, db):
    own_id, _ = _invite(official, city, "own@example.org")
    other_id, _ = _invite(official, company, "other@example.org")
    client = app.test_client()
    headers = bearer(client, city_admin)
    listed = client.get("/api/v1/invitations", headers=headers).get_json()
    assert [i["id"] for i in listed["items"]] == [own_id] and listed["total"] == 1
    hidden = client.post(f"/api/v1/invitations/{other_id}/revoke", headers=headers)
    assert hidden.status_code == 404
    assert _status(db, other_id) == InvitationStatus.OPEN
    html = signed_in(app, city_admin)
    profile = html.get(f"/organizations/{city.id}").get_data(True)
    assert f'href="/organizations/{city.id}/invitations"' in profile
    assert "own@example.org" in html.get(f"/organizations/{city.id}/invitations").get_data(True)
    assert html.get(f"/organizations/{company.id}/invitations").status_code == 403
    assert html.get("/admin/invitations").status_code == 403
    assert client.post(f"/api/v1/invitations/{own_id}/revoke", headers=headers).status_code == 200
    assert _status(db, own_id) == InvitationStatus.REVOKED


def test_members_see_no_invitations_and_cannot_revoke(app, official, city, city_member, db):
    inv_id, _ = _invite(official, city, "m@example.org")
    client = app.test_client()
    headers = bearer(client, city_member)
    listed = client.get("/api/v1/invitations", headers=headers).get_json()
    assert listed["items"] == [] and listed["total"] == 0
    assert client.post(f"/api/v1/invitations/{inv_id}/revoke", headers=headers).status_code == 404
    html = signed_in(app, city_member)
    assert html.get(f"/organizations/{city.id}/invitations").status_code == 403
    assert _status(db, inv_id) == InvitationStatus.OPEN


def test_invitation_list_is_paginated(app, official, city, db):
    for n in range(3):
        _invite(official, city, f"p{n}@example.org")
    client = app.test_client()
    headers = bearer(client, official)
    page = client.get("/api/v1/invitations?per_page=2&page=2", headers=headers)
    assert page.status_code == 200
    body = page.get_json()
    assert body["total"] == 3 and len(body["items"]) == 1 and 'rel="prev"' in page.headers["Link"]
    assert client.get("/api/v1/invitations?per_page=2&page=3", headers=headers).status_code == 404


# ---- resend ------------------------------------------------------------------------------------


def test_resend_issues_a_new_link_and_the_old_one_stops_working(app, official, city, db):
    inv_id, old = _invite(official, city, "again@example.org")
    client = app.test_client()
    headers = bearer(client, official)
    response = client.post(f"/api/v1/invitations/{inv_id}/resend", headers=headers)
    assert response.status_code == 200 and response.get_json()["status"] == "open"
    mails = _mails_to(db, "again@example.org")
    assert len(mails) == 2
    new = LINK.search(mails[-1]).group(1)
    assert new != old
    assert client.get(f"/invitations/{old}").status_code == 404
    assert client.get(f"/invitations/{new}").status_code == 200
    assert [(h.from_state, h.to_state) for h in history("invitation", inv_id)] == [("open", "open")]


def test_resend_of_an_accepted_invitation_is_a_conflict(app, official, city, db):
    inv_id, raw = _invite(official, city, "done@example.org")
    client = app.test_client()
    accepted = client.post(
        "/api/v1/invitations/accept", json={"token": raw, "name": "Done", "password": PASSWORD}
    )
    assert accepted.status_code == 201
    headers = bearer(client, official)
    response = client.post(f"/api/v1/invitations/{inv_id}/resend", headers=headers)
    assert response.status_code == 409
    assert len(_mails_to(db, "done@example.org")) == 1


def test_resend_in_html_reopens_an_expired_invitation(app, official_client, official, city, db):
    from datetime import timedelta

    from seoul_platform.db import utcnow

    inv_id, _ = _invite(official, city, "late@example.org")
    db.session.execute(
        Invitation.__table__.update()
        .where(Invitation.id == inv_id)
        .values(status="expired", expires_at=utcnow() - timedelta(days=1))
    )
    db.session.commit()
    response = official_client.post(
        f"/invitations/{inv_id}/resend",
        data={"csrf_token": csrf_token(official_client, "/admin/invitations")},
    )
    assert response.status_code == 302
    db.session.expire_all()
    invitation = db.session.get(Invitation, inv_id)
    assert invitation.status == InvitationStatus.OPEN
    assert invitation.effective_status == InvitationStatus.OPEN
    assert len(_mails_to(db, "late@example.org")) == 2


# ---- the sender goes away ----------------------------------------------------------------------


def test_disabling_a_sender_revokes_their_open_invitations(app, official, city, city_admin, db):
    open_id, raw = _invite(city_admin, city, "pal@example.org")
    with unit_of_work():
        set_user_status(official, db.session.get(User, city_admin.id), UserStatus.DISABLED)
    assert _status(db, open_id) == InvitationStatus.REVOKED
    assert app.test_client().get(f"/invitations/{raw}").status_code == 409
    [entry] = history("invitation", open_id)
    assert (entry.role, entry.reason, entry.actor_id) == ("system", "sender disabled", official.id)


def test_deleting_an_account_erases_the_address_from_invitations(
    app, official, city, company, city_admin, db
):
    sent_id, sent_raw = _invite(city_admin, city, "friend@example.org")
    # An invitation to the admin's own address from another organisation, still open.
    to_me_id, _ = _invite(official, company, "other-inbox@example.org")
    db.session.execute(
        Invitation.__table__.update()
        .where(Invitation.id == to_me_id)
        .values(email=city_admin.email)
    )
    db.session.commit()
    old_email = city_admin.email
    with unit_of_work():
        privacy.delete_account(db.session.get(User, city_admin.id), password=PASSWORD)
    db.session.expire_all()
    for inv_id in (sent_id, to_me_id):
        invitation = db.session.get(Invitation, inv_id)
        assert invitation.email == ERASED_EMAIL
        assert invitation.status == InvitationStatus.REVOKED
    assert (
        db.session.scalar(
            select(func.count(Invitation.id)).where(
                Invitation.email.in_([old_email, "friend@example.org"])
            )
        )
        == 0
    )
    assert app.test_client().get(f"/invitations/{sent_raw}").status_code == 409
    assert db.session.get(User, city_admin.id).status == UserStatus.DELETED
    assert [h.to_state for h in history("user", city_admin.id)] == ["deleted"]


# ---- the daily limit ---------------------------------------------------------------------------


@pytest.fixture
def small_limit(app):
    saved = app.config["INVITATIONS_PER_DAY"]
    app.config["INVITATIONS_PER_DAY"] = 2
    yield 2
    app.config["INVITATIONS_PER_DAY"] = saved


def test_org_admin_invitations_are_limited_per_day(
    app, small_limit, city, city_admin, make, official, db
):
    client = app.test_client()
    headers = {**bearer(client, city_admin)}
    statuses = [
        client.post(
            "/api/v1/invitations",
            json={"email": f"spam{n}@example.org", "organization_id": city.id},
            headers=headers,
        ).status_code
        for n in range(3)
    ]
    assert statuses == [201, 201, 429]
    refused = client.post(
        "/api/v1/invitations",
        json={"email": "spam9@example.org", "organization_id": city.id},
        headers=headers,
    )
    assert refused.status_code == 429
    assert "most invitations allowed in one day (2)" in refused.get_json()["detail"]
    html = signed_in(app, city_admin)
    page = html.post(
        f"/organizations/{city.id}/invite",
        data={
            "email": "spam10@example.org",
            "org_role": "member",
            "csrf_token": csrf_token(html, f"/organizations/{city.id}/invite"),
        },
    )
    assert page.status_code == 429 and "Try again tomorrow" in page.get_data(True)
    assert db.session.scalar(select(func.count(Invitation.id))) == 2
    # The budget is per sender: another admin and the officials are not affected.
    other_admin = make.user(city, role="admin", email="second@testville.example")
    other = bearer(client, other_admin)
    ok = client.post(
        "/api/v1/invitations",
        json={"email": "fine@example.org", "organization_id": city.id},
        headers=other,
    )
    assert ok.status_code == 201
    assert (
        client.post(
            "/api/v1/invitations",
            json={"email": "fine2@example.org", "organization_id": city.id},
            headers=bearer(client, official),
        ).status_code
        == 201
    )


def test_refused_invitations_do_not_use_the_budget(app, small_limit, city, city_admin, db):
    client = app.test_client()
    headers = bearer(client, city_admin)
    for _ in range(3):  # inviting an admin is refused (403) and costs nothing
        response = client.post(
            "/api/v1/invitations",
            json={"email": "boss@example.org", "organization_id": city.id, "org_role": "admin"},
            headers=headers,
        )
        assert response.status_code == 403
    ok = client.post(
        "/api/v1/invitations",
        json={"email": "fine@example.org", "organization_id": city.id},
        headers=headers,
    )
    assert ok.status_code == 201
    assert db.session.scalar(select(func.count(StateChange.id))) == 0


def test_expiry_job_moves_overdue_invitations_once(app, official, city, db):
    from datetime import timedelta

    from seoul_platform.db import utcnow
    from seoul_platform.onboarding.invitations import expire_overdue_invitations

    overdue_id, _ = _invite(official, city, "old@example.org")
    fresh_id, _ = _invite(official, city, "new@example.org")
    db.session.execute(
        Invitation.__table__.update()
        .where(Invitation.id == overdue_id)
        .values(expires_at=utcnow() - timedelta(minutes=1))
    )
    db.session.commit()
    with unit_of_work():
        assert expire_overdue_invitations() == 1
    with unit_of_work():
        assert expire_overdue_invitations() == 0
    assert _status(db, overdue_id) == InvitationStatus.EXPIRED
    assert _status(db, fresh_id) == InvitationStatus.OPEN
    [entry] = history("invitation", overdue_id)
    assert (entry.to_state, entry.role, entry.actor_id) == ("expired", "system", None)


def test_the_expiry_job_runs_hourly_on_the_task_queue(app, official, city, db):
    from datetime import datetime, timedelta

    from seoul_platform.db import utcnow
    from seoul_platform.jobs import huey
    from seoul_platform.onboarding import tasks

    periodic = {t.name for t in huey._registry.periodic_tasks}
    assert "expire_invitations" in periodic
    job = tasks.expire_invitations.task_class
    assert job.validate_datetime(job, datetime(2027, 3, 1, 14, 7))
    assert not job.validate_datetime(job, datetime(2027, 3, 1, 14, 8))
    overdue_id, _ = _invite(official, city, "late@example.org")
    db.session.execute(
        Invitation.__table__.update()
        .where(Invitation.id == overdue_id)
        .values(expires_at=utcnow() - timedelta(minutes=1))
    )
    db.session.commit()
    tasks.expire_invitations()  # the suite's queue runs tasks when they are enqueued
    db.session.expire_all()
    assert _status(db, overdue_id) == InvitationStatus.EXPIRED
