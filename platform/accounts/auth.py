"""How a request is authenticated: Flask-Login session cookies (backed by revocable
UserSession rows with idle and absolute lifetimes) and bearer API tokens."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime, timedelta

from flask import Flask, Response, current_app, g, has_request_context, request
from flask_login import LoginManager
from sqlalchemy import or_, select, update
from sqlalchemy.exc import OperationalError, SQLAlchemyError

from ..db import as_utc, db, unit_of_work, utcnow
from ..errors import Unauthenticated
from .models import ApiToken, User, UserSession, UserStatus
from .tokens import digest

log = logging.getLogger("seoul_platform.accounts")

_LIVE = (UserStatus.ACTIVE, UserStatus.PENDING)
_TOUCH = "session_touch"  # g: (session id, when) to record as last seen after the request


def session_expired(row: UserSession, now: datetime, config: Mapping) -> bool:
    """Idle too long (the longer limit if "keep me signed in"), or older than the
    absolute lifetime. An expired session counts as revoked."""
    idle_limit = (
        config["SESSION_REMEMBER_IDLE_TIMEOUT"] if row.remember else config["SESSION_IDLE_TIMEOUT"]
    )
    return (
        now - as_utc(row.created_at) >= config["SESSION_ABSOLUTE_TIMEOUT"]
        or now - as_utc(row.last_seen_at) >= idle_limit
    )


def user_for_session_token(raw: str | None) -> User | None:
    """The user of a live browser session, with ``session_token`` set; None if revoked or
    expired. Both the session cookie and the remember cookie carry this token."""
    if not raw or len(raw) > 100:
        return None
    found = db.session.execute(
        select(User, UserSession)
        .join(UserSession, UserSession.user_id == User.id)
        .where(
            UserSession.token_hash == digest(raw),
            UserSession.revoked_at.is_(None),
            User.status.in_(_LIVE),
        )
    ).one_or_none()
    if found is None:
        return None
    user, row = found
    now = utcnow()
    config = current_app.config
    if session_expired(row, now, config):
        return None
    if has_request_context() and now - as_utc(row.last_seen_at) >= config["SESSION_TOUCH_INTERVAL"]:
        g.setdefault(_TOUCH, (row.id, now))
    user.session_token = raw
    return user


def record_last_seen(response: Response) -> Response:
    """After the request: move the session's last_seen_at forward (at most once per
    SESSION_TOUCH_INTERVAL, as the loader decided).

    Not inside the request's own transaction: a GET's transaction began without SQLite's
    write lock, and upgrading a read transaction to a write fails at once (SQLITE_BUSY) if
    another connection committed since it began. So the request's transaction is ended
    first — whatever the handler did not commit by now would be rolled back at teardown
    anyway — and the conditional UPDATE runs in a short write transaction of its own. The
    condition makes concurrent requests of one session write once."""
    pending = g.pop(_TOUCH, None)
    if pending is None:
        return response
    session_id, now = pending
    stale_before = now - current_app.config["SESSION_TOUCH_INTERVAL"]
    try:
        db.session.rollback()
        with unit_of_work(write=True) as session:
            session.execute(
                update(UserSession)
                .where(UserSession.id == session_id, UserSession.last_seen_at <= stale_before)
                .values(last_seen_at=now)
            )
    except SQLAlchemyError:  # best effort: the answer is ready; the next request retries
        log.warning("could not record the session as seen", exc_info=True)
    return response


# A token's last use is written at most once per this interval: reads stay reads.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def user_for_api_token(raw: str) -> User | None:
    """The user of a live token; notes the token's last use (at most one write a minute, a
    compare-and-set, committed with the request's unit of work)."""
    if not raw or len(raw) > 100:
        return None
    now = utcnow()
    row = db.session.execute(
        select(User, ApiToken.id, ApiToken.last_used_at)
        .join(ApiToken, ApiToken.user_id == User.id)
        .where(
            ApiToken.token_hash == digest(raw),
            ApiToken.revoked_at.is_(None),
            ApiToken.expires_at > now,
            User.status.in_(_LIVE),
        )
    ).one_or_none()
    if row is None:
        return None
    user, token_id, last_used = row
    cutoff = now - LAST_USED_RESOLUTION
    if last_used is None or as_utc(last_used) < cutoff:
        try:  # bookkeeping only: a busy database must not fail the request itself
            with db.session.begin_nested():
                db.session.execute(
                    update(ApiToken)
                    .where(
                        ApiToken.id == token_id,
                        or_(ApiToken.last_used_at.is_(None), ApiToken.last_used_at < cutoff),
                    )
                    .values(last_used_at=now)
                )
        except OperationalError:
            log.warning("could not note the last use of API token %s", token_id)
    return user


def init_auth(app: Flask, login_manager: LoginManager) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.session_protection = None  # our session rows are the revocation mechanism
    login_manager.user_loader(user_for_session_token)
    app.after_request(record_last_seen)

    @app.before_request
    def _bearer_token():
        g.api_user = None
        header = request.headers.get("Authorization", "")
        if not request.path.startswith("/api/") or not header:
            return
        scheme, _, raw = header.partition(" ")
        if scheme.lower() != "bearer":
            raise Unauthenticated("Use the Bearer scheme.")
        user = user_for_api_token(raw.strip())
        if user is None:
            raise Unauthenticated("The token is invalid, expired or revoked.")
        g.api_user = user
        g.api_token = raw.strip()
