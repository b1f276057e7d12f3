"""A person's rights over their data: download it all, delete the account.

Accounts holds only part of a person's data; the rest is in features built on it (members,
onboarding) or used by it (mail, notifications, audit). It reaches them all the same way,
through the signals in accounts/signals.py, so that it imports none of the features above it.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import delete, select

from ..audit.services import record_event
from ..db import db
from ..errors import ValidationError
from ..lifecycle import transition
from . import lifecycle
from .models import ApiToken, PasswordReset, User, UserSession, UserStatus
from .passwords import verify_password
from .services import DELETED_EMAIL_PREFIX, revoke_sessions
from .signals import account_deleted, personal_data_requested


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def export_user_data(user: User) -> dict[str, Any]:
    """Everything the platform holds about ``user``, as JSON-ready data: the account's own
    rows here, and the sections the other features return to ``personal_data_requested``
    (accounts/signals.py)."""
    org = user.organization
    sessions = db.session.scalars(select(UserSession).where(UserSession.user_id == user.id))
    tokens = db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id))
    data: dict[str, Any] = {
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
    }
    for _receiver, sections in personal_data_requested.send(user):
        data.update(sections or {})
    return data


def anonymised_email(user_id: int) -> str:
    """The value a deleted account keeps in ``users.email``: unique per row (the id) and not
    an e-mail address at all (no ``@``), so no form, API call or invitation can register it
    first and make the deletion fail on the unique constraint."""
    return f"{DELETED_EMAIL_PREFIX}{user_id}"


def delete_account(user: User, *, password: str, ip: str = "") -> None:
    """Delete ``user``'s account at their request. Personal data is removed or anonymised;
    the row stays (as "Deleted member") so shared records — awards, decisions, history —
    remain consistent. Revokes every session and token and sends ``account_deleted`` while
    the row still has its address: the invitations addressed to them or sent by them lose
    it (the open ones are revoked), their mail and notifications are deleted, laureate links
    and the audit trail's addresses go."""
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
    db.session.execute(delete(PasswordReset).where(PasswordReset.user_id == user.id))
    # Every other feature forgets the person (accounts/signals.py): invitations lose the
    # address, mail and notifications go, sign-in records keep only the pseudonymous id ...
    account_deleted.send(user, old_email=old_email)
    user.email = anonymised_email(user.id)
    user.email_key = ""  # the look-alike digest is derived from the address: gone too
    user.name = "Deleted member"  # a fixed marker; deleted people are listed nowhere
    user.job_title = ""
    user.password_hash = None
    user.organization_id = None
    record_event("account.deleted", target_type="user", target_id=user.id, ip="")
