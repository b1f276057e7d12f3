"""Flask extensions, created once here and bound to the app in app.create_app."""

from __future__ import annotations

from flask import request
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_socketio import SocketIO
from flask_wtf import CSRFProtect

from .db import db
from .jobs import huey

__all__ = [
    "babel",
    "csrf",
    "db",
    "huey",
    "limiter",
    "login_manager",
    "migrate",
    "socketio",
]

login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
migrate = Migrate()
# cors_allowed_origins is left at its default: same origin only.
socketio = SocketIO()
# The task queue (Huey) lives in jobs.py, bound in create_app: see jobs.init_app.


def _client_address() -> str:
    return get_remote_address() or request.remote_addr or "unknown"


limiter = Limiter(key_func=_client_address, default_limits=[], headers_enabled=True)
