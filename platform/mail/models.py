"""The mail outbox: every message is stored before it is sent, so nothing is lost.

A message is ``queued`` until a worker claims it (``sending``, with a claim token and time),
then ``sent``, or ``queued`` again with a later ``next_attempt_at`` after a temporary failure,
or ``failed`` after the last attempt or a permanent error. Moves are compare-and-set UPDATEs
in delivery.py. The subject is rendered when the message is queued (it is listed on /outbox);
the body when it is delivered or shown.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, DateTime, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..db import db, str_enum, utcnow


class MailStatus(enum.StrEnum):
    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


class OutboundEmail(db.Model):
    __tablename__ = "outbound_emails"
    __table_args__ = (
        # The sweep's query: due messages by status and time.
        Index("ix_outbound_emails_status_next_attempt_at", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    to: Mapped[str] = mapped_column(String(254), index=True)
    subject: Mapped[str] = mapped_column(String(200))
    # New mail is stored as a template name, its JSON context and the recipient's locale, and
    # rendered when it is delivered (mail/delivery.py). ``body`` holds the text of messages
    # queued before that (template NULL) and, once sent, the marker that the text is gone.
    body: Mapped[str] = mapped_column(Text, default="")
    template: Mapped[str | None] = mapped_column(String(100))
    context: Mapped[dict | None] = mapped_column(JSON)
    locale: Mapped[str | None] = mapped_column(String(10))
    kind: Mapped[str] = mapped_column(String(40), default="")  # invitation, password_reset ...
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    status: Mapped[MailStatus] = mapped_column(
        str_enum(MailStatus, "mail_status"), default=MailStatus.QUEUED
    )
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    claim_token: Mapped[str | None] = mapped_column(String(32))
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str] = mapped_column(String(300), default="")
