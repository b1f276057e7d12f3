"""The application factory."""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from pathlib import Path

import click
from flask import Flask, jsonify, render_template, request
from flask_babel import gettext as _
from flask_limiter.errors import RateLimitExceeded
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, OperationalError
from werkzeug.exceptions import HTTPException
from werkzeug.routing import IntegerConverter

from . import access, security
from .api import MAX_ID, Problem
from .config import (
    Config,
    check_production,
    config_class_for,
    finish,
    instance_dir,
    settings_from_environment,
)
from .db import configure_sqlite, db, set_write_intent
from .errors import HTTP_TEXT, DomainError
from .extensions import babel, csrf, limiter, login_manager, migrate, socketio
from .input_checks import init_input_checks

log = logging.getLogger("seoul_platform")


def create_app(
    config: type[Config] | dict | None = None, *, environ: Mapping[str, str] | None = None
) -> Flask:
    """Build the app. With a config class (tests), that class alone; otherwise the class
    chosen by ``SEOUL_ENV``, overridden by the environment read now (and then by ``config``
    when it is a dict)."""
    environ = os.environ if environ is None else environ
    app = Flask(__name__, instance_path=str(instance_dir(environ).resolve()))
    if isinstance(config, type):
        app.config.from_object(config)
    else:
        app.config.from_object(config_class_for(environ))
        app.config.update(settings_from_environment(environ))
        app.config.update(config or {})
    finish(app.config, environ)
    production = app.config["ENV_NAME"] == "production"
    if production:
        check_production(app.config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    _init_extensions(app)
    _register_blueprints(app)
    _connect_account_signals()
    from .templating import init_templating

    init_templating(app)
    _register_error_handlers(app)
    _register_cli(app)
    # Outermost, after Socket.IO wrapped wsgi_app, so that they see every request.
    security.wrap_wsgi(app)
    if production and not _maintenance_command():
        from .accounts.services import assert_no_demo_accounts

        with app.app_context():
            assert_no_demo_accounts()
    return app


def _maintenance_command() -> bool:
    """True while a ``flask`` CLI command other than ``run`` loads the app: `remove-demo`,
    `db upgrade` and the like must work on a database that still holds demo accounts (the
    refusal names `remove-demo` as the remedy). Serving (gunicorn, ``flask run``) refuses."""
    from flask.cli import ScriptInfo

    ctx = click.get_current_context(silent=True)
    if ctx is None or ctx.find_object(ScriptInfo) is None:
        return False
    return ctx.info_name != "run" and ctx.command.name != "run"


def _init_extensions(app: Flask) -> None:
    db.init_app(app)
    with app.app_context():
        configure_sqlite(db.engine)

    # First hook of all: it decides how the request's transaction begins, before any query.
    @app.before_request
    def _write_transactions():
        set_write_intent(request.method not in {"GET", "HEAD", "OPTIONS"})

    # Before anything reads a body: upload routes get a larger request size limit.
    from .documents.views import init_upload_limits

    init_upload_limits(app)

    migrate.init_app(
        app, db, directory=str(Path(__file__).parent.parent / "migrations"), render_as_batch=True
    )
    csrf.init_app(app)
    limiter.init_app(app)

    from .i18n import init_i18n

    init_i18n(app, babel)

    from .accounts.auth import init_auth

    init_auth(app, login_manager)

    # Malformed text is refused before the CSRF check, the access policies and any parsing.
    init_input_checks(app)
    security.init_security(app)
    access.init_access(app)

    from . import jobs

    jobs.init_app(app)

    # Socket.IO event handlers are imported before init_app so that they are registered.
    from .realtime import events  # noqa: F401

    socketio.init_app(
        app,
        message_queue=app.config.get("REDIS_URL"),
        async_mode=app.config.get("SOCKETIO_ASYNC_MODE", "threading"),
        manage_session=False,
    )


class IdConverter(IntegerConverter):
    """``<int:...>`` in our routes: a database id, 1 to 2**31-1. Anything else does not match
    (404) instead of overflowing the database's integer type."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("min", 1)
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def _connect_account_signals() -> None:
    """Who forgets, exports and explains what when an account changes (accounts/signals.py).
    Wired here, where every feature is known, so that accounts imports none of the features
    built on it and mail, audit and notifications need not import accounts. Connecting a
    receiver twice (a second app in one process) is a no-op."""
    from .accounts import signals
    from .audit import services as audit
    from .conversations import services as conversations
    from .documents import services as documents
    from .mail import services as mail
    from .members import services as members
    from .notifications import services as notifications
    from .onboarding import services as onboarding
    from .pilots import privacy as pilots
    from .training import certificates as training_certificates

    # In this order: invitations are revoked (history written) before the trail is anonymised.
    for receiver in (
        onboarding.forget_person,
        notifications.forget_person,
        mail.forget_person,
        members.forget_person,
        training_certificates.forget_person,
        audit.forget_person,
    ):
        signals.account_deleted.connect(receiver, weak=False)
    signals.account_disabled.connect(onboarding.revoke_invitations_of_disabled, weak=False)
    signals.account_refusal_requested.connect(onboarding.explain_refusal, weak=False)
    for receiver in (
        onboarding.export_person,
        mail.export_person,
        notifications.export_person,
        audit.export_person,
        # Their shared rows stay on deletion (see each module): export only, no forget_person.
        conversations.export_person,
        documents.export_person,
        pilots.export_person,
    ):
        signals.personal_data_requested.connect(receiver, weak=False)


def _register_blueprints(app: Flask) -> None:
    app.url_map.converters["int"] = IdConverter
    from . import api, core
    from .accounts import api as accounts_api  # noqa: F401  (registers API routes)
    from .accounts import views as accounts_views
    from .audit import views as audit_views
    from .conversations import api as conversations_api  # noqa: F401
    from .conversations import views as conversations_views
    from .documents import api as documents_api  # noqa: F401
    from .documents import views as documents_views
    from .mail import views as mail_views
    from .members import api as members_api  # noqa: F401
    from .members import views as members_views
    from .notifications import api as notifications_api  # noqa: F401
    from .notifications import views as notifications_views
    from .onboarding import api as onboarding_api  # noqa: F401
    from .onboarding import views as onboarding_views
    from .pilots import api as pilots_api  # noqa: F401
    from .pilots import views as pilots_views
    from .training import api as training_api  # noqa: F401
    from .training import views as training_views

    app.register_blueprint(core.bp)
    app.register_blueprint(accounts_views.bp)
    app.register_blueprint(members_views.bp)
    app.register_blueprint(onboarding_views.bp)
    app.register_blueprint(audit_views.bp)
    app.register_blueprint(mail_views.bp)
    app.register_blueprint(notifications_views.bp)
    app.register_blueprint(pilots_views.bp)
    app.register_blueprint(training_views.bp)
    app.register_blueprint(documents_views.bp)
    app.register_blueprint(conversations_views.bp)
    app.register_blueprint(api.bp)


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.path == "/healthz"


def problem(status: int, title: str, detail: str = "", errors: dict | None = None):
    """An application/problem+json response, shaped by the API's `Problem` model."""
    body = Problem(title=title, status=status, detail=detail or title, errors=errors or None)
    response = jsonify(body.model_dump(mode="json", exclude_none=True))
    response.status_code = status
    response.mimetype = "application/problem+json"
    return response


def _register_error_handlers(app: Flask) -> None:
    def render(status: int, title: str, detail: str = "", errors: dict | None = None):
        if status == 403:  # every denial is audited, whether a service or a view refused
            access.record_denial()
        if _wants_json():
            return problem(status, title, detail, errors)
        try:
            return render_template("error.html", status=status, title=title, detail=detail), status
        except Exception:  # e.g. a refused Host header leaves no URL adapter to build links
            log.warning("error page could not be rendered for status %s", status)
            return f"{status} {title}\n", status, {"Content-Type": "text/plain; charset=utf-8"}

    @app.errorhandler(DomainError)
    def _domain(err: DomainError):
        db.session.rollback()
        return render(err.status, str(err.title), err.detail, err.errors)

    @app.errorhandler(RateLimitExceeded)
    def _limited(err: RateLimitExceeded):
        # A limit that explains itself (e.g. invitations per day) keeps its own message.
        detail = err.description if err.limit.error_message else None
        response = render(
            429, _("Too many requests"), detail or _("Please wait a few minutes and try again.")
        )
        return response

    @app.errorhandler(HTTPException)
    def _http(err: HTTPException):
        db.session.rollback()
        code = err.code or 500
        if isinstance(err, CSRFError):
            title, detail = (
                _("The form expired"),
                _(
                    "The form was open too long or came from another site. Go back, reload the "
                    "page and send it again."
                ),
            )
        else:
            title, detail = HTTP_TEXT.get(code, (err.name, ""))
        return render(code, str(title), str(detail))

    @app.errorhandler(OperationalError)
    @app.errorhandler(DBAPIError)
    def _database_unavailable(err: Exception):
        # A lost connection or a locked database: nothing was committed; say so plainly.
        log.warning("database error: %s", type(err).__name__)
        db.session.rollback()
        return render(503, _("Service unavailable"), _("Please try again in a moment."))

    @app.errorhandler(Exception)
    def _unexpected(err: Exception):
        log.exception("unhandled error on %s %s", request.method, request.path)
        db.session.rollback()
        return render(500, _("Something went wrong"), _("The error has been logged."))


def _register_cli(app: Flask) -> None:
    from .cli import register

    register(app)
