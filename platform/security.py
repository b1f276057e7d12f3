"""HTTP hardening: security headers, CSP, cache control, CSRF policy, safe redirects, the
Host check and which proxies' forwarded headers are believed."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable
from urllib.parse import unquote, urlsplit

from flask import Flask, Response, g, request
from flask.sessions import SecureCookieSessionInterface
from flask_login import current_user
from werkzeug.exceptions import SecurityError
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.wsgi import get_host

from .extensions import csrf

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; object-src 'none'; "
    "base-uri 'none'; frame-ancestors 'none'"
)

UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}

HSTS_VALUE = "max-age=63072000; includeSubDomains"


def security_headers(*, hsts: bool) -> list[tuple[str, str]]:
    """The headers every response carries (unless the response set its own value)."""
    headers = [
        ("Content-Security-Policy", CSP),
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "same-origin"),
        ("X-Frame-Options", "DENY"),
        ("Cross-Origin-Opener-Policy", "same-origin"),
        ("Permissions-Policy", "camera=(), microphone=(), geolocation=()"),
    ]
    if hsts:
        headers.append(("Strict-Transport-Security", HSTS_VALUE))
    return headers


class HostAndHeaders:
    """WSGI middleware, outermost but for ProxyFix: refuses a Host header outside
    ``TRUSTED_HOSTS`` and adds the security headers to every response.

    Flask-SocketIO wraps ``app.wsgi_app`` and answers ``/socket.io/`` itself, so neither
    Flask's own trusted-host check nor an ``after_request`` hook ever sees those requests;
    the refusal below is not produced by Flask either. Doing both here covers all of them.
    Settings are read from ``app.config`` on each request.
    """

    def __init__(self, app: Flask, wsgi_app: Callable) -> None:
        self.app = app
        self.wsgi_app = wsgi_app

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        config = self.app.config
        extra = security_headers(hsts=bool(config.get("HSTS")))

        def start(status: str, headers: list, exc_info=None):
            present = {name.lower() for name, _value in headers}
            headers = list(headers) + [(n, v) for n, v in extra if n.lower() not in present]
            return start_response(status, headers, exc_info)

        trusted = config.get("TRUSTED_HOSTS")
        if trusted:
            try:
                get_host(environ, trusted_hosts=trusted)
            except SecurityError:
                body = b"400 Bad Request: this host name is not served here.\n"
                start(
                    "400 BAD REQUEST",
                    [
                        ("Content-Type", "text/plain; charset=utf-8"),
                        ("Content-Length", str(len(body))),
                    ],
                )
                return [body]
        return self.wsgi_app(environ, start)


def wrap_wsgi(app: Flask) -> None:
    """Install the Host check and headers around everything (Socket.IO included), and
    ProxyFix around that only when ``TRUSTED_PROXIES`` says how many proxies to believe:
    otherwise anyone could choose the address that rate limits and the audit log use."""
    app.wsgi_app = HostAndHeaders(app, app.wsgi_app)
    hops = int(app.config.get("TRUSTED_PROXIES") or 0)
    if hops > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)


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
    def _cache_control(response: Response) -> Response:
        # The fixed security headers are added by HostAndHeaders, for every response.
        h = response.headers
        if request.endpoint == "static":
            _static_cache_control(response)
            return response
        authenticated = getattr(g, "api_user", None) is not None or (
            current_user and current_user.is_authenticated
        )
        if authenticated or request.endpoint in {"accounts.login", "accounts.reset_password"}:
            # A response that already forbids storing (a private document download) keeps
            # its own, stricter-or-equal value.
            if "no-store" not in (h.get("Cache-Control") or ""):
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
