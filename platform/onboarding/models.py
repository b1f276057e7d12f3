"""How people arrive: invitations (an official or an org admin invites a person to an
organisation) and join requests (a company or institution applies; an official decides).

The tables keep their names (``invitations``, ``join_requests``); the rows point at accounts'
users and members' organisations, the two features below this one.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import OrgRole, User
from ..db import as_utc, db, str_enum, utcnow
from ..members.models import Organization


class InvitationStatus(enum.StrEnum):
    OPEN = "open"
    ACCEPTED = "accepted"
    REVOKED = "revoked"
    EXPIRED = "expired"  # set by the expiry job; an open one past expires_at is expired too


# What an invitation's address becomes when the person it names (or who sent it) deletes
# their account: deliberately not an e-mail address, so nothing can be sent to it.
ERASED_EMAIL = "(erased)"


class Invitation(db.Model):
    __tablename__ = "invitations"
    __table_args__ = (
        Index("ix_invitations_email", "email"),
        Index("ix_invitations_invited_by_id_status", "invited_by_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    org_role: Mapped[OrgRole] = mapped_column(str_enum(OrgRole, "org_role"), default=OrgRole.MEMBER)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    accepted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    accepted_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Moved only through lifecycle.transition() (see onboarding/lifecycle.py for the table).
    status: Mapped[InvitationStatus] = mapped_column(
        str_enum(InvitationStatus, "invitation_status"), default=InvitationStatus.OPEN
    )

    organization: Mapped[Organization] = relationship()
    invited_by: Mapped[User | None] = relationship(foreign_keys=[invited_by_id])

    @property
    def effective_status(self) -> InvitationStatus:
        """The status as people see it: an open invitation past its expiry is expired, even
        before the expiry job has moved it."""
        if self.status == InvitationStatus.OPEN and as_utc(self.expires_at) < utcnow():
            return InvitationStatus.EXPIRED
        return self.status


class JoinRequestStatus(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    DECLINED = "declined"


class JoinRequest(db.Model):
    """A company or institution asking to join; an official decides."""

    __tablename__ = "join_requests"
    __table_args__ = (
        CheckConstraint("status != 'declined' OR decided_at IS NOT NULL", name="decided"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), unique=True
    )
    applicant_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    motivation: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[JoinRequestStatus] = mapped_column(
        str_enum(JoinRequestStatus, "join_request_status"), default=JoinRequestStatus.PENDING
    )
    reason: Mapped[str] = mapped_column(Text, default="")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    organization: Mapped[Organization] = relationship()
    applicant: Mapped[User | None] = relationship(foreign_keys=[applicant_id])
