"""Accounts: creating people, signing in and out, passwords, sessions and API tokens.

Every function flushes at most; the caller (request, CLI command or test) commits once.
Invitations and join requests are onboarding's (platform/onboarding/); data export and
deletion are in privacy.py; what accounts tells the features above it, in signals.py.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from ..audit.services import record_event
from ..db import after_commit, as_utc, db, utcnow
from ..errors import Conflict, NotFound, PermissionDenied, ValidationError
from ..mail.services import queue_email
from ..notifications.services import notify
from ..pagination import Page, PageQuery, paginate
from ..text import clean_line, looks_spoofed, skeleton_hash, strip_invisible
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
    "settle_applicant",
    "start_session",
]


# Deleted accounts keep "deleted:<id>" as their address (privacy.anonymised_email).
DELETED_EMAIL_PREFIX = "deleted:"
# Addresses the platform itself used for deleted accounts before; never registrable.
_RESERVED_DOMAINS = ("invalid.example",)


def normalize_email(email: str) -> str:
    """The stored and compared form: NFKC, invisible characters removed, lower case.
    Line breaks and controls are kept, so that `is_registrable_email` refuses them."""
    return strip_invisible(unicodedata.normalize("NFKC", email)).strip().lower()


def email_lookalike(email: str) -> User | None:
    """A live or pending account whose address is ``email`` or looks like it (same
    skeleton: full-width letters, Cyrillic look-alikes, invisible characters ...)."""
    email = normalize_email(email)
    return db.session.scalar(
        select(User)
        .where(
            (User.email == email) | (User.email_key == skeleton_hash(email)),
            User.status != UserStatus.DELETED,
        )
        .order_by((User.email == email).desc(), User.id)
        .limit(1)
    )


def clean_person_text(value: str, *, field: str, spoof_check: bool = False) -> str:
    """A person's name or job title, cleaned like every single-line field; ValidationError
    for line breaks/controls, or for a name imitating Latin with other scripts."""
    try:
        value = clean_line(value)
    except ValueError:
        message = _("Use a single line: line breaks and control characters are not allowed.")
        raise ValidationError(message, {field: [message]}) from None
    if spoof_check and looks_spoofed(value):
        message = _(
            "This name mixes alphabets in a way that imitates another name. "
            "Write it in one alphabet."
        )
        raise ValidationError(message, {field: [message]})
    return value


def is_registrable_email(email: str) -> bool:
    """Whether a new account or invitation may use ``email`` (already normalised): exactly
    one ``@`` with text on both sides, no spaces or controls, and not a reserved value
    (deleted accounts' markers, the ``.invalid`` top-level domain of RFC 2606)."""
    local, at, domain = email.rpartition("@")
    if not at or not local or not domain or "@" in local:
        return False
    if any(c.isspace() or not c.isprintable() for c in email):
        return False
    if email.startswith(DELETED_EMAIL_PREFIX):
        return False
    return not (domain.endswith(".invalid") or domain == "invalid" or domain in _RESERVED_DOMAINS)


def unregistrable_email() -> ValidationError:
    message = _("This e-mail address cannot be used.")
    return ValidationError(message, {"email": [message]})


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
    """Whether ``email`` or an address that looks like it already has an account."""
    email = normalize_email(email)
    exact = db.session.scalar(select(User.id).where(User.email == email))
    return exact is not None or email_lookalike(email) is not None


def check_new_account_email(email: str) -> None:
    """An account could be created for ``email`` (normalised): ValidationError when the
    address is not registrable, Conflict when it (or a look-alike) has an account."""
    if not is_registrable_email(email):
        raise unregistrable_email()
    if email_taken(email):
        raise Conflict(
            _("An account with this e-mail address already exists."),
            {"email": [_("An account with this e-mail address already exists.")]},
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
    check_new_account_email(email)
    if password is not None:
        check_password_policy(password, email=email, name=name)
    name = clean_person_text(name, field="name", spoof_check=True)
    job_title = clean_person_text(job_title, field="job_title")
    user = User(
        email=email,
        email_key=skeleton_hash(email),
        name=name,
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
    from .signals import account_refusal_requested

    for _receiver, answer in account_refusal_requested.send(user):
        if answer is not None:  # e.g. onboarding: ("declined", the official's reason)
            state, reason = answer
            return AccountUnavailable(user=user, state=state, reason=reason, ip=ip)
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


def start_session(user: User, *, user_agent: str = "", remember: bool = False) -> str:
    """Open a browser session for ``user``; returns the raw token for the cookie (sets
    ``user.session_token`` for Flask-Login). ``remember``: "keep me signed in", which gets
    the longer idle lifetime. Flushes."""
    raw, hashed = new_secret()
    now = utcnow()
    db.session.add(
        UserSession(
            user_id=user.id,
            token_hash=hashed,
            user_agent=user_agent[:200],
            remember=remember,
            created_at=now,
            last_seen_at=now,
        )
    )
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
    tell_password_changed(user)


def tell_password_changed(user: User) -> None:
    """A notification and an e-mail (in the person's language): if it was not them, they
    learn it on every channel they still have."""
    notify([user], "password.changed", link="/account")
    queue_email(
        user.email,
        _l("Your password was changed"),
        template="emails/password_changed.txt",
        context={
            "user": {"name": user.name},
            "link": f"{current_app.config['PUBLIC_BASE_URL']}/forgot-password",
        },
        locale=user.locale,
        kind="password_changed",
    )


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
    queue_email(
        user.email,
        _l("Reset your password"),
        template="emails/password_reset.txt",
        context={
            "user": {"name": user.name},
            "link": link,
            "minutes": int(lifetime.total_seconds() // 60),
        },
        locale=user.locale,
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


def check_reset_token(raw: str) -> User:
    """The account a live reset link belongs to; raises Conflict for a dead link."""
    return get_user(_live_reset(raw).user_id)


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
    tell_password_changed(user)
    return user


def set_user_status(actor: User, user: User, status: UserStatus) -> None:
    """An official disables an active account or enables a disabled one (accounts/lifecycle.py:
    a pending applicant is decided only through their join request, a declined one stays
    declined). Compare-and-set with a history entry; Conflict naming the account's state when
    it is not in the expected one. Disabling revokes every session and token and sends
    ``account_disabled`` (accounts/signals.py: the open invitations the person sent go)."""
    from ..lifecycle import transition
    from . import lifecycle
    from .signals import account_disabled

    if not actor.is_official:
        raise PermissionDenied(_("Only Seoul officials may do this."))
    if user.id == actor.id:
        raise Conflict(_("You cannot change the status of your own account."))
    if status not in (UserStatus.ACTIVE, UserStatus.DISABLED):
        raise ValidationError(_("Unknown status."))
    # The state we move from follows from the action, never from a value read earlier.
    expected = UserStatus.ACTIVE if status == UserStatus.DISABLED else UserStatus.DISABLED
    transition(
        lifecycle.USER,
        User,
        user.id,
        expected=expected,
        to=status,
        actor=actor,
        roles={lifecycle.OFFICIAL},
    )
    if status == UserStatus.DISABLED:
        revoke_sessions(user, api_tokens=True)
        account_disabled.send(user, actor=actor)  # onboarding revokes their open invitations
    kind = "account.disabled" if status == UserStatus.DISABLED else "account.enabled"
    notify([user], kind, link="/account")  # the disabled see it when enabled again
    record_event(f"user.{status.value}", actor_id=actor.id, target_type="user", target_id=user.id)


def settle_applicant(actor: User, user: User, *, approved: bool, reason: str) -> None:
    """An applicant's account follows the decision on their join request (onboarding): pending
    -> active or declined, by the system, with a history entry; this is the only way out of
    pending. Declining also revokes every session and token. Conflict when a declined
    applicant is not pending; approving an account that is already active (enabled before
    vetting was enforced) changes nothing."""
    from ..lifecycle import SYSTEM, transition
    from . import lifecycle

    try:
        transition(
            lifecycle.USER,
            User,
            user.id,
            expected=UserStatus.PENDING,
            to=UserStatus.ACTIVE if approved else UserStatus.DECLINED,
            actor=actor,
            roles={SYSTEM},
            reason=reason,
        )
    except Conflict:
        # Approving an account enabled before vetting was enforced: already where it
        # should be. Declining one stays refused (it would leave the account active).
        if not approved:
            raise
    if not approved:
        revoke_sessions(user, api_tokens=True)


def create_api_token(email: str, password: str, *, ip: str = "") -> tuple[str, ApiToken]:
    """Exchange credentials for a bearer token (stored hashed). Returns (raw, row)."""
    return issue_api_token(authenticate(email, password, ip=ip), ip=ip)


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


def list_api_tokens(user: User, query: PageQuery) -> Page[ApiToken]:
    """A page of the person's own tokens, newest first (revoked and expired ones too)."""
    stmt = select(ApiToken).where(ApiToken.user_id == user.id)
    return paginate(stmt.order_by(ApiToken.created_at.desc(), ApiToken.id.desc()), query)


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
    """Change one's own name, job title and language; ValidationError for unclean text.
    Audits the fields that changed."""
    wanted = {
        "name": clean_person_text(name, field="name", spoof_check=True),
        "job_title": clean_person_text(job_title, field="job_title"),
        "locale": locale,
    }
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


def list_active_people(org_ids: Iterable[int | None]) -> list[User]:
    """The active people of the given organisations, e.g. to notify them (one query)."""
    wanted = {i for i in org_ids if i is not None}
    if not wanted:
        return []
    return list(
        db.session.scalars(
            select(User).where(User.organization_id.in_(wanted), User.status == UserStatus.ACTIVE)
        )
    )


def list_officials() -> list[User]:
    """The active Seoul officials."""
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
