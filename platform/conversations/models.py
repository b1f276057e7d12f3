"""Conversations: a thread of messages between participants, with each reader's place in it.

One small shared feature. A conversation may belong to a subject (``subject_type`` +
``subject_id``, unique together: "the conversation of proposal 12") or to nothing (the direct
and cohort threads the real-time issue adds). Participants are organisations as a whole
(everyone in them, including people who join later) or single people; permissions ask
"is the reader's organisation, or the reader, a participant?" (conversations/permissions.py).

A message's author is kept with ``ON DELETE SET NULL``: erasing an account leaves the thread
readable, the message then shows "Deleted account".
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import User
from ..db import db, utcnow
from ..members.models import Organization

TITLE_MAX = 200
BODY_MAX = 5_000


class Conversation(db.Model):
    __tablename__ = "conversations"
    __table_args__ = (
        UniqueConstraint("subject_type", "subject_id"),
        CheckConstraint(
            "(subject_type IS NULL AND subject_id IS NULL) OR "
            "(subject_type IS NOT NULL AND subject_id IS NOT NULL)",
            name="subject_complete",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    subject_type: Mapped[str | None] = mapped_column(String(40))
    subject_id: Mapped[int | None] = mapped_column()
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_message_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    participants: Mapped[list[ConversationParticipant]] = relationship(
        cascade="all, delete-orphan", order_by="ConversationParticipant.id"
    )


class ConversationParticipant(db.Model):
    """An organisation (all its members) or one person taking part in a conversation."""

    __tablename__ = "conversation_participants"
    __table_args__ = (
        CheckConstraint(
            "(organization_id IS NULL) != (user_id IS NULL)", name="organization_or_user"
        ),
        UniqueConstraint("conversation_id", "organization_id"),
        UniqueConstraint("conversation_id", "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), index=True
    )
    organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )

    organization: Mapped[Organization | None] = relationship()
    user: Mapped[User | None] = relationship()


class Message(db.Model):
    __tablename__ = "messages"
    __table_args__ = (
        Index("ix_messages_conversation_id_id", "conversation_id", "id"),
        CheckConstraint(f"length(body) BETWEEN 1 AND {BODY_MAX}", name="body_length"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    author: Mapped[User | None] = relationship()


class ReadState(db.Model):
    """How far one person has read one conversation (the id of the last message seen)."""

    __tablename__ = "conversation_read_states"

    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    last_read_message_id: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )
