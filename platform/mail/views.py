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
    page = max(1, request.args.get("page", 1, type=int) or 1)
    messages, total = list_outbox(page=page, per_page=PER_PAGE, status=status)
    last_page = max(1, -(-total // PER_PAGE))
    if page > last_page:  # past the end: the last page, with a notice
        flash(_("There are fewer pages; this is the last one."), "info")
        page = last_page
        messages, total = list_outbox(page=page, per_page=PER_PAGE, status=status)
    return render_template(
        "mail/outbox.html",
        messages=messages,
        total=total,
        page=page,
        last_page=last_page,
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
