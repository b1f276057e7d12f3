"""A person downloads their data and deletes their account."""

from __future__ import annotations

import json

from sqlalchemy import func, select

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
    assert user.email == f"deleted:{user_id}" and user.name == "Deleted member"
    assert user.password_hash is None and user.organization_id is None
    assert client.get("/directory").status_code == 302
    assert login(app.test_client(), "member@testville.example").status_code == 422
    ips = db.session.scalars(select(AuditEvent.ip).where(AuditEvent.actor_id == user_id))
    assert set(ips) == {""}


def _register(client, email: str):
    return client.post(
        "/api/v1/join-requests",
        json={
            "organization": {
                "kind": "company",
                "name": "Squatters Ltd",
                "country": "KR",
                "region": "asia",
            },
            "name": "Squatter",
            "email": email,
            "password": "a long enough passphrase",
            "motivation": "Taking the address first.",
        },
    )


def test_anonymised_address_cannot_be_registered_first(app, city_member, official, city, db):
    """An attacker who registers the address a deletion would use cannot block it."""
    from seoul_platform.accounts.privacy import anonymised_email
    from seoul_platform.errors import ValidationError
    from seoul_platform.onboarding import services as onboarding

    user_id = city_member.id
    attacker = app.test_client()
    for guess in (
        anonymised_email(user_id),
        f"deleted-{user_id}@invalid.example",  # the value used before
        f"{anonymised_email(user_id)}@example.org",
        "someone@anything.invalid",
    ):
        assert _register(attacker, guess).status_code == 422, guess
        try:
            onboarding.create_invitation(
                db.session.get(User, official.id), email=guess, organization_id=city.id
            )
        except ValidationError:
            pass
        else:  # pragma: no cover - the assertion below reports it
            raise AssertionError(f"{guess} was accepted for an invitation")
        db.session.rollback()
    assert db.session.scalar(select(func.count(User.id))) == 2  # the member and the official

    client = signed_in(app, city_member)
    response = client.post(
        "/account/delete",
        data={"password": PASSWORD, "confirm": "y", "csrf_token": csrf_token(client, "/account")},
    )
    assert response.status_code == 302
    db.session.expire_all()
    deleted = db.session.get(User, user_id)
    assert deleted.status == UserStatus.DELETED
    assert deleted.email == anonymised_email(user_id) and "@" not in deleted.email


def test_two_deletions_get_distinct_markers(app, make, city, db):
    a, b = make.user(city), make.user(city)
    for person in (a, b):
        client = signed_in(app, person)
        client.post(
            "/account/delete",
            data={
                "password": PASSWORD,
                "confirm": "y",
                "csrf_token": csrf_token(client, "/account"),
            },
        )
    db.session.expire_all()
    emails = {db.session.get(User, a.id).email, db.session.get(User, b.id).email}
    assert len(emails) == 2


def test_every_feature_answers_the_export_and_forgets_the_person(app, city_admin, db):
    """accounts reaches members, onboarding, mail, notifications and audit only through the
    signals of accounts/signals.py: each of them exports its part and forgets its part.
    Conversations, documents and pilots export only (tests/pilots/test_privacy_export.py)."""
    from seoul_platform.accounts import privacy
    from seoul_platform.db import unit_of_work
    from seoul_platform.mail.models import OutboundEmail
    from seoul_platform.notifications.models import Notification
    from seoul_platform.notifications.services import notify
    from seoul_platform.onboarding import services as onboarding
    from seoul_platform.onboarding.models import ERASED_EMAIL, Invitation, InvitationStatus
    from support import queue_text

    with unit_of_work():
        invitation, _raw = onboarding.create_invitation(
            city_admin,
            email="colleague@testville.example",
            organization_id=city_admin.organization_id,
        )
        queue_text(city_admin.email, "A message for Ada")
        notify([city_admin], "password.changed", link="/account")
    data = privacy.export_user_data(city_admin)
    assert set(data) == {
        "format", "person", "organization", "sessions", "api_tokens",  # accounts' own
        "join_requests", "invitations_sent",  # onboarding
        "emails_to_you",  # mail
        "notifications",  # notifications
        "activity",  # audit
        "messages",  # conversations
        "documents",  # documents
        "pilots",  # pilots
    }  # fmt: skip
    assert [i["email"] for i in data["invitations_sent"]] == ["colleague@testville.example"]
    assert [m["subject"] for m in data["emails_to_you"]] == ["A message for Ada"]
    assert len(data["notifications"]) == 1

    old_email, user_id = city_admin.email, city_admin.id
    with unit_of_work():
        privacy.delete_account(city_admin, password=PASSWORD)
    db.session.expire_all()
    row = db.session.get(Invitation, invitation.id)
    assert row.email == ERASED_EMAIL and row.status == InvitationStatus.REVOKED
    count = func.count()
    assert db.session.scalar(select(count).where(OutboundEmail.to == old_email)) == 0
    assert db.session.scalar(select(count).where(Notification.user_id == user_id)) == 0


def test_the_account_signals_are_connected_once_per_receiver(app):
    from seoul_platform.accounts import signals
    from seoul_platform.app import create_app
    from seoul_platform.config import TestConfig

    before = {s.name: len(s.receivers) for s in vars(signals).values() if hasattr(s, "receivers")}
    create_app(TestConfig)  # a second app in the same process
    after = {s.name: len(s.receivers) for s in vars(signals).values() if hasattr(s, "receivers")}
    assert (
        before
        == after
        == {
            "account-deleted": 6,  # onboarding, notifications, mail, members, training, audit
            "account-disabled": 1,  # onboarding
            "account-refusal-requested": 1,  # onboarding
            # onboarding, mail, notifications, audit, conversations, documents, pilots
            "personal-data-requested": 7,
        }
    )
