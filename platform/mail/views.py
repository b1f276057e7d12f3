"""The outbox for officials: every message with its delivery status, and the job queue.

In development (no SMTP server) the outbox is the delivery: officials read the messages here.
In production the text of mail is never shown (links in it carry single-use secrets).
"""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from jinja2 import TemplateError

from ..access import OFFICIAL, current_actor, policy
from ..db import unit_of_work
from ..jobs import queue_summary
from ..pagination import PageQuery, list_query
from .delivery import render_text
from .models import MailStatus, OutboundEmail
from .services import count_by_status, list_outbox, retry_email

bp = Blueprint("mail", __name__, template_folder="templates")
PER_PAGE = 20


def _status_arg(value: str | None) -> MailStatus | None:
    try:
        return MailStatus(value) if value else None
    except ValueError:
        return None


def _text(message: OutboundEmail) -> str:
    try:
        return render_text(message)
    except TemplateError as exc:  # shown, not a 500: delivery fails this message the same way
        return _("This message cannot be rendered: %(error)s", error=str(exc))


@bp.get("/outbox")
@policy(OFFICIAL)
def outbox():
    status = _status_arg(request.args.get("status"))
    query, _ignored = list_query(PageQuery, request.args, per_page=PER_PAGE)
    page = list_outbox(query, status=status)
    show_text = current_app.config["ENV_NAME"] != "production"
    return render_template(
        "mail/outbox.html",
        page=page,
        texts={m.id: _text(m) for m in page.items} if show_text else {},
        status=status,
        statuses=list(MailStatus),
        counts=count_by_status(),
        queue=queue_summary(),
        show_text=show_text,
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
