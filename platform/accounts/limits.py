"""Rate limits on the credential endpoints (sign-in, tokens, password reset, joining).

Three counters, so that guessing passwords stays slow without giving an attacker a way to lock
an official out:

* per client IP (``LOGIN_LIMIT_PER_IP``), every attempt;
* per account *and* client IP (``LOGIN_LIMIT_PER_ACCOUNT``, e.g. 10 per 10 minutes): one
  client cannot guess quickly, and failures from the attacker's address do not touch the
  owner's, who signs in from another one;
* per account from anywhere (``LOGIN_LIMIT_PER_ACCOUNT_CEILING``, e.g. 100 per day): a slow
  ceiling against guessing spread over many addresses.

The two account counters count only attempts that did not sign in (a successful sign-in or
token exchange is not deducted), and a successful password reset starts them afresh: each
account key carries a generation number that `clear_account_limits` bumps, so every old
counter of that account (for every IP) is left behind at once, on memory or Redis storage.
"""

from __future__ import annotations

from flask import current_app, g, request

from ..extensions import limiter
from .services import normalize_email

_GENERATION_TTL = 3 * 24 * 3600  # longer than the longest window the limits use


def _email() -> str:
    email = request.form.get("email")
    if email is None:
        body = request.get_json(silent=True)
        email = body.get("email") if isinstance(body, dict) else ""
    return normalize_email(str(email or ""))[:254]


def _generation_key(email: str) -> str:
    return f"login-generation/{email}"


def _account() -> str:
    email = _email()
    try:
        generation = limiter.storage.get(_generation_key(email))
    except Exception:  # storage down: Flask-Limiter itself decides whether to fail open
        generation = 0
    return f"account:{email}#{generation}"


def _account_and_ip() -> str:
    return f"{_account()}|ip:{request.remote_addr or ''}"


def mark_signed_in() -> None:
    """Tell the account limits that this request's credentials were right (not deducted)."""
    g.credentials_ok = True


def _failed(_response) -> bool:
    return not g.get("credentials_ok", False)


def _no_account() -> bool:
    # A request naming no address (the reset form carries a token) has no account counter;
    # sharing one empty key would let anyone exhaust it for everybody.
    return not _email()


def clear_account_limits(email: str) -> None:
    """Start the account's counters afresh (after a successful password reset)."""
    limiter.storage.incr(_generation_key(normalize_email(email)[:254]), _GENERATION_TTL)


# Sign-in and token exchange check the same password: they share the account counters, so
# alternating between them does not double the guessing rate. Joining and reset requests
# keep counters of their own (they never "succeed" here, and must not lock sign-in).
_PASSWORD_CHECKS = {"accounts.login", "api.create_token"}


def _scope(endpoint: str) -> str:
    return "password-check" if endpoint in _PASSWORD_CHECKS else endpoint


_LIMITS = [
    limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_IP"], methods=["POST"]),
    limiter.shared_limit(
        lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT"],
        _scope,
        key_func=_account_and_ip,
        methods=["POST"],
        deduct_when=_failed,
        exempt_when=_no_account,
    ),
    limiter.shared_limit(
        lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT_CEILING"],
        _scope,
        key_func=_account,
        methods=["POST"],
        deduct_when=_failed,
        exempt_when=_no_account,
    ),
]


def rate_limited(view):
    """Apply the three limits above to a credential endpoint (POST only)."""
    for limit in reversed(_LIMITS):
        view = limit(view)
    return view
