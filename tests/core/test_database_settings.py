"""Database settings the code relies on, stated rather than left to a server's defaults."""

from __future__ import annotations

from seoul_platform.config import Config, finish


def _finished(url: str) -> dict:
    settings = {
        "SQLALCHEMY_DATABASE_URI": url,
        "SQLALCHEMY_ENGINE_OPTIONS": dict(Config.SQLALCHEMY_ENGINE_OPTIONS),
        "PUBLIC_BASE_URL": Config.PUBLIC_BASE_URL,
        "PERMANENT_SESSION_LIFETIME": Config.PERMANENT_SESSION_LIFETIME,
        "SESSION_IDLE_TIMEOUT": Config.SESSION_IDLE_TIMEOUT,
        "REMEMBER_COOKIE_DURATION": Config.REMEMBER_COOKIE_DURATION,
        "SESSION_ABSOLUTE_TIMEOUT": Config.SESSION_ABSOLUTE_TIMEOUT,
    }
    finish(settings, {})
    return settings


def test_postgresql_runs_read_committed_and_keeps_the_other_options():
    options = _finished("postgresql+psycopg://postgres@127.0.0.1:5432/x")[
        "SQLALCHEMY_ENGINE_OPTIONS"
    ]
    assert options == {"pool_pre_ping": True, "isolation_level": "READ COMMITTED"}


def test_sqlite_has_no_isolation_option():
    options = _finished("sqlite:///x.db")["SQLALCHEMY_ENGINE_OPTIONS"]
    assert "isolation_level" not in options
