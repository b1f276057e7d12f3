"""Configuration read from the environment.

`Config` is the development default (SQLite file under instance/, one process, no other
service). `ProductionConfig` is chosen with ``SEOUL_ENV=production`` and refuses to start
with unsafe settings (see `check_production`). `TestConfig` is used by the test suite.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

INSTANCE_DIR = Path(os.environ.get("SEOUL_INSTANCE_DIR", Path.cwd() / "instance"))


def _env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


class Config:
    ENV_NAME = "development"
    SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-not-secret-change-me")
    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'seoul.db'}"
    )
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    REDIS_URL = os.environ.get("REDIS_URL") or None

    # Request size limit: forms and JSON bodies are small; 413 beyond this.
    MAX_CONTENT_LENGTH = int(os.environ.get("MAX_CONTENT_LENGTH", 1024 * 1024))
    MAX_FORM_MEMORY_SIZE = 512 * 1024

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _env_bool("SESSION_COOKIE_SECURE", False)
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = _env_bool("SESSION_COOKIE_SECURE", False)
    REMEMBER_COOKIE_DURATION = timedelta(days=14)
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)

    # CSRF is checked in a before_request hook so that bearer-token API calls can skip it.
    WTF_CSRF_CHECK_DEFAULT = False
    WTF_CSRF_TIME_LIMIT = None  # the token is bound to the session, which expires itself

    BABEL_DEFAULT_LOCALE = "en"
    BABEL_DEFAULT_TIMEZONE = "UTC"
    LANGUAGES = {"en": "English", "ko": "한국어"}
    BABEL_TRANSLATION_DIRECTORIES = str(Path(__file__).parent / "translations")

    BOOTSTRAP_SERVE_LOCAL = True

    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI") or (
        os.environ.get("REDIS_URL") or "memory://"
    )
    RATELIMIT_HEADERS_ENABLED = True
    LOGIN_LIMIT_PER_IP = os.environ.get("LOGIN_LIMIT_PER_IP", "30 per 10 minutes")
    LOGIN_LIMIT_PER_ACCOUNT = os.environ.get("LOGIN_LIMIT_PER_ACCOUNT", "10 per 10 minutes")

    TRUSTED_HOSTS = [h for h in os.environ.get("TRUSTED_HOSTS", "").split(",") if h] or None
    PREFERRED_URL_SCHEME = os.environ.get("PREFERRED_URL_SCHEME", "http")
    # Used to build links in e-mails sent outside a request (CLI, background jobs).
    # Defaults to the development server's port (PORT, as wsgi.py uses), so links work there.
    PUBLIC_BASE_URL = os.environ.get(
        "PUBLIC_BASE_URL", f"http://127.0.0.1:{os.environ.get('PORT', '5000')}"
    )

    MAIL_FROM = os.environ.get("MAIL_FROM", "Seoul Smart City Prize Platform <no-reply@localhost>")
    SMTP_HOST = os.environ.get("SMTP_HOST") or None
    SMTP_PORT = int(os.environ.get("SMTP_PORT", 587))
    SMTP_USERNAME = os.environ.get("SMTP_USERNAME") or None
    SMTP_PASSWORD = os.environ.get("SMTP_PASSWORD") or None
    SMTP_STARTTLS = _env_bool("SMTP_STARTTLS", True)

    INVITATION_LIFETIME = timedelta(days=14)
    PASSWORD_RESET_LIFETIME = timedelta(hours=1)
    API_TOKEN_LIFETIME = timedelta(days=30)

    HSTS = False
    DEMO_ALLOWED = True


class ProductionConfig(Config):
    ENV_NAME = "production"
    SECRET_KEY = os.environ.get("SECRET_KEY", "")
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"
    HSTS = True
    DEMO_ALLOWED = False


class TestConfig(Config):
    ENV_NAME = "test"
    TESTING = True
    SECRET_KEY = "test-secret-key-that-is-long-enough-0123456789"  # noqa: S105
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    RATELIMIT_STORAGE_URI = "memory://"
    REDIS_URL = None
    SMTP_HOST = None
    PUBLIC_BASE_URL = "http://localhost"
    TRUSTED_HOSTS = None


class UnsafeConfiguration(RuntimeError):
    """Raised at start-up when production settings are unsafe."""


def check_production(app_config: dict) -> None:
    """Refuse to run production with a weak secret or debug mode on."""
    problems = []
    secret = app_config.get("SECRET_KEY") or ""
    if len(secret) < 32 or secret == Config.SECRET_KEY:
        problems.append("SECRET_KEY must be set to a random value of at least 32 characters")
    if app_config.get("DEBUG"):
        problems.append("debug mode must be off")
    if not app_config.get("SESSION_COOKIE_SECURE"):
        problems.append("SESSION_COOKIE_SECURE must be on")
    if problems:
        raise UnsafeConfiguration("refusing to start in production: " + "; ".join(problems))


def config_from_environment() -> type[Config]:
    return ProductionConfig if os.environ.get("SEOUL_ENV") == "production" else Config
