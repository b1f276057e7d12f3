"""Delivering one message: claim it, hand it to SMTP, record the outcome.

The three steps are separate so that the claim is committed before anything is sent and the
SMTP conversation happens outside any database transaction (mail/tasks.py runs them, each
database step in its own unit of work). The claim is a compare-and-set UPDATE, so two workers
never send one message; every claim counts an attempt, so a message that kills its worker is
not retried forever.

Mail text is rendered here, at the job boundary (render_text): a feature queues a template
name, a JSON context and a locale (mail.services.queue_email), never rendered text. A body
that cannot be rendered fails its message at once (permanent), like an invalid recipient.
"""

from __future__ import annotations

import logging
import secrets
import smtplib
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from email.errors import MessageError
from email.headerregistry import Address
from email.message import EmailMessage

from flask import current_app, render_template
from flask_babel import force_locale
from jinja2 import TemplateError
from sqlalchemy import and_, null, or_, select, update

from ..db import db, utcnow
from .models import MailStatus, OutboundEmail

log = logging.getLogger("seoul_platform.mail")
DELIVERED_BODY = "(delivered; the text is not kept)"
_LINE_BREAKING = {"Cc", "Zl", "Zp"}  # controls (CR, LF, NEL, TAB …), U+2028, U+2029


def clean_header(value: str) -> str:
    """A header value with every control character and line separator replaced by a space
    and runs of spaces collapsed: no header can be smuggled in through it."""
    text = "".join(" " if unicodedata.category(c) in _LINE_BREAKING else c for c in value)
    return " ".join(text.split())


@dataclass(frozen=True)
class Claim:
    """A message claimed for sending: a snapshot, so sending needs no database session."""

    id: int
    token: str
    to: str
    subject: str
    body: str
    attempts: int
    template: str | None = None
    context: dict | None = None
    locale: str | None = None


def render_text(message: Claim | OutboundEmail) -> str:
    """The body of a message, rendered from its template and context in its locale; the
    stored body when it has no template (queued before templates were stored, or sent and
    forgotten). Raises jinja2.TemplateError when the template is missing or fails. Needs an
    application context; this is the one place where mail text is rendered."""
    if not message.template:
        return message.body
    with force_locale(message.locale or "en"):
        return render_template(message.template, **(message.context or {}))


@dataclass(frozen=True)
class Outcome:
    sent: bool
    error: str = ""
    permanent: bool = False  # retrying cannot help: mark failed now
    unavailable: bool = False  # the server did not answer: stop this sweep, retry later


def _abandoned(now: datetime):
    """Claimed longer ago than the timeout: the worker was killed while sending."""
    stale = now - current_app.config["MAIL_CLAIM_TIMEOUT"]
    return and_(OutboundEmail.status == MailStatus.SENDING, OutboundEmail.claimed_at < stale)


def _due(now: datetime):
    return or_(
        and_(OutboundEmail.status == MailStatus.QUEUED, OutboundEmail.next_attempt_at <= now),
        and_(_abandoned(now), OutboundEmail.attempts < current_app.config["MAIL_MAX_ATTEMPTS"]),
    )


def fail_abandoned(*, now: datetime | None = None) -> int:
    """Mark failed the abandoned claims that used the last attempt (a message that kills its
    worker every time must not be retried forever). Returns how many; flushes an UPDATE."""
    now = now or utcnow()
    return db.session.execute(
        update(OutboundEmail)
        .where(_abandoned(now), OutboundEmail.attempts >= current_app.config["MAIL_MAX_ATTEMPTS"])
        .values(
            status=MailStatus.FAILED,
            claim_token=None,
            claimed_at=None,
            last_error="the worker stopped while sending (last attempt)",
        )
        .execution_options(synchronize_session=False)
    ).rowcount


def list_due_ids(*, limit: int = 100, now: datetime | None = None) -> list[int]:
    """Ids of messages that may be claimed now, oldest due first."""
    now = now or utcnow()
    return list(
        db.session.scalars(
            select(OutboundEmail.id)
            .where(_due(now))
            .order_by(OutboundEmail.next_attempt_at, OutboundEmail.id)
            .limit(limit)
        )
    )


def claim_email(message_id: int, *, now: datetime | None = None) -> Claim | None:
    """Claim a due message (queued and due, or a stale claim); counts one attempt. Returns
    None when it is not due or another worker holds it. Flushes an UPDATE; the caller must
    commit before sending."""
    now = now or utcnow()
    token = secrets.token_hex(16)
    moved = db.session.execute(
        update(OutboundEmail)
        .where(OutboundEmail.id == message_id, _due(now))
        .values(
            status=MailStatus.SENDING,
            claimed_at=now,
            claim_token=token,
            attempts=OutboundEmail.attempts + 1,
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    if moved != 1:
        return None
    row = db.session.execute(
        select(
            OutboundEmail.to,
            OutboundEmail.subject,
            OutboundEmail.body,
            OutboundEmail.attempts,
            OutboundEmail.template,
            OutboundEmail.context,
            OutboundEmail.locale,
        ).where(OutboundEmail.id == message_id)
    ).one()
    return Claim(message_id, token, *row)


def build_message(claim: Claim, sender: str) -> EmailMessage:
    """The MIME message, its body rendered now (render_text); raises ValueError (or an
    email.errors exception) when the recipient is not exactly one valid address, and
    jinja2.TemplateError when the body cannot be rendered."""
    mail = EmailMessage()
    mail["From"] = clean_header(sender)
    # Address() parses the whole value as one addr-spec: "a@x.org, b@y.org" or anything left
    # over after stripping control characters is refused rather than sent somewhere else.
    mail["To"] = Address(addr_spec=clean_header(claim.to))
    mail["Subject"] = clean_header(claim.subject)
    mail.set_content(render_text(claim))
    return mail


def send_claimed(claim: Claim, config: Mapping) -> Outcome:
    """Render one claimed message and hand it to the SMTP server. No database access (the
    rendering needs an application context)."""
    try:
        mail = build_message(claim, config["MAIL_FROM"])
    except (ValueError, TypeError, IndexError, MessageError, TemplateError) as exc:
        return Outcome(False, f"invalid message: {exc}", permanent=True)
    try:
        with smtplib.SMTP(
            config["SMTP_HOST"], config["SMTP_PORT"], timeout=config.get("SMTP_TIMEOUT", 20)
        ) as smtp:
            if config.get("SMTP_STARTTLS"):
                smtp.starttls()
            if config.get("SMTP_USERNAME"):
                smtp.login(config["SMTP_USERNAME"], config.get("SMTP_PASSWORD") or "")
            smtp.send_message(mail)
    except smtplib.SMTPRecipientsRefused as exc:
        codes = [code for code, _text in exc.recipients.values()]
        return Outcome(False, _describe(exc), permanent=all(code >= 500 for code in codes))
    except (smtplib.SMTPDataError, smtplib.SMTPSenderRefused) as exc:
        return Outcome(False, _describe(exc), permanent=exc.smtp_code >= 500)
    except (OSError, smtplib.SMTPException) as exc:
        return Outcome(False, _describe(exc), unavailable=True)
    return Outcome(True)


def _describe(exc: Exception) -> str:
    return clean_header(f"{type(exc).__name__}: {exc}")[:300]


def backoff(attempts: int, config: Mapping):
    """Delay before the next attempt after ``attempts`` failed ones: base · 2^(n-1), capped."""
    delay = config["MAIL_RETRY_BASE"] * (2 ** max(0, min(attempts - 1, 20)))
    return min(delay, config["MAIL_RETRY_MAX"])


def record_outcome(claim: Claim, outcome: Outcome, *, now: datetime | None = None) -> str:
    """Write what happened to a claimed message; returns the new status. Only the holder of
    the claim may write (WHERE claim_token = ?): a claim that timed out and was taken over
    is left to its new holder. Flushes an UPDATE."""
    cfg = current_app.config
    now = now or utcnow()
    if outcome.sent:
        # Links in sent mail carry single-use secrets; once handed to SMTP, keep no copy
        # (the context holds the links: it goes with the template).
        values: dict = {"status": MailStatus.SENT, "sent_at": now, "body": DELIVERED_BODY}
        values.update(template=None, context=null())
        values["last_error"] = ""
    elif outcome.permanent or claim.attempts >= cfg["MAIL_MAX_ATTEMPTS"]:
        values = {"status": MailStatus.FAILED, "last_error": outcome.error[:300]}
    else:
        values = {
            "status": MailStatus.QUEUED,
            "last_error": outcome.error[:300],
            "next_attempt_at": now + backoff(claim.attempts, cfg),
        }
    moved = db.session.execute(
        update(OutboundEmail)
        .where(
            OutboundEmail.id == claim.id,
            OutboundEmail.status == MailStatus.SENDING,
            OutboundEmail.claim_token == claim.token,
        )
        .values(claim_token=None, claimed_at=None, **values)
        .execution_options(synchronize_session=False)
    ).rowcount
    if moved != 1:
        log.warning("mail %s: claim lost before the outcome was recorded", claim.id)
        return "lost"
    if not outcome.sent:
        log.warning("mail %s not sent (attempt %s): %s", claim.id, claim.attempts, outcome.error)
    return str(values["status"])
