"""Accounts: creating people, signing in and out, passwords, sessions and API tokens.

Every function flushes at most; the caller (request, CLI command or test) commits once.
Invitations and join requests are in onboarding.py; data export and deletion in privacy.py.
"""

from __future__ import annotations

from datetime import timedelta

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from ..audit.services import record_event
from ..db import after_commit, as_utc, db, utcnow
from ..errors import Conflict, NotFound, PermissionDenied, ValidationError
from ..mail.services import queue_email
from .models import ApiToken, OrgRole, PasswordReset, User, UserSession, UserStatus
from .passwords import hash_password, needs_rehash, password_problems, verify_password
from .tokens import digest, new_secret

__all__ = [
    "AccountUnavailable",
    "InvalidCredentials",
    "assert_no_demo_accounts",
    "authenticate",
    "change_password",
    "create_api_token",
    "create_official",
    "create_user",
    "get_user",
    "issue_api_token",
    "list_api_tokens",
    "normalize_email",
    "request_password_reset",
    "reset_password",
    "revoke_api_token",
    "revoke_own_api_token",
    "revoke_sessions",
    "set_user_status",
    "start_session",
]


def normalize_email(email: str) -> str:
    return email.strip().lower()


def check_password_policy(password: str, *, email: str, name: str, field: str = "password") -> None:
    problems = password_problems(password, email=email, name=name)
    if problems:
        raise ValidationError(_("Choose a stronger password."), {field: [str(p) for p in problems]})


def get_user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None or user.status == UserStatus.DELETED:
        raise NotFound(_("No such person."))
    return user


def email_taken(email: str) -> bool:
    return (
        db.session.scalar(select(User.id).where(User.email == normalize_email(email))) is not None
    )


def create_user(
    *,
    email: str,
    name: str,
    password: str | None,
    organization_id: int | None = None,
    org_role: OrgRole = OrgRole.MEMBER,
    is_official: bool = False,
    status: UserStatus = UserStatus.ACTIVE,
    is_demo: bool = False,
    locale: str = "en",
    job_title: str = "",
) -> User:
    """Create a person. Raises Conflict if the e-mail is taken, ValidationError for a weak
    password. Flushes (so the unique e-mail constraint is checked now)."""
    email = normalize_email(email)
    if email_taken(email):
        raise Conflict(
            _("An account with this e-mail address already exists."),
            {"email": [_("An account with this e-mail address already exists.")]},
        )
    if password is not None:
        check_password_policy(password, email=email, name=name)
    user = User(
        email=email,
        name=name.strip(),
        password_hash=hash_password(password) if password else None,
        organization_id=organization_id,
        org_role=org_role,
        is_official=is_official,
        status=status,
        is_demo=is_demo,
        locale=locale,
        job_title=job_title,
    )
    db.session.add(user)
    try:
        with db.session.begin_nested():  # a concurrent sign-up with the same address loses here
            db.session.flush()
    except IntegrityError as exc:
        raise Conflict(_("An account with this e-mail address already exists.")) from exc
    return user


def create_official(*, email: str, name: str, password: str) -> User:
    """Create a Seoul official (platform role). Used by the CLI; audited."""
    user = create_user(email=email, name=name, password=password, is_official=True)
    record_event("official.created", target_type="user", target_id=user.id)
    return user


class InvalidCredentials(ValidationError):
    """A failed sign-in. The unit of work rolls back, then records ``login.failure`` in a
    transaction of its own (the attempt is a security event even though nothing changed)."""

    def __init__(self, *, user_id: int | None, email: str, ip: str):
        super().__init__(_("The e-mail address or password is not correct."))
        self._event = {"actor_id": user_id, "ip": ip, "detail": {"email": email}}

    def record_after_rollback(self) -> None:
        record_event("login.failure", **self._event)


class AccountUnavailable(PermissionDenied):
    """The password is right but the account may not sign in: its join request was declined
    (``state == "declined"``, with the official's ``reason``) or an official disabled it
    (``state == "disabled"``). Raised only after a correct password, so the state is never
    revealed to someone who does not know it. Records ``login.refused`` after the rollback."""

    def __init__(self, *, user: User, state: str, reason: str = "", ip: str = ""):
        message = (
            _("Your application to join was declined.")
            if state == "declined"
            else _("Your account is disabled by a Seoul official.")
        )
        super().__init__(message)
        self.state = state
        self.reason = reason
        self._event = {"actor_id": user.id, "ip": ip, "detail": {"state": state}}

    def record_after_rollback(self) -> None:
        record_event("login.refused", **self._event)


def _unavailable(user: User, ip: str) -> AccountUnavailable:
    from .models import JoinRequest, JoinRequestStatus

    declined = db.session.scalar(
        select(JoinRequest)
        .where(
            JoinRequest.applicant_id == user.id,
            JoinRequest.status == JoinRequestStatus.DECLINED,
        )
        .order_by(JoinRequest.decided_at.desc())
        .limit(1)
    )
    if declined is not None:
        return AccountUnavailable(user=user, state="declined", reason=declined.reason, ip=ip)
    return AccountUnavailable(user=user, state="disabled", ip=ip)


def authenticate(email: str, password: str, *, ip: str = "") -> User:
    """Check credentials. On failure raises InvalidCredentials with one generic message (it
    must not reveal which part was wrong or whether the account exists). Pending accounts
    may sign in (to see that they are waiting). With the right password, a declined or
    disabled account raises AccountUnavailable, which says which (the person knows the
    password, so telling them reveals nothing to a stranger)."""
    email = normalize_email(email)[:254]
    user = db.session.scalar(select(User).where(User.email == email))
    ok = verify_password(user.password_hash if user else None, password)
    if not ok or user is None or user.status == UserStatus.DELETED:
        raise InvalidCredentials(user_id=user.id if user else None, email=email, ip=ip)
    if user.status not in (UserStatus.ACTIVE, UserStatus.PENDING):
        raise _unavailable(user, ip)
    if needs_rehash(user.password_hash or ""):
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()
    record_event("login.success", actor_id=user.id, ip=ip)
    return user


def start_session(user: User, *, user_agent: str = "") -> str:
    """Open a browser session for ``user``; returns the raw token for the cookie (sets
    ``user.session_token`` for Flask-Login). Flushes."""
    raw, hashed = new_secret()
    db.session.add(UserSession(user_id=user.id, token_hash=hashed, user_agent=user_agent[:200]))
    db.session.flush()
    user.session_token = raw
    return raw


def end_session(raw_token: str | None) -> None:
    """Revoke one browser session (sign-out)."""
    if raw_token:
        db.session.execute(
            update(UserSession)
            .where(UserSession.token_hash == digest(raw_token), UserSession.revoked_at.is_(None))
            .values(revoked_at=utcnow())
        )


def revoke_sessions(user: User, *, api_tokens: bool = False) -> None:
    """Revoke every browser session of ``user`` (and API tokens when asked)."""
    now = utcnow()
    db.session.execute(
        update(UserSession)
        .where(UserSession.user_id == user.id, UserSession.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    if api_tokens:
        db.session.execute(
            update(ApiToken)
            .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
            .values(revoked_at=now)
        )
    from ..realtime.events import disconnect_user

    user_id = user.id
    after_commit(lambda: disconnect_user(user_id))  # a rollback keeps them connected


def change_password(user: User, *, current: str, new: str, ip: str = "") -> None:
    """Change a password after checking the current one; revokes all sessions and tokens
    (the caller starts a fresh session for the current browser)."""
    if not verify_password(user.password_hash, current):
        raise ValidationError(
            _("The current password is not correct."),
            {"current_password": [_("The current password is not correct.")]},
        )
    check_password_policy(new, email=user.email, name=user.name)
    user.password_hash = hash_password(new)
    revoke_sessions(user, api_tokens=True)
    record_event("password.changed", actor_id=user.id, ip=ip)


def request_password_reset(email: str, *, ip: str = "") -> None:
    """E-mail a single-use, time-limited reset link if the address belongs to a live account.
    Says nothing either way (the view shows the same message)."""
    user = db.session.scalar(select(User).where(User.email == normalize_email(email)[:254]))
    if user is None or user.status not in (UserStatus.ACTIVE, UserStatus.PENDING):
        record_event("password_reset.unknown", ip=ip)
        return
    raw, hashed = new_secret()
    lifetime: timedelta = current_app.config["PASSWORD_RESET_LIFETIME"]
    db.session.add(
        PasswordReset(user_id=user.id, token_hash=hashed, expires_at=utcnow() + lifetime)
    )
    link = f"{current_app.config['PUBLIC_BASE_URL']}/reset-password/{raw}"
    with force_locale(user.locale):
        queue_email(
            user.email,
            _("Reset your password"),
            render_template(
                "emails/password_reset.txt",
                user=user,
                link=link,
                minutes=int(lifetime.total_seconds() // 60),
            ),
            kind="password_reset",
        )
    record_event("password_reset.requested", actor_id=user.id, ip=ip)


def _live_reset(raw: str) -> PasswordReset:
    reset = db.session.scalar(
        select(PasswordReset).where(PasswordReset.token_hash == digest(raw[:100]))
    )
    if reset is None or reset.used_at is not None or as_utc(reset.expires_at) < utcnow():
        raise Conflict(_("This reset link has expired or was already used. Ask for a new one."))
    return reset


def check_reset_token(raw: str) -> None:
    _live_reset(raw)


def reset_password(raw: str, new_password: str, *, ip: str = "") -> User:
    """Set a new password with a reset token. The token is consumed with a compare-and-set
    (two concurrent uses: one wins). Revokes all sessions and other reset links."""
    reset = _live_reset(raw)
    user = get_user(reset.user_id)
    check_password_policy(new_password, email=user.email, name=user.name)
    new_hash = hash_password(new_password)
    consumed = db.session.execute(
        update(PasswordReset)
        .where(PasswordReset.id == reset.id, PasswordReset.used_at.is_(None))
        .values(used_at=utcnow())
    ).rowcount
    if consumed != 1:
        raise Conflict(_("This reset link has expired or was already used. Ask for a new one."))
    db.session.execute(
        update(PasswordReset)
        .where(PasswordReset.user_id == user.id, PasswordReset.used_at.is_(None))
        .values(used_at=utcnow())
    )
    user.password_hash = new_hash
    revoke_sessions(user, api_tokens=True)
    record_event("password.reset", actor_id=user.id, ip=ip)
    return user


def set_user_status(actor: User, user: User, status: UserStatus) -> None:
    """An official disables or re-enables an account; disabling revokes everything."""
    if not actor.is_official:
        raise PermissionDenied(_("Only Seoul officials may do this."))
    if user.id == actor.id:
        raise Conflict(_("You cannot change the status of your own account."))
    if status not in (UserStatus.ACTIVE, UserStatus.DISABLED):
        raise ValidationError(_("Unknown status."))
    user.status = status
    if status == UserStatus.DISABLED:
        revoke_sessions(user, api_tokens=True)
    record_event(f"user.{status.value}", actor_id=actor.id, target_type="user", target_id=user.id)


def create_api_token(email: str, password: str, *, ip: str = "") -> tuple[str, ApiToken]:
    """Exchange credentials for a bearer token (stored hashed). Returns (raw, row)."""
    user = authenticate(email, password, ip=ip)
    raw, hashed = new_secret()
    token = ApiToken(
        user_id=user.id,
        token_hash=hashed,
        expires_at=utcnow() + current_app.config["API_TOKEN_LIFETIME"],
    )
    db.session.add(token)
    db.session.flush()
    record_event(
        "api_token.created", actor_id=user.id, ip=ip, target_type="api_token", target_id=token.id
    )
    return raw, token


def issue_api_token(user: User, *, name: str = "", ip: str = "") -> tuple[str, ApiToken]:
    """A signed-in person creates a token for themself on the tokens page (their session
    already proved who they are). Returns (raw, row); the raw token is shown once."""
    raw, hashed = new_secret()
    token = ApiToken(
        user_id=user.id,
        token_hash=hashed,
        name=" ".join(name.split())[:80],
        expires_at=utcnow() + current_app.config["API_TOKEN_LIFETIME"],
    )
    db.session.add(token)
    db.session.flush()
    record_event(
        "api_token.created", actor_id=user.id, ip=ip, target_type="api_token", target_id=token.id
    )
    return raw, token


def list_api_tokens(user: User, *, page: int = 1, per_page: int = 20) -> tuple[list[ApiToken], int]:
    """The person's own tokens, newest first (revoked and expired ones too), and the total."""
    total = (
        db.session.scalar(select(func.count(ApiToken.id)).where(ApiToken.user_id == user.id)) or 0
    )
    rows = db.session.scalars(
        select(ApiToken)
        .where(ApiToken.user_id == user.id)
        .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
        .offset((page - 1) * per_page)
        .limit(per_page)
    ).all()
    return list(rows), total


def revoke_own_api_token(user: User, token_id: int, *, ip: str = "") -> None:
    """Revoke one of the person's own tokens. Another person's token is NotFound (its
    existence is not revealed); revoking twice is harmless."""
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id:
        raise NotFound(_("No such token."))
    revoked = db.session.execute(
        update(ApiToken)
        .where(ApiToken.id == token_id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    ).rowcount
    if revoked:
        record_event(
            "api_token.revoked",
            actor_id=user.id,
            ip=ip,
            target_type="api_token",
            target_id=token_id,
        )


def revoke_api_token(raw: str) -> None:
    db.session.execute(
        update(ApiToken)
        .where(ApiToken.token_hash == digest(raw), ApiToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )


def update_profile(user: User, *, name: str, job_title: str, locale: str) -> None:
    """Change one's own name, job title and language; audits the fields that changed."""
    wanted = {"name": name.strip(), "job_title": job_title.strip(), "locale": locale}
    changed = sorted(k for k, v in wanted.items() if getattr(user, k) != v)
    for key in changed:
        setattr(user, key, wanted[key])
    if changed:
        record_event(
            "profile.updated",
            actor_id=user.id,
            target_type="user",
            target_id=user.id,
            detail={"fields": changed},
        )


def list_officials() -> list[User]:
    return list(
        db.session.scalars(
            select(User).where(User.is_official.is_(True), User.status == UserStatus.ACTIVE)
        )
    )


def assert_no_demo_accounts() -> None:
    """Production refuses to start while demo accounts exist."""
    from sqlalchemy.exc import SQLAlchemyError

    from ..config import UnsafeConfiguration

    try:
        demo = db.session.scalar(select(func.count(User.id)).where(User.is_demo.is_(True)))
    except SQLAlchemyError:
        db.session.rollback()
        return  # no schema yet: `flask db upgrade` runs before the first start
    if demo:
        raise UnsafeConfiguration(
            "refusing to start in production: demo accounts are present "
            "(run `flask --app wsgi remove-demo`)"
        )
