"""Security headers, caching, error pages and production start-up refusals."""

from __future__ import annotations

import pytest

from seoul_platform.app import create_app
from seoul_platform.config import ProductionConfig, UnsafeConfiguration
from support import signed_in


def test_security_headers_on_every_page(client):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    for directive in (
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "script-src 'self'",
    ):
        assert directive in csp
    assert "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in response.headers  # only in production


def test_authenticated_pages_are_not_cached(app, city_member):
    client = signed_in(app, city_member)
    assert client.get("/directory").headers["Cache-Control"] == "no-store"
    assert client.get("/api/v1/me").headers["Cache-Control"] == "no-store"


def test_no_inline_script_or_style_in_pages(app, city_member):
    client = signed_in(app, city_member)
    for path in ("/", "/directory", "/account", "/login"):
        html = client.get(path).get_data(True)
        assert "<script>" not in html and " style=" not in html and " onclick=" not in html


def test_unknown_page_is_a_generic_404_page(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "Traceback" not in response.get_data(True)


def test_unexpected_error_shows_a_generic_page(app, city_member, monkeypatch):
    from seoul_platform.members import services

    def boom(*args, **kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(services, "search_directory", boom)
    response = signed_in(app, city_member).get("/directory")
    assert response.status_code == 500
    body = response.get_data(True)
    assert "secret internals" not in body and "Traceback" not in body
    api = signed_in(app, city_member).get("/api/v1/organizations")
    assert api.status_code == 500 and api.headers["Content-Type"] == "application/problem+json"


def test_production_refuses_weak_secret_and_debug(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)

    class Weak(ProductionConfig):
        SECRET_KEY = "short"
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'p.db'}"

    with pytest.raises(UnsafeConfiguration, match="SECRET_KEY"):
        create_app(Weak)

    class Debug(Weak):
        SECRET_KEY = "x" * 48
        DEBUG = True

    with pytest.raises(UnsafeConfiguration, match="debug"):
        create_app(Debug)


def test_production_refuses_to_start_with_demo_accounts(tmp_path, monkeypatch):
    from seoul_platform.accounts import services
    from seoul_platform.db import db

    monkeypatch.chdir(tmp_path)
    url = f"sqlite:///{tmp_path / 'p.db'}"

    class Dev(ProductionConfig):
        ENV_NAME = "development"
        SECRET_KEY = "x" * 48
        SQLALCHEMY_DATABASE_URI = url

    dev = create_app(Dev)
    with dev.app_context():
        db.create_all()
        services.create_user(email="demo@example.org", name="Demo", password=None, is_demo=True)
        db.session.commit()

    class Prod(ProductionConfig):
        SECRET_KEY = "x" * 48
        SQLALCHEMY_DATABASE_URI = url
        TRUSTED_HOSTS = ["platform.example"]

    with pytest.raises(UnsafeConfiguration, match="demo accounts"):
        create_app(Prod)
    with dev.app_context():
        db.session.execute(db.text("DELETE FROM users"))
        db.session.commit()
    prod = create_app(Prod)
    response = prod.test_client().get("/login", base_url="https://platform.example")
    assert "Strict-Transport-Security" in response.headers
    with dev.app_context():
        db.drop_all()


def test_untrusted_host_is_refused(app):
    app.config["TRUSTED_HOSTS"] = ["platform.example"]
    try:
        assert app.test_client().get("/", base_url="http://evil.example").status_code == 400
        assert app.test_client().get("/", base_url="http://platform.example").status_code == 200
    finally:
        app.config["TRUSTED_HOSTS"] = None


def test_language_switch_sets_lang_and_keeps_us_on_site(client):
    response = client.get("/language/ko?next=/login")
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    html = client.get("/login").get_data(True)
    assert '<html lang="ko" dir="ltr">' in html
    evil = client.get("/language/en?next=https://evil.example/")
    assert evil.headers["Location"] == "/"


def test_production_refuses_the_development_key(tmp_path, monkeypatch):
    from seoul_platform import config
    from seoul_platform.config import DEV_SECRET_KEY

    assert config.Config.SECRET_KEY == DEV_SECRET_KEY  # the development fallback
    environ = {
        "SEOUL_ENV": "production",
        "SECRET_KEY": DEV_SECRET_KEY,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'p.db'}",
        "SEOUL_INSTANCE_DIR": str(tmp_path),
        "TRUSTED_HOSTS": "platform.example",
    }
    with pytest.raises(UnsafeConfiguration, match="SECRET_KEY"):
        create_app(environ=environ)
    # Refused as such, not only for being short.
    monkeypatch.setattr(config, "DEV_SECRET_KEY", "d" * 40)
    with pytest.raises(UnsafeConfiguration, match="SECRET_KEY"):
        create_app(environ={**environ, "SECRET_KEY": "d" * 40})


def test_configuration_is_read_when_the_app_is_created(tmp_path):
    environ = {
        "SEOUL_ENV": "production",
        "SECRET_KEY": "k" * 48,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'p.db'}",
        "SEOUL_INSTANCE_DIR": str(tmp_path),
        "TRUSTED_HOSTS": "a.example, b.example",
        "SESSION_IDLE_TIMEOUT": "30m",
    }
    app = create_app(environ=environ)
    assert app.config["SECRET_KEY"] == "k" * 48
    assert app.config["TRUSTED_HOSTS"] == ["a.example", "b.example"]
    assert app.config["SQLALCHEMY_DATABASE_URI"].endswith("p.db")
    assert app.config["SESSION_IDLE_TIMEOUT"].total_seconds() == 1800
    assert app.config["PERMANENT_SESSION_LIFETIME"].total_seconds() == 1800
    assert app.config["TRUSTED_PROXIES"] == 0
