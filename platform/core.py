"""Site-wide pages: home, health check, language switch."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, redirect, render_template, request, url_for
from sqlalchemy import text

from .access import PUBLIC, current_actor, policy
from .db import db, unit_of_work
from .i18n import LANG_COOKIE
from .security import is_safe_redirect

bp = Blueprint("core", __name__)


@bp.get("/")
@policy(PUBLIC)
def home():
    actor = current_actor()
    if actor is not None and actor.is_active_member:
        return redirect(url_for("members.directory"))
    if actor is not None:  # signed in but waiting for approval
        return redirect(url_for("accounts.pending"))
    from .members.services import platform_figures

    return render_template("home.html", figures=platform_figures())


@bp.get("/healthz")
@policy(PUBLIC)
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # any failure to reach the database means "not healthy"
        db.session.rollback()
        current_app.logger.warning("health check: database unavailable")
        response = jsonify({"status": "unavailable"})
        response.status_code = 503
        return response
    return jsonify({"status": "ok"})


def _switch_language(code: str, target: str):
    if not is_safe_redirect(target):
        target = url_for("core.home")
    response = redirect(target)
    if code in current_app.config["LANGUAGES"]:
        response.set_cookie(
            LANG_COOKIE,
            code,
            max_age=365 * 24 * 3600,
            samesite="Lax",
            httponly=True,
            secure=current_app.config["SESSION_COOKIE_SECURE"],
        )
    return response


@bp.get("/language/<code>")
@policy(PUBLIC)
def set_language(code: str):
    """The header's link for visitors (and without a session): only a cookie is set; a GET
    changes nothing on the server, so a link on another site cannot change an account."""
    return _switch_language(code, request.args.get("next", ""))


@bp.post("/language")
@policy(PUBLIC)
def set_language_post():
    """The header's form for signed-in people (CSRF-checked): besides the cookie, the choice
    becomes their stored language, which e-mails to them use."""
    code = request.form.get("code", "")
    actor = current_actor()
    if actor is not None and code in current_app.config["LANGUAGES"] and actor.locale != code:
        from .accounts import services as account_services

        with unit_of_work():
            account_services.update_profile(
                actor, name=actor.name, job_title=actor.job_title, locale=code
            )
    return _switch_language(code, request.form.get("next", ""))
