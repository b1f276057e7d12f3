"""The outbox for officials: every message with its delivery status, and the job queue.

In development (no SMTP server) the outbox is the delivery: officials read the messages here.
In production the text of mail is never shown (links in it carry single-use secrets).
"""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ..access import OFFICIAL, current_actor, policy
from ..db import unit_of_work
from ..jobs import queue_summary
from ..pagination import PageQuery, list_query
from .models import MailStatus
from .services import count_by_status, list_outbox, retry_email

bp = Blueprint("mail", __name__, template_folder="templates")
PER_PAGE = 20


def _status_arg(value: str | None) -> MailStatus | None:
    try:
        return MailStatus(value) if value else None
    except ValueError:
        return None


@bp.get("/outbox")
@policy(OFFICIAL)
def outbox():
    status = _status_arg(request.args.get("status"))
    query, _ignored = list_query(PageQuery, request.args, per_page=PER_PAGE)
    return render_template(
        "mail/outbox.html",
        page=list_outbox(query, status=status),
        status=status,
        statuses=list(MailStatus),
        counts=count_by_status(),
        queue=queue_summary(),
        show_text=current_app.config["ENV_NAME"] != "production",
        smtp=bool(current_app.config.get("SMTP_HOST")),
    )


@bp.post("/outbox/<int:message_id>/retry")
@policy(OFFICIAL)
def retry(message_id: int):
    with unit_of_work():
        retry_email(current_actor(), message_id)
    flash(_("The message is queued again."), "success")
    status = _status_arg(request.form.get("status"))
    return redirect(url_for("mail.outbox", status=status.value if status else None))
