"""HTTP hardening: security headers, CSP, cache control, CSRF policy, safe redirects."""

from __future__ import annotations

import unicodedata
from urllib.parse import unquote, urlsplit

from flask import Flask, Response, g, request
from flask_login import current_user

from .extensions import csrf

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; object-src 'none'; "
    "base-uri 'none'; frame-ancestors 'none'"
)

UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


_MAX_REDIRECT = 2048


def _visible(c: str, *, ascii_only: bool) -> bool:
    if ascii_only:
        return 0x21 <= ord(c) <= 0x7E
    return unicodedata.category(c)[0] not in "CZ"  # no controls, format characters, spaces


def _local_path(target: str, *, ascii_only: bool = True) -> bool:
    r"""One layer of the check: a printable-ASCII path starting with exactly one slash.

    Browsers parse a redirect with the WHATWG URL parser, which silently drops ASCII tab and
    newline anywhere, strips leading/trailing C0 controls and spaces, and reads ``\`` as
    ``/``. So ``/\evil``, ``/<TAB>/evil`` and `` //evil`` all mean "another host". Rather than
    imitate every rule, refuse anything outside printable ASCII (a URL we build ourselves is
    percent-encoded, so nothing real is lost), read backslashes as slashes, and then insist
    on one leading ``/`` followed by something that is not a slash and no scheme or host.
    """
    if not target or len(target) > _MAX_REDIRECT:
        return False
    if not all(_visible(c, ascii_only=ascii_only) for c in target):
        return False
    path = target.replace("\\", "/")
    if not path.startswith("/") or path.startswith("//"):
        return False
    parts = urlsplit(path)
    return not parts.scheme and not parts.netloc


def is_safe_redirect(target: str | None) -> bool:
    """True only for a path on this host, judged the way a browser would read it.

    The target is also checked after percent-decoding (repeatedly; decoded text may be any
    visible Unicode, as in an encoded Korean query): a proxy, a framework or a second
    redirect may decode ``/%09/evil.example`` or ``/%2F/evil.example`` into a form that
    leaves the site, so such targets are refused too.
    """
    if target is None:
        return False
    seen = target
    for _ in range(4):
        if not _local_path(seen, ascii_only=seen is target):
            return False
        decoded = unquote(seen)
        if decoded == seen:
            return True
        seen = decoded
    return False  # still changing after several rounds of decoding: not a plain path


def init_security(app: Flask) -> None:
    @app.before_request
    def _csrf_unless_bearer():
        # Cookie-authenticated writes (HTML forms and JSON with X-CSRFToken) need the token;
        # bearer-token API calls carry no ambient credential, so they are exempt.
        if request.method not in UNSAFE_METHODS:
            return
        if getattr(g, "api_user", None) is not None:
            return
        # An anonymous JSON call carries no ambient credential to abuse, and a cross-site
        # page cannot send application/json without a CORS preflight (which we never allow).
        if request.path.startswith("/api/") and not current_user.is_authenticated:
            return
        if request.endpoint in app.config.get("CSRF_EXEMPT_ENDPOINTS", ()):
            return
        csrf.protect()

    @app.after_request
    def _headers(response: Response) -> Response:
        h = response.headers
        h.setdefault("Content-Security-Policy", CSP)
        h.setdefault("X-Content-Type-Options", "nosniff")
        h.setdefault("Referrer-Policy", "same-origin")
        h.setdefault("X-Frame-Options", "DENY")
        h.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        h.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if app.config.get("HSTS"):
            h.setdefault("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
        authenticated = getattr(g, "api_user", None) is not None or (
            current_user and current_user.is_authenticated
        )
        if authenticated or request.endpoint in {"accounts.login", "accounts.reset_password"}:
            h["Cache-Control"] = "no-store"
            h.setdefault("Vary", "Cookie")
        return response
