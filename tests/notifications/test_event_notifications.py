"""Today's events notify the person concerned, exactly once; a password change also e-mails."""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import func, select

from seoul_platform.accounts import privacy, services
from seoul_platform.accounts.models import UserStatus
from seoul_platform.errors import Conflict
from seoul_platform.mail.delivery import render_text
from seoul_platform.mail.models import OutboundEmail
from seoul_platform.members.schemas import OrganizationInput
from seoul_platform.notifications.models import Notification
from seoul_platform.onboarding import services as onboarding
from support import PASSWORD, csrf_token, signed_in

NEW_PASSWORD = "a brand new passphrase 77"


def _all(db) -> list[tuple[int, str]]:
    return [
        (n.user_id, n.kind)
        for n in db.session.scalars(select(Notification).order_by(Notification.id))
    ]


def _apply(db, email="founder@greenline.example"):
    request = onboarding.apply_to_join(
        OrganizationInput(
            kind="company", name="Greenline", country="KE", region="africa"
        ).model_dump(),
        name="Wanjiru Founder",
        email=email,
        password=PASSWORD,
        motivation="Pilots.",
    )
    db.session.commit()
    return request


def test_join_request_approved_notifies_the_applicant_once(db, official):
    request = _apply(db)
    assert _all(db) == []
    onboarding.decide_join_request(official, request.id, approve=True)
    db.session.commit()
    assert _all(db) == [(request.applicant_id, "join_request.approved")]
    row = db.session.scalar(select(Notification))
    assert row.params == {"organization": "Greenline"}
    assert row.link == f"/organizations/{request.organization_id}"


def test_join_request_declined_notifies_the_applicant_once(db, official):
    request = _apply(db)
    onboarding.decide_join_request(official, request.id, approve=False, reason="Out of scope")
    db.session.commit()
    assert _all(db) == [(request.applicant_id, "join_request.declined")]


def test_invitation_accepted_notifies_the_inviter_once(db, official, city):
    _, token = onboarding.create_invitation(
        official, email="new@example.org", organization_id=city.id
    )
    db.session.commit()
    user = onboarding.accept_invitation(token, name="Nina New", password=PASSWORD)
    db.session.commit()
    assert _all(db) == [(official.id, "invitation.accepted")]
    row = db.session.scalar(select(Notification))
    assert row.params == {"name": "Nina New", "organization": "Testville"}
    assert user.id != official.id


def test_disable_and_enable_notify_the_person_who_sees_both_when_enabled(
    app, db, official, city_member
):
    services.set_user_status(official, city_member, UserStatus.DISABLED)
    db.session.commit()
    assert _all(db) == [(city_member.id, "account.disabled")]
    services.set_user_status(official, city_member, UserStatus.ACTIVE)
    db.session.commit()
    with pytest.raises(Conflict):  # no change: a conflict naming the state, and no news
        services.set_user_status(official, city_member, UserStatus.ACTIVE)
    db.session.rollback()
    assert _all(db) == [(city_member.id, "account.disabled"), (city_member.id, "account.enabled")]

    page = signed_in(app, city_member).get("/notifications").get_data(as_text=True)
    assert "Your account was disabled by a Seoul official." in page
    assert "Your account was enabled again by a Seoul official." in page


def _password_mails(db, user) -> list[OutboundEmail]:
    return list(
        db.session.scalars(
            select(OutboundEmail).where(
                OutboundEmail.to == user.email, OutboundEmail.kind == "password_changed"
            )
        )
    )


def test_password_change_notifies_and_emails_in_the_persons_language(db, city_member):
    city_member.locale = "ko"
    db.session.commit()
    services.change_password(city_member, current=PASSWORD, new=NEW_PASSWORD)
    db.session.commit()
    assert _all(db) == [(city_member.id, "password.changed")]
    [mail] = _password_mails(db, city_member)
    assert mail.subject == "비밀번호가 변경되었습니다"
    assert mail.locale == "ko" and mail.template == "emails/password_changed.txt"
    text = render_text(mail)  # rendered as the worker will, in the stored locale
    assert "http://localhost/forgot-password" in text
    assert "Hello" not in text  # the whole e-mail is Korean


def test_failed_password_change_neither_notifies_nor_emails(db, city_member):
    import pytest

    from seoul_platform.errors import ValidationError

    with pytest.raises(ValidationError):
        services.change_password(city_member, current="wrong wrong wrong", new=NEW_PASSWORD)
    db.session.rollback()
    assert _all(db) == []
    assert _password_mails(db, city_member) == []


def test_password_reset_notifies_and_emails(app, db, city_member):
    client = app.test_client()
    client.post(
        "/forgot-password",
        data={"email": city_member.email, "csrf_token": csrf_token(client, "/forgot-password")},
    )
    body = render_text(
        db.session.scalar(select(OutboundEmail).where(OutboundEmail.kind == "password_reset"))
    )
    token = re.search(r"/reset-password/([A-Za-z0-9_-]+)", body).group(1)
    response = client.post(
        f"/reset-password/{token}",
        data={
            "password": NEW_PASSWORD,
            "confirm": NEW_PASSWORD,
            "csrf_token": csrf_token(client, f"/reset-password/{token}"),
        },
    )
    assert response.status_code == 302
    assert _all(db) == [(city_member.id, "password.changed")]
    [mail] = _password_mails(db, city_member)
    assert mail.subject == "Your password was changed"


def test_export_contains_ones_notifications_and_deletion_removes_them(
    app, db, official, city_member, city_admin
):
    services.set_user_status(official, city_member, UserStatus.DISABLED)
    services.set_user_status(official, city_member, UserStatus.ACTIVE)
    services.set_user_status(official, city_admin, UserStatus.DISABLED)
    db.session.commit()

    client = signed_in(app, city_member)
    data = json.loads(client.get("/account/data").get_data(as_text=True))
    assert [n["kind"] for n in data["notifications"]] == ["account.disabled", "account.enabled"]
    assert data["notifications"][0]["message"] == "Your account was disabled by a Seoul official."

    user_id = city_member.id
    privacy.delete_account(city_member, password=PASSWORD)
    db.session.commit()
    left = db.session.scalar(
        select(func.count(Notification.id)).where(Notification.user_id == user_id)
    )
    assert left == 0
    others = db.session.scalar(
        select(func.count(Notification.id)).where(Notification.user_id == city_admin.id)
    )
    assert others == 1  # someone else's are untouched


def test_invitees_deletion_removes_the_inviters_notification_naming_them(db, official, city):
    _, token = onboarding.create_invitation(
        official, email="new@example.org", organization_id=city.id
    )
    db.session.commit()
    invitee = onboarding.accept_invitation(token, name="Nina New", password=PASSWORD)
    services.set_user_status(official, invitee, UserStatus.DISABLED)  # not about anyone else
    db.session.commit()
    privacy.delete_account(invitee, password=PASSWORD)
    db.session.commit()
    assert _all(db) == []
    assert "Nina New" not in json.dumps(privacy.export_user_data(official))
