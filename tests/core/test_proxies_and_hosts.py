"""Forwarded headers are believed only from configured proxies; the Host header is checked
for every request (Socket.IO included); security headers are on every response."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from seoul_platform.app import create_app
from seoul_platform.audit.models import AuditEvent
from seoul_platform.db import db
from seoul_platform.extensions import limiter

HOST = "platform.example"
SPOOFED = ["203.0.113.1", "203.0.113.2", "203.0.113.3"]


@pytest.fixture
def production_app(tmp_path, monkeypatch):
    """A production app built from an environment, as wsgi.py builds it."""
    monkeypatch.chdir(tmp_path)
    made = []

    def build(**variables: str):
        environ = {
            "SEOUL_ENV": "production",
            "SECRET_KEY": "s" * 48,
            "DATABASE_URL": f"sqlite:///{tmp_path / f'p{len(made)}.db'}",
            "SEOUL_INSTANCE_DIR": str(tmp_path / "instance"),
            "TRUSTED_HOSTS": HOST,
            "LOGIN_LIMIT_PER_IP": "2 per minute",
            "LOGIN_LIMIT_PER_ACCOUNT": "100 per minute",
            **variables,
        }
        app = create_app(environ=environ)
        with app.app_context():
            db.create_all()
        made.append(app)
        return app

    yield build
    for app in made:
        with app.app_context():
            db.session.remove()
            db.drop_all()
            db.engine.dispose()
    limiter.reset()


def _failed_logins(app, forwarded_for: list[str]) -> list[int]:
    client = app.test_client()
    statuses = []
    for n, address in enumerate(forwarded_for):
        response = client.post(
            "/api/v1/tokens",
            json={"email": f"nobody{n}@example.org", "password": "wrong password 123"},
            headers={"X-Forwarded-For": address},
            base_url=f"https://{HOST}",
        )
        statuses.append(response.status_code)
    return statuses


def _audited_ips(app) -> set[str]:
    with app.app_context():
        return set(db.session.scalars(select(AuditEvent.ip)))


def test_forwarded_for_is_ignored_without_trusted_proxies(production_app):
    app = production_app()
    statuses = _failed_logins(app, SPOOFED)
    # The per-IP limit (2 per minute) holds although each request claimed another address.
    assert statuses[:2] != [429, 429] and statuses[2] == 429
    assert _audited_ips(app) == {"127.0.0.1"}  # the TCP peer, not what the client claimed


def test_forwarded_for_is_used_behind_one_trusted_proxy(production_app):
    app = production_app(TRUSTED_PROXIES="1")
    statuses = _failed_logins(app, SPOOFED)
    assert 429 not in statuses  # three different clients behind the proxy
    assert _audited_ips(app) == set(SPOOFED)
    # Only the hop the proxy appended is believed, not what the client put before it.
    _failed_logins(app, ["198.51.100.66, 203.0.113.50"])
    assert "198.51.100.66" not in _audited_ips(app)
    assert "203.0.113.50" in _audited_ips(app)


def test_trusted_hosts_are_required_in_production(production_app):
    from seoul_platform.config import UnsafeConfiguration

    with pytest.raises(UnsafeConfiguration, match="TRUSTED_HOSTS"):
        production_app(TRUSTED_HOSTS="")


# ---- Host header and headers on every response ---------------------------------------------

SECURITY_HEADERS = (
    "Content-Security-Policy",
    "X-Content-Type-Options",
    "Referrer-Policy",
    "X-Frame-Options",
    "Cross-Origin-Opener-Policy",
    "Permissions-Policy",
    "Strict-Transport-Security",
)

SOCKET_HANDSHAKE = "/socket.io/?EIO=4&transport=polling"


def _assert_security_headers(response) -> None:
    missing = [name for name in SECURITY_HEADERS if name not in response.headers]
    assert not missing, (response.status_code, missing)
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_untrusted_host_is_refused_for_socketio_too(production_app):
    client = production_app().test_client()
    for path in ("/", "/healthz", SOCKET_HANDSHAKE):
        refused = client.get(path, base_url="https://evil.example")
        assert refused.status_code == 400, path
        assert refused.headers["Content-Type"].startswith("text/plain")
        _assert_security_headers(refused)
    # A trusted host reaches Socket.IO (the Engine.IO handshake answers).
    handshake = client.get(SOCKET_HANDSHAKE, base_url=f"https://{HOST}")
    assert handshake.status_code == 200 and b"sid" in handshake.data
    _assert_security_headers(handshake)


def test_forwarded_host_is_checked_too(production_app):
    client = production_app(TRUSTED_PROXIES="1").test_client()
    spoofed = client.get(
        "/healthz", base_url=f"https://{HOST}", headers={"X-Forwarded-Host": "evil.example"}
    )
    assert spoofed.status_code == 400


@pytest.mark.parametrize(
    "path, status",
    [
        ("/login", 200),
        ("/healthz", 200),
        ("/static/css/site.css", 200),
        ("/no/such/page", 404),
        ("/api/v1/no-such-thing", 404),
        (SOCKET_HANDSHAKE, 200),
    ],
)
def test_security_headers_on_every_response(production_app, path, status):
    response = production_app().test_client().get(path, base_url=f"https://{HOST}")
    response.close()  # static files are streamed
    assert response.status_code == status
    _assert_security_headers(response)


def test_security_headers_on_errors_and_oversized_requests(production_app, monkeypatch):
    app = production_app()
    client = app.test_client()
    too_big = client.post(
        "/login",
        data="x" * (2 * 1024 * 1024),
        base_url=f"https://{HOST}",
        content_type="application/x-www-form-urlencoded",
    )
    assert too_big.status_code in (400, 413)
    _assert_security_headers(too_big)

    from seoul_platform import core

    def boom():
        raise RuntimeError("unexpected")

    monkeypatch.setattr(core, "platform_figures", boom, raising=False)
    from seoul_platform.members import services

    monkeypatch.setattr(services, "platform_figures", boom)
    crashed = client.get("/", base_url=f"https://{HOST}")
    assert crashed.status_code == 500
    _assert_security_headers(crashed)
