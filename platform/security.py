"""HTTP hardening: security headers, CSP, cache control, CSRF policy, safe redirects."""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

from flask import Flask, Response, g, request
from flask.sessions import SecureCookieSessionInterface
from flask_login import current_user

from .extensions import csrf

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; object-src 'none'; "
    "base-uri 'none'; frame-ancestors 'none'"
)

UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


def is_safe_redirect(target: str | None) -> bool:
    """True when ``target`` is a relative path on this host (no scheme, no other host)."""
    if not target or "\\" in target or any(ord(c) < 32 for c in target):
        return False
    if target.startswith("//"):
        return False
    base = urlsplit(request.host_url)
    joined = urlsplit(urljoin(request.host_url, target))
    return joined.scheme in {"http", "https"} and joined.netloc == base.netloc


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie session, except that static files never write it: a refreshed
    session cookie (and the ``Vary: Cookie`` that comes with it) on a cacheable stylesheet
    would make the browser fetch it again on every page, and a shared cache could keep a
    response carrying someone's session cookie."""

    def save_session(self, app, session, response) -> None:
        if request.endpoint == "static":
            return
        super().save_session(app, session, response)


def init_security(app: Flask) -> None:
    app.session_interface = SessionInterface()

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
        if request.endpoint == "static":
            _static_cache_control(response)
            return response
        authenticated = getattr(g, "api_user", None) is not None or (
            current_user and current_user.is_authenticated
        )
        if authenticated or request.endpoint in {"accounts.login", "accounts.reset_password"}:
            h["Cache-Control"] = "no-store"
            h.setdefault("Vary", "Cookie")
        return response


def _static_cache_control(response: Response) -> None:
    """Static files hold nothing private, so they are never no-store, even for a signed-in
    browser. A URL naming the file's current content hash (templating.static_url) is cached
    for a year as immutable; any other URL is revalidated (ETag) on every use."""
    from .templating import static_version

    filename = (request.view_args or {}).get("filename", "")
    wanted = request.args.get("v")
    if response.status_code in (200, 304) and wanted and wanted == static_version(filename):
        response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    else:
        response.headers["Cache-Control"] = "no-cache"
