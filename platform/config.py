"""Configuration: defaults in classes, overridden by the environment when the app is created.

`Config` is the development default (SQLite file under instance/, one process, no other
service). `ProductionConfig` is chosen with ``SEOUL_ENV=production`` and refuses to start
with unsafe settings (see `check_production`). `TestConfig` is used by the test suite.

Nothing here reads ``os.environ`` at import time: `settings_from_environment` reads it when
`create_app` runs, so the process environment of that moment (gunicorn worker, CLI command)
is the one that counts, and a class default can never be mistaken for a configured value.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import timedelta
from pathlib import Path

# The development fallback. Production refuses it (and anything shorter than 32 characters).
DEV_SECRET_KEY = "dev-only-not-secret-change-me"  # noqa: S105
MIN_SECRET_KEY_LENGTH = 32


class Config:
    ENV_NAME = "development"
    SECRET_KEY: str | None = DEV_SECRET_KEY
    SQLALCHEMY_DATABASE_URI: str | None = None  # None: sqlite file in the instance folder
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    REDIS_URL: str | None = None

    # Request size limit: forms and JSON bodies are small; 413 beyond this.
    MAX_CONTENT_LENGTH = 1024 * 1024
    MAX_FORM_MEMORY_SIZE = 512 * 1024
    # Documents (platform/documents/): the largest file accepted, and where files are kept
    # (None: <instance folder>/documents, outside the static folder). Upload routes raise the
    # request limit above to this plus DOCUMENT_UPLOAD_OVERHEAD for the multipart framing.
    DOCUMENT_MAX_BYTES = 10 * 1024 * 1024
    DOCUMENT_UPLOAD_OVERHEAD = 256 * 1024
    DOCUMENT_STORAGE_DIR: str | None = None

    # Training: the office named on invitation letters (for visa applications), and one budget
    # per client address for the public verification of certificates and letters.
    TRAINING_LETTER_OFFICE = "Seoul Smart City Prize Secretariat, Seoul Metropolitan Government"
    TRAINING_LETTER_ADDRESS = "110 Sejong-daero, Jung-gu, Seoul 04524, Republic of Korea"
    TRAINING_VERIFICATION_LIMIT = "60 per minute"

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = False
    # Server-side lifetimes of a browser session (its UserSession row), enforced by the
    # session loader whatever the cookies say. Idle: since the last request; absolute: since
    # sign-in. "Keep me signed in" sessions get the longer idle limit.
    SESSION_IDLE_TIMEOUT = timedelta(hours=12)
    SESSION_REMEMBER_IDLE_TIMEOUT = timedelta(days=2)
    SESSION_ABSOLUTE_TIMEOUT = timedelta(days=14)
    # last_seen_at is written at most this often per session (not on every request).
    SESSION_TOUCH_INTERVAL = timedelta(minutes=1)
    # The cookies' own lifetimes follow the server-side ones (see _derive).
    REMEMBER_COOKIE_DURATION = SESSION_ABSOLUTE_TIMEOUT
    PERMANENT_SESSION_LIFETIME = SESSION_IDLE_TIMEOUT

    # CSRF is checked in a before_request hook so that bearer-token API calls can skip it.
    WTF_CSRF_CHECK_DEFAULT = False
    WTF_CSRF_TIME_LIMIT = None  # the token is bound to the session, which expires itself

    BABEL_DEFAULT_LOCALE = "en"
    BABEL_DEFAULT_TIMEZONE = "UTC"
    LANGUAGES = {"en": "English", "ko": "한국어"}
    BABEL_TRANSLATION_DIRECTORIES = str(Path(__file__).parent / "translations")

    RATELIMIT_STORAGE_URI: str | None = None  # None: REDIS_URL, else memory
    RATELIMIT_HEADERS_ENABLED = True
    LOGIN_LIMIT_PER_IP = "30 per 10 minutes"
    # Per account AND client IP (failures only): see accounts/limits.py for why not per account.
    LOGIN_LIMIT_PER_ACCOUNT = "10 per 10 minutes"
    # Per account from anywhere (failures only): a slow ceiling for distributed guessing.
    LOGIN_LIMIT_PER_ACCOUNT_CEILING = "100 per day"

    TRUSTED_HOSTS: list[str] | None = None
    # Reverse proxies in front of the app whose X-Forwarded-For/-Proto/-Host are believed.
    # 0: none; the client address is the TCP peer, and forwarded headers are ignored.
    TRUSTED_PROXIES = 0
    PREFERRED_URL_SCHEME = "http"
    # Used to build links in e-mails sent outside a request (CLI, background jobs).
    PUBLIC_BASE_URL = "http://127.0.0.1:5000"

    MAIL_FROM = "Seoul Smart City Prize Platform <no-reply@localhost>"
    SMTP_HOST: str | None = None
    SMTP_PORT = 587
    SMTP_USERNAME: str | None = None
    SMTP_PASSWORD: str | None = None
    SMTP_STARTTLS = True
    SMTP_TIMEOUT = 20
    # Delivery: a failing message is retried after MAIL_RETRY_BASE, then twice as long each
    # time (at most MAIL_RETRY_MAX), and marked failed after MAIL_MAX_ATTEMPTS; a claim older
    # than MAIL_CLAIM_TIMEOUT (a worker killed while sending) may be taken by another worker.
    MAIL_MAX_ATTEMPTS = 8
    MAIL_RETRY_BASE = timedelta(seconds=60)
    MAIL_RETRY_MAX = timedelta(hours=1)
    MAIL_CLAIM_TIMEOUT = timedelta(minutes=5)

    # The task queue (platform/jobs.py): HUEY_URL, else REDIS_URL, else instance/huey.db.
    HUEY_URL: str | None = None
    HUEY_IMMEDIATE = False
    HUEY_WORKERS = 2
    HUEY_SHUTDOWN_TIMEOUT = 30

    INVITATION_LIFETIME = timedelta(days=14)
    # Invitations (new or resent) each sender may send per day. Org admins invite colleagues:
    # 50 covers a whole team, while a hijacked or careless admin account cannot become a spam
    # relay. Officials onboard whole prize cohorts, so their bound is much higher — but still a
    # bound, since a stolen official session is the worst relay of all. A 429 says so plainly.
    INVITATIONS_PER_DAY = 50
    INVITATIONS_PER_DAY_OFFICIAL = 1000
    PASSWORD_RESET_LIFETIME = timedelta(hours=1)
    API_TOKEN_LIFETIME = timedelta(days=30)

    HSTS = False
    DEMO_ALLOWED = True


class ProductionConfig(Config):
    ENV_NAME = "production"
    SECRET_KEY = None  # must come from the environment
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"
    HSTS = True
    DEMO_ALLOWED = False


class TestConfig(Config):
    ENV_NAME = "test"
    TESTING = True
    SECRET_KEY = "test-secret-key-that-is-long-enough-0123456789"  # noqa: S105
    SQLALCHEMY_DATABASE_URI = "sqlite://"
    RATELIMIT_STORAGE_URI = "memory://"
    HUEY_URL = "memory://"
    HUEY_IMMEDIATE = True  # tasks run when enqueued: deterministic tests
    PUBLIC_BASE_URL = "http://localhost"


# ---- the environment ---------------------------------------------------------------------


def _bool(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _list(value: str) -> list[str]:
    return [item.strip() for item in value.split(",") if item.strip()]


_DURATION = re.compile(r"^\s*(\d+)\s*([smhd]?)\s*$")
_UNITS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_duration(value: str) -> timedelta:
    """``3600``, ``90s``, ``30m``, ``12h`` or ``2d``."""
    match = _DURATION.match(value.lower())
    if not match:
        raise ValueError(f"not a duration: {value!r} (use e.g. 3600, 30m, 12h or 2d)")
    return timedelta(seconds=int(match[1]) * _UNITS[match[2]])


# environment variable -> (config key, parser). Unset or empty variables leave the default.
_VARIABLES: dict[str, tuple[str, Callable[[str], object]]] = {
    "SECRET_KEY": ("SECRET_KEY", str),
    "DATABASE_URL": ("SQLALCHEMY_DATABASE_URI", str),
    "REDIS_URL": ("REDIS_URL", str),
    "RATELIMIT_STORAGE_URI": ("RATELIMIT_STORAGE_URI", str),
    "LOGIN_LIMIT_PER_IP": ("LOGIN_LIMIT_PER_IP", str),
    "LOGIN_LIMIT_PER_ACCOUNT": ("LOGIN_LIMIT_PER_ACCOUNT", str),
    "LOGIN_LIMIT_PER_ACCOUNT_CEILING": ("LOGIN_LIMIT_PER_ACCOUNT_CEILING", str),
    "MAX_CONTENT_LENGTH": ("MAX_CONTENT_LENGTH", int),
    "SESSION_COOKIE_SECURE": ("SESSION_COOKIE_SECURE", _bool),
    "SESSION_IDLE_TIMEOUT": ("SESSION_IDLE_TIMEOUT", parse_duration),
    "SESSION_REMEMBER_IDLE_TIMEOUT": ("SESSION_REMEMBER_IDLE_TIMEOUT", parse_duration),
    "SESSION_ABSOLUTE_TIMEOUT": ("SESSION_ABSOLUTE_TIMEOUT", parse_duration),
    "TRUSTED_HOSTS": ("TRUSTED_HOSTS", _list),
    "TRUSTED_PROXIES": ("TRUSTED_PROXIES", int),
    "PREFERRED_URL_SCHEME": ("PREFERRED_URL_SCHEME", str),
    "PUBLIC_BASE_URL": ("PUBLIC_BASE_URL", str),
    "MAIL_FROM": ("MAIL_FROM", str),
    "SMTP_HOST": ("SMTP_HOST", str),
    "SMTP_PORT": ("SMTP_PORT", int),
    "SMTP_USERNAME": ("SMTP_USERNAME", str),
    "SMTP_PASSWORD": ("SMTP_PASSWORD", str),
    "SMTP_STARTTLS": ("SMTP_STARTTLS", _bool),
    "SMTP_TIMEOUT": ("SMTP_TIMEOUT", int),
    "MAIL_MAX_ATTEMPTS": ("MAIL_MAX_ATTEMPTS", int),
    "MAIL_RETRY_BASE_SECONDS": ("MAIL_RETRY_BASE", lambda v: timedelta(seconds=int(v))),
    "INVITATIONS_PER_DAY": ("INVITATIONS_PER_DAY", int),
    "INVITATIONS_PER_DAY_OFFICIAL": ("INVITATIONS_PER_DAY_OFFICIAL", int),
    "HUEY_URL": ("HUEY_URL", str),
    "HUEY_WORKERS": ("HUEY_WORKERS", int),
    "DOCUMENT_MAX_BYTES": ("DOCUMENT_MAX_BYTES", int),
    "DOCUMENT_STORAGE_DIR": ("DOCUMENT_STORAGE_DIR", str),
    "TRAINING_LETTER_OFFICE": ("TRAINING_LETTER_OFFICE", str),
    "TRAINING_LETTER_ADDRESS": ("TRAINING_LETTER_ADDRESS", str),
    "TRAINING_VERIFICATION_LIMIT": ("TRAINING_VERIFICATION_LIMIT", str),
}


def config_class_for(environ: Mapping[str, str]) -> type[Config]:
    return ProductionConfig if environ.get("SEOUL_ENV") == "production" else Config


def instance_dir(environ: Mapping[str, str]) -> Path:
    return Path(environ.get("SEOUL_INSTANCE_DIR") or Path.cwd() / "instance")


def settings_from_environment(environ: Mapping[str, str]) -> dict:
    """The settings the environment gives (only variables that are set and not empty)."""
    settings: dict = {}
    for variable, (key, parse) in _VARIABLES.items():
        raw = environ.get(variable)
        if raw is None or not raw.strip():
            continue
        try:
            settings[key] = parse(raw.strip() if parse is not str else raw)
        except ValueError as exc:
            raise UnsafeConfiguration(f"{variable}: {exc}") from exc
    if "SESSION_COOKIE_SECURE" in settings:
        settings["REMEMBER_COOKIE_SECURE"] = settings["SESSION_COOKIE_SECURE"]
    return settings


def finish(app_config: dict, environ: Mapping[str, str]) -> None:
    """Fill the settings that default to other settings, once everything else is known."""
    if (
        not (environ.get("PUBLIC_BASE_URL") or "").strip()
        and app_config.get("PUBLIC_BASE_URL") == Config.PUBLIC_BASE_URL
        and (environ.get("PORT") or "").strip().isdigit()
    ):
        # The development server listens on PORT (wsgi.py): links in e-mails follow it.
        app_config["PUBLIC_BASE_URL"] = f"http://127.0.0.1:{int(environ['PORT'])}"
    if not app_config.get("SQLALCHEMY_DATABASE_URI"):
        app_config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{instance_dir(environ) / 'seoul.db'}"
    if not app_config.get("RATELIMIT_STORAGE_URI"):
        app_config["RATELIMIT_STORAGE_URI"] = app_config.get("REDIS_URL") or "memory://"
    if str(app_config["SQLALCHEMY_DATABASE_URI"]).startswith("postgresql"):
        # Stated, not left to the server's default: the seat and lifecycle code locks a row,
        # then counts what earlier lockers committed, which needs each statement's own snapshot.
        app_config["SQLALCHEMY_ENGINE_OPTIONS"] = {
            **app_config.get("SQLALCHEMY_ENGINE_OPTIONS", {}),
            "isolation_level": "READ COMMITTED",
        }
    # The cookies never outlive the server-side limits they carry.
    app_config["PERMANENT_SESSION_LIFETIME"] = min(
        app_config["PERMANENT_SESSION_LIFETIME"], app_config["SESSION_IDLE_TIMEOUT"]
    )
    app_config["REMEMBER_COOKIE_DURATION"] = min(
        app_config["REMEMBER_COOKIE_DURATION"], app_config["SESSION_ABSOLUTE_TIMEOUT"]
    )
    if app_config.get("TRUSTED_HOSTS"):
        app_config["TRUSTED_HOSTS"] = list(app_config["TRUSTED_HOSTS"])


class UnsafeConfiguration(RuntimeError):
    """Raised at start-up when production settings are unsafe."""


def check_production(app_config: Mapping) -> None:
    """Refuse to run production with a weak secret, debug mode, insecure cookies, no
    trusted host names or a nonsensical proxy count."""
    problems = []
    secret = app_config.get("SECRET_KEY") or ""
    if len(secret) < MIN_SECRET_KEY_LENGTH or secret == DEV_SECRET_KEY:
        problems.append(
            f"SECRET_KEY must be set to a random value of at least {MIN_SECRET_KEY_LENGTH} "
            "characters"
        )
    if app_config.get("DEBUG"):
        problems.append("debug mode must be off")
    if not app_config.get("SESSION_COOKIE_SECURE") or not app_config.get("REMEMBER_COOKIE_SECURE"):
        problems.append("SESSION_COOKIE_SECURE must be on")
    if not app_config.get("TRUSTED_HOSTS"):
        problems.append(
            "TRUSTED_HOSTS must list the host names the platform answers to "
            "(comma-separated, e.g. platform.example.org)"
        )
    if (app_config.get("TRUSTED_PROXIES") or 0) < 0:
        problems.append("TRUSTED_PROXIES must be 0 or more")
    if problems:
        raise UnsafeConfiguration("refusing to start in production: " + "; ".join(problems))
