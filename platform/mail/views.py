"""The development outbox: officials read the e-mail the platform would have sent."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template, request

from ..access import OFFICIAL, policy
from ..pagination import PageQuery, list_query
from .services import list_outbox

bp = Blueprint("mail", __name__, template_folder="templates")


@bp.get("/outbox")
@policy(OFFICIAL)
def outbox():
    if current_app.config["ENV_NAME"] == "production":
        abort(404)  # in production mail goes out over SMTP and its text is not kept
    query, _ignored = list_query(PageQuery, request.args)
    return render_template("mail/outbox.html", page=list_outbox(query))
