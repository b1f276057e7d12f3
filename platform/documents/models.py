"""Documents: files attached to anything (a pilot request, a proposal, a milestone ...).

A document hangs off a generic attachment point, ``subject_type`` + ``subject_id`` (as audit's
StateChange does), so that this feature never needs to know the features that use it: each
registers the rules of its subject types in documents/permissions.py. The bytes live in the
storage (documents/storage.py) under a random key; the row keeps what the platform decided
about them: the type found by sniffing the content (never the client's word), the size and
the SHA-256, and the uploaded name cleaned of path parts and control characters.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, DateTime, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import User
from ..db import db, utcnow

FILENAME_MAX = 200
STORAGE_KEY_MAX = 64


class DocumentKind(enum.StrEnum):
    """What a document is; each subject type accepts some of these."""

    CONCEPT_NOTE = "concept_note"
    TERMS_OF_REFERENCE = "terms_of_reference"
    PROPOSAL = "proposal"
    DELIVERABLE = "deliverable"
    OTHER = "other"


class Document(db.Model):
    __tablename__ = "documents"
    __table_args__ = (
        Index("ix_documents_subject", "subject_type", "subject_id", "id"),
        CheckConstraint("size > 0", name="size_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    subject_type: Mapped[str] = mapped_column(String(40))
    subject_id: Mapped[int] = mapped_column()
    kind: Mapped[str] = mapped_column(String(30))
    filename: Mapped[str] = mapped_column(String(FILENAME_MAX))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    storage_key: Mapped[str] = mapped_column(String(STORAGE_KEY_MAX), unique=True)
    uploaded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    uploaded_by: Mapped[User | None] = relationship()
