"""Outgoing e-mail: queued in the outbox inside the caller's transaction, delivered later.

Delivery never happens inside a web request: `deliver_outbox` is run by the
``flask send-mail`` command (a timer or a worker loop in production). Without SMTP
configuration the outbox is the delivery (development: officials read it on /outbox).
"""

from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage

from flask import current_app
from sqlalchemy import select

from ..db import db, utcnow
from ..pagination import Page, PageQuery, paginate
from .models import OutboundEmail

log = logging.getLogger("seoul_platform.mail")
MAX_ATTEMPTS = 5


def queue_email(to: str, subject: str, body: str, *, kind: str = "") -> OutboundEmail:
    """Add a message to the outbox (flushed with the caller's unit of work)."""
    message = OutboundEmail(to=to, subject=subject[:200], body=body, kind=kind)
    db.session.add(message)
    return message


def deliver_outbox(limit: int = 100) -> int:
    """Send unsent messages over SMTP; returns how many were sent. Commits per message."""
    cfg = current_app.config
    if not cfg.get("SMTP_HOST"):
        return 0
    pending = db.session.scalars(
        select(OutboundEmail)
        .where(OutboundEmail.sent_at.is_(None), OutboundEmail.attempts < MAX_ATTEMPTS)
        .order_by(OutboundEmail.id)
        .limit(limit)
    ).all()
    sent = 0
    for message in pending:
        mail = EmailMessage()
        mail["From"] = cfg["MAIL_FROM"]
        mail["To"] = message.to
        mail["Subject"] = message.subject
        mail.set_content(message.body)
        message.attempts += 1
        try:
            with smtplib.SMTP(cfg["SMTP_HOST"], cfg["SMTP_PORT"], timeout=20) as smtp:
                if cfg.get("SMTP_STARTTLS"):
                    smtp.starttls()
                if cfg.get("SMTP_USERNAME"):
                    smtp.login(cfg["SMTP_USERNAME"], cfg["SMTP_PASSWORD"] or "")
                smtp.send_message(mail)
        except (OSError, smtplib.SMTPException) as exc:
            message.last_error = type(exc).__name__
            log.warning("mail %s not sent: %s", message.id, type(exc).__name__)
        else:
            message.sent_at = utcnow()
            # Links in sent mail carry single-use secrets; once handed to SMTP, keep no copy.
            message.body = "(delivered; the text is not kept)"
            sent += 1
        db.session.commit()
    return sent


def list_outbox(page: PageQuery) -> Page[OutboundEmail]:
    """One page of the outbox, newest first."""
    return paginate(select(OutboundEmail).order_by(OutboundEmail.id.desc()), page)
