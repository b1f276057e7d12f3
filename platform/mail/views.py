"""The development outbox: officials read the e-mail the platform would have sent."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template, request

from ..access import OFFICIAL, policy
from .services import list_outbox

bp = Blueprint("mail", __name__, template_folder="templates")


@bp.get("/outbox")
@policy(OFFICIAL)
def outbox():
    if current_app.config["ENV_NAME"] == "production":
        abort(404)  # in production mail goes out over SMTP and its text is not kept
    page = max(1, request.args.get("page", 1, type=int) or 1)
    messages, total = list_outbox(page=page, per_page=20)
    return render_template(
        "mail/outbox.html",
        messages=messages,
        total=total,
        page=page,
        last_page=max(1, -(-total // 20)),
    )
