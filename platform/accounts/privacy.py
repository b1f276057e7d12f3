"""A person's rights over their data: download it all, delete the account."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import delete, select

from ..audit.models import AuditEvent
from ..audit.services import anonymise_actor, record_event
from ..db import db
from ..errors import ValidationError
from ..lifecycle import transition
from ..mail.models import OutboundEmail
from ..mail.services import forget_recipient
from ..members.services import detach_laureate
from ..notifications.models import Notification
from ..notifications.services import delete_notifications_of, render_message
from . import lifecycle
from .invitations import erase_invitation_addresses
from .models import ApiToken, Invitation, JoinRequest, PasswordReset, User, UserSession, UserStatus
from .passwords import verify_password
from .services import DELETED_EMAIL_PREFIX, revoke_sessions


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def export_user_data(user: User) -> dict[str, Any]:
    """Everything the platform holds about ``user``, as JSON-ready data."""
    org = user.organization
    sessions = db.session.scalars(select(UserSession).where(UserSession.user_id == user.id))
    tokens = db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id))
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.actor_id == user.id).order_by(AuditEvent.id)
    )
    invitations = db.session.scalars(select(Invitation).where(Invitation.invited_by_id == user.id))
    mails = db.session.scalars(select(OutboundEmail).where(OutboundEmail.to == user.email))
    join = db.session.scalars(select(JoinRequest).where(JoinRequest.applicant_id == user.id))
    notifications = db.session.scalars(
        select(Notification).where(Notification.user_id == user.id).order_by(Notification.id)
    )
    return {
        "format": "seoul-smart-city-platform/personal-data/v1",
        "person": {
            "id": user.id,
            "email": user.email,
            "name": user.name,
            "job_title": user.job_title,
            "locale": user.locale,
            "status": user.status.value,
            "org_role": user.org_role.value,
            "is_official": user.is_official,
            "created_at": _iso(user.created_at),
            "last_login_at": _iso(user.last_login_at),
        },
        "organization": (
            {"id": org.id, "name": org.name, "kind": org.kind.value} if org is not None else None
        ),
        "sessions": [
            {
                "created_at": _iso(s.created_at),
                "last_seen_at": _iso(s.last_seen_at),
                "revoked_at": _iso(s.revoked_at),
                "user_agent": s.user_agent,
            }
            for s in sessions
        ],
        "api_tokens": [
            {
                "created_at": _iso(t.created_at),
                "expires_at": _iso(t.expires_at),
                "revoked_at": _iso(t.revoked_at),
            }
            for t in tokens
        ],
        "join_requests": [
            {
                "id": j.id,
                "status": j.status.value,
                "motivation": j.motivation,
                "created_at": _iso(j.created_at),
            }
            for j in join
        ],
        "invitations_sent": [
            {
                "email": i.email,
                "organization_id": i.organization_id,
                "created_at": _iso(i.created_at),
            }
            for i in invitations
        ],
        "emails_to_you": [
            {"subject": m.subject, "created_at": _iso(m.created_at), "sent_at": _iso(m.sent_at)}
            for m in mails
        ],
        "notifications": [
            {
                "kind": n.kind,
                "message": render_message(n),
                "link": n.link,
                "created_at": _iso(n.created_at),
                "read_at": _iso(n.read_at),
            }
            for n in notifications
        ],
        "activity": [{"action": e.action, "at": _iso(e.created_at), "ip": e.ip} for e in events],
    }


def anonymised_email(user_id: int) -> str:
    """The value a deleted account keeps in ``users.email``: unique per row (the id) and not
    an e-mail address at all (no ``@``), so no form, API call or invitation can register it
    first and make the deletion fail on the unique constraint."""
    return f"{DELETED_EMAIL_PREFIX}{user_id}"


def delete_account(user: User, *, password: str, ip: str = "") -> None:
    """Delete ``user``'s account at their request. Personal data is removed or anonymised;
    the row stays (as "Deleted member") so shared records — awards, decisions, history —
    remain consistent. Revokes every session and token; the invitations addressed to them or
    sent by them lose the address, and the open ones are revoked."""
    if not verify_password(user.password_hash, password):
        raise ValidationError(
            _("The password is not correct."), {"password": [_("The password is not correct.")]}
        )
    old_email = user.email
    transition(  # from the state this request loaded: a concurrent disable wins over us
        lifecycle.USER,
        User,
        user.id,
        expected=user.status,
        to=UserStatus.DELETED,
        actor=user,
        roles={lifecycle.SELF},
        reason="deleted at the person's request",
    )
    revoke_sessions(user, api_tokens=True)
    erase_invitation_addresses(user, old_email)
    db.session.execute(delete(PasswordReset).where(PasswordReset.user_id == user.id))
    delete_notifications_of(user)
    forget_recipient(old_email)
    detach_laureate(user.id)
    anonymise_actor(user.id)  # sign-in records keep the pseudonymous id, lose address and IP
    user.email = anonymised_email(user.id)
    user.email_key = ""  # the look-alike digest is derived from the address: gone too
    user.name = "Deleted member"  # a fixed marker; deleted people are listed nowhere
    user.job_title = ""
    user.password_hash = None
    user.organization_id = None
    record_event("account.deleted", target_type="user", target_id=user.id, ip="")
