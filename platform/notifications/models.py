"""A notification: one row per recipient, written in the transaction of the change it reports."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from ..db import db, utcnow


class Notification(db.Model):
    """``message`` is the English message id (a key of the translation catalogue) and
    ``params`` its %(name)s values: the text is translated when it is read, in the reader's
    language, not the sender's."""

    __tablename__ = "notifications"
    __table_args__ = (
        # The header's unread count: WHERE user_id = ? AND read_at IS NULL.
        Index("ix_notifications_user_id_read_at", "user_id", "read_at"),
        # The list, newest first, and the since= catch-up: WHERE user_id = ? AND id > ?.
        Index("ix_notifications_user_id_id", "user_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    # The person the message names, when it is not the recipient (an invitee who accepted):
    # their account's deletion removes it too, so their name does not outlive it here.
    about_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(60))
    message: Mapped[str] = mapped_column(String(500))
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    link: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    @property
    def is_unread(self) -> bool:
        return self.read_at is None

    def __repr__(self) -> str:
        return f"<Notification {self.id} {self.kind} to {self.user_id}>"
