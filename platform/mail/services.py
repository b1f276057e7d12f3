"""Outgoing e-mail: queued in the outbox inside the caller's transaction, delivered later.

Delivery never happens inside a web request. `queue_email` stores the row and, once the
caller's transaction commits, enqueues a delivery job (mail/tasks.py); a rollback sends
nothing. A periodic sweep picks up whatever is due (retries, or a job the queue lost).
Without SMTP configuration the outbox is the delivery (development: officials read it on
/outbox).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import delete, func, select, update

from ..audit.services import record_event
from ..db import after_commit, db, utcnow
from ..errors import Conflict, NotFound, PermissionDenied
from ..pagination import Page, PageQuery, paginate
from .delivery import clean_header
from .models import MailStatus, OutboundEmail
from .permissions import can_retry_email


def _enqueue_delivery(message_id: int) -> None:
    from ..jobs import enqueue_safely
    from .tasks import deliver_email, smtp_configured

    if smtp_configured():  # without SMTP the outbox is the delivery: no job to run
        enqueue_safely(deliver_email, message_id)


def queue_email(
    to: str,
    subject: str,
    *,
    template: str,
    context: Mapping[str, Any],
    locale: str | None,
    kind: str = "",
) -> OutboundEmail:
    """Add a message to the outbox and deliver it after the caller's transaction commits.

    The caller names a text template and gives its context (JSON-safe values only: ids,
    names, links as strings; a TypeError otherwise) and the recipient's locale. ``subject``
    is a lazy string (``_l("...", name=...)``): it is rendered here, in ``locale``, because the
    outbox lists it; the body is rendered in that locale when the message is delivered or
    read on /outbox (delivery.render_text). Header values are cleaned here (no line breaks or
    control characters) and again when the message is built. Flushes the new row (its id
    names the delivery job).
    """
    locale = locale or "en"
    context = json.loads(json.dumps(context))  # TypeError now, not in the worker later
    with force_locale(locale):
        subject = str(subject)
    message = OutboundEmail(
        to=clean_header(to)[:254],
        subject=clean_header(subject)[:200],
        body="",
        template=template,
        context=context,
        locale=locale,
        kind=kind,
    )
    db.session.add(message)
    db.session.flush()
    message_id = message.id
    after_commit(lambda: _enqueue_delivery(message_id))
    return message


def retry_email(actor, message_id: int) -> OutboundEmail:
    """Queue a failed message again, due now, with a fresh count of attempts; it is delivered
    after the caller commits. Raises PermissionDenied (not an official), NotFound, Conflict
    (the message is not failed). Flushes the update and an audit event."""
    if not can_retry_email(actor):
        raise PermissionDenied(_("Only officials may retry e-mail."))
    if db.session.get(OutboundEmail, message_id) is None:
        raise NotFound(_("There is no such message."))
    moved = db.session.execute(
        update(OutboundEmail)
        .where(OutboundEmail.id == message_id, OutboundEmail.status == MailStatus.FAILED)
        .values(status=MailStatus.QUEUED, attempts=0, next_attempt_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    if moved != 1:
        raise Conflict(_("Only a failed message can be retried."))
    record_event(
        "mail.retried", actor_id=actor.id, target_type="outbound_email", target_id=message_id
    )
    after_commit(lambda: _enqueue_delivery(message_id))
    message = db.session.get(OutboundEmail, message_id)
    db.session.refresh(message)
    return message


def list_outbox(query: PageQuery, *, status: MailStatus | None = None) -> Page[OutboundEmail]:
    """A page of the outbox, newest first, optionally of one status."""
    stmt = select(OutboundEmail)
    if status is not None:
        stmt = stmt.where(OutboundEmail.status == status)
    return paginate(stmt.order_by(OutboundEmail.id.desc()), query)


def count_by_status() -> dict[MailStatus, int]:
    rows = db.session.execute(
        select(OutboundEmail.status, func.count(OutboundEmail.id)).group_by(OutboundEmail.status)
    ).all()
    counts = dict.fromkeys(MailStatus, 0)
    counts.update({MailStatus(status): n for status, n in rows})
    return counts


def forget_recipient(address: str) -> int:
    """A person's account is deleted: the mail addressed to them goes (queued or kept for the
    development outbox). Returns how many messages were removed."""
    return db.session.execute(delete(OutboundEmail).where(OutboundEmail.to == address)).rowcount


# ---- receivers of accounts' signals (connected by create_app; see accounts/signals.py) ----


def forget_person(user, *, old_email: str, **_ignored) -> None:
    """account_deleted: the mail addressed to the person goes."""
    forget_recipient(old_email)


def export_person(user, **_ignored) -> dict:
    """personal_data_requested: the subjects of the mail addressed to the person."""
    mails = db.session.scalars(select(OutboundEmail).where(OutboundEmail.to == user.email))
    return {
        "emails_to_you": [
            {"subject": m.subject, "created_at": _iso(m.created_at), "sent_at": _iso(m.sent_at)}
            for m in mails
        ]
    }


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None
