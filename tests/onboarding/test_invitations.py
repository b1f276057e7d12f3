"""Invitations: officials (and org admins, for colleagues) invite; invitees accept once."""

from __future__ import annotations

import re
import threading
from datetime import timedelta

from sqlalchemy import func, select

from seoul_platform.accounts.models import OrgRole, User
from seoul_platform.db import utcnow
from seoul_platform.mail.delivery import render_text
from seoul_platform.mail.models import OutboundEmail
from seoul_platform.onboarding import services as onboarding
from seoul_platform.onboarding.models import Invitation
from support import csrf_token, signed_in

LINK = re.compile(r"/invitations/([A-Za-z0-9_-]+)")


def _invite(official_client, org_id: int, email: str, role: str = "member"):
    return official_client.post(
        f"/organizations/{org_id}/invite",
        data={
            "email": email,
            "org_role": role,
            "csrf_token": csrf_token(official_client, f"/organizations/{org_id}/invite"),
        },
    )


def _token_from_outbox(db, email: str) -> str:
    body = render_text(
        db.session.scalar(
            select(OutboundEmail).where(OutboundEmail.to == email).order_by(OutboundEmail.id.desc())
        )
    )
    return LINK.search(body).group(1)


def test_official_invites_and_invitee_joins(app, official_client, city, db):
    response = _invite(official_client, city.id, "New.Person@Example.org", "admin")
    assert response.status_code == 302
    token = _token_from_outbox(db, "new.person@example.org")

    invitee = app.test_client()
    page = invitee.get(f"/invitations/{token}")
    assert page.status_code == 200 and city.name in page.get_data(True)
    response = invitee.post(
        f"/invitations/{token}",
        data={
            "name": "Nia New",
            "password": "a long enough passphrase",
            "confirm": "a long enough passphrase",
            "csrf_token": csrf_token(invitee, f"/invitations/{token}"),
        },
    )
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.email == "new.person@example.org"))
    assert user.organization_id == city.id and user.org_role == OrgRole.ADMIN
    assert invitee.get("/directory").status_code == 200  # signed in right away


def test_used_and_expired_links_are_refused(app, official, city, db):
    _, token = onboarding.create_invitation(
        official, email="a@example.org", organization_id=city.id
    )
    _, old = onboarding.create_invitation(official, email="b@example.org", organization_id=city.id)
    db.session.execute(
        Invitation.__table__.update()
        .where(Invitation.email == "b@example.org")
        .values(expires_at=utcnow() - timedelta(minutes=1))
    )
    db.session.commit()
    client = app.test_client()
    first = client.post(
        "/api/v1/invitations/accept",
        json={"token": token, "name": "A", "password": "a long enough passphrase"},
    )
    assert first.status_code == 201
    again = client.post(
        "/api/v1/invitations/accept",
        json={"token": token, "name": "A", "password": "a long enough passphrase"},
    )
    assert again.status_code == 409
    assert again.headers["Content-Type"] == "application/problem+json"
    expired = client.post(
        "/api/v1/invitations/accept",
        json={"token": old, "name": "B", "password": "a long enough passphrase"},
    )
    assert expired.status_code == 409
    bogus = client.get("/invitations/not-a-real-token")
    assert bogus.status_code == 404
    assert db.session.scalar(select(func.count(User.id)).where(User.email == "b@example.org")) == 0


def test_resending_revokes_the_earlier_link(app, official, city, db):
    _, first = onboarding.create_invitation(
        official, email="c@example.org", organization_id=city.id
    )
    _, second = onboarding.create_invitation(
        official, email="c@example.org", organization_id=city.id
    )
    db.session.commit()
    client = app.test_client()
    assert client.get(f"/invitations/{first}").status_code == 409
    assert client.get(f"/invitations/{second}").status_code == 200


def test_weak_password_is_refused_and_link_stays_usable(app, official, city, db):
    _, token = onboarding.create_invitation(
        official, email="d@example.org", organization_id=city.id
    )
    db.session.commit()
    client = app.test_client()
    weak = client.post(
        "/api/v1/invitations/accept",
        json={"token": token, "name": "Dee", "password": "password123"},
    )
    assert weak.status_code == 422
    assert "password" in weak.get_json()["errors"]
    assert client.get(f"/invitations/{token}").status_code == 200


def test_forty_concurrent_accepts_create_one_account(app, official, city, db):
    _, token = onboarding.create_invitation(
        official, email="race@example.org", organization_id=city.id
    )
    db.session.commit()
    statuses: list[int] = []
    barrier = threading.Barrier(40)

    def accept(i: int) -> None:
        client = app.test_client()
        barrier.wait()
        response = client.post(
            "/api/v1/invitations/accept",
            json={"token": token, "name": f"Racer {i}", "password": "a long enough passphrase"},
        )
        statuses.append(response.status_code)

    threads = [threading.Thread(target=accept, args=(i,)) for i in range(40)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(set(statuses)) == [201, 409], statuses
    assert statuses.count(201) == 1
    assert (
        db.session.scalar(select(func.count(User.id)).where(User.email == "race@example.org")) == 1
    )
    from seoul_platform.audit.models import StateChange

    moves = db.session.execute(
        select(StateChange.from_state, StateChange.to_state).where(
            StateChange.subject_type == "invitation"
        )
    ).all()
    assert [tuple(m) for m in moves] == [("open", "accepted")]


def test_org_admin_invites_colleagues_but_not_admins_or_other_orgs(
    app, city_admin, city, company, db
):
    client = signed_in(app, city_admin)
    assert _invite(client, city.id, "colleague@example.org").status_code == 302
    as_admin = _invite(client, city.id, "boss@example.org", "admin")
    assert as_admin.status_code == 422  # "admin" is not offered to org admins
    other = client.get(f"/organizations/{company.id}/invite")
    assert other.status_code == 403
    emails = set(db.session.scalars(select(Invitation.email)))
    assert emails == {"colleague@example.org"}


def test_member_cannot_invite(app, member_client, city, db):
    assert member_client.get(f"/organizations/{city.id}/invite").status_code == 403
    api = member_client.post(
        "/api/v1/invitations",
        json={"email": "x@example.org", "organization_id": city.id},
        headers={"X-CSRFToken": csrf_token(member_client, "/account")},
    )
    assert api.status_code == 403
    assert db.session.scalar(select(func.count(Invitation.id))) == 0


def test_inviting_an_existing_account_is_a_conflict(app, official_client, city, city_member, db):
    response = _invite(official_client, city.id, city_member.email)
    assert response.status_code == 422
    assert "already exists" in response.get_data(True)
    assert db.session.scalar(select(func.count(Invitation.id))) == 0
