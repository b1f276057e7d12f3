"""How a request is authenticated: Flask-Login session cookies (backed by revocable
UserSession rows) and bearer API tokens."""

from __future__ import annotations

import logging
from datetime import timedelta

from flask import Flask, g, request
from flask_login import LoginManager
from sqlalchemy import or_, select, update
from sqlalchemy.exc import OperationalError

from ..db import as_utc, db, utcnow
from ..errors import Unauthenticated
from .models import ApiToken, User, UserSession, UserStatus
from .tokens import digest

_LIVE = (UserStatus.ACTIVE, UserStatus.PENDING)
log = logging.getLogger("seoul_platform.auth")


def user_for_session_token(raw: str | None) -> User | None:
    """The user of a live browser session, with ``session_token`` set; None if revoked."""
    if not raw or len(raw) > 100:
        return None
    row = db.session.execute(
        select(User)
        .join(UserSession, UserSession.user_id == User.id)
        .where(
            UserSession.token_hash == digest(raw),
            UserSession.revoked_at.is_(None),
            User.status.in_(_LIVE),
        )
    ).scalar_one_or_none()
    if row is not None:
        row.session_token = raw
    return row


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
