"""People and their credentials: users, browser sessions, API tokens, password resets.

Invitations and join requests, which bring people in, are onboarding's (onboarding/models.py).
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import db, str_enum, utcnow


class OrgRole(enum.StrEnum):
    ADMIN = "admin"
    MEMBER = "member"


class UserStatus(enum.StrEnum):
    PENDING = "pending"  # applied to join; waits for an official
    ACTIVE = "active"
    DISABLED = "disabled"  # by an official, after being active; may be enabled again
    DECLINED = "declined"  # an applicant whose join request was declined; final
    DELETED = "deleted"  # anonymised on request; the row stays so shared records hold


class User(db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    # Digest of the address's look-alike skeleton (text.skeleton_hash): a new address that
    # merely looks like an existing one is refused. Not unique: deleted markers share none.
    email_key: Mapped[str] = mapped_column(String(64), index=True, default="")
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    job_title: Mapped[str] = mapped_column(String(120), default="")
    organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="SET NULL"), index=True
    )
    org_role: Mapped[OrgRole] = mapped_column(str_enum(OrgRole, "org_role"), default=OrgRole.MEMBER)
    is_official: Mapped[bool] = mapped_column(default=False)
    status: Mapped[UserStatus] = mapped_column(
        str_enum(UserStatus, "user_status"), default=UserStatus.ACTIVE
    )
    locale: Mapped[str] = mapped_column(String(10), default="en")
    is_demo: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    # members.models.Organization, by name: accounts imports nothing of the features built on
    # it, not even for type checking (tests/core/test_layers.py); SQLAlchemy resolves the
    # name in the model registry, as it always did (the import was for type checkers only).
    organization: Mapped[Organization | None] = relationship(  # noqa: F821
        back_populates="people"
    )

    # Flask-Login protocol. get_id returns the *session* token (set by the loader), never
    # the user id, so that revoking a session row logs that cookie out.
    session_token = None  # str | None; not a column (set per request by the loader)

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.status in (UserStatus.ACTIVE, UserStatus.PENDING)

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str | None:
        return self.session_token

    @property
    def is_active_member(self) -> bool:
        return self.status == UserStatus.ACTIVE

    @property
    def is_org_admin(self) -> bool:
        return self.organization_id is not None and self.org_role == OrgRole.ADMIN

    def __repr__(self) -> str:
        return f"<User {self.id}>"


class UserSession(db.Model):
    """A signed-in browser. The cookie carries a random token; we store only its hash."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # The last request seen with this session, to within SESSION_TOUCH_INTERVAL. A session
    # idle or old beyond the configured lifetimes counts as revoked (accounts/auth.py).
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    remember: Mapped[bool] = mapped_column(default=False)  # "keep me signed in" was ticked
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    user_agent: Mapped[str] = mapped_column(String(200), default="")

    user: Mapped[User] = relationship()


class ApiToken(db.Model):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # A label chosen by the owner ("CI export", "Laptop script"), shown on the tokens page.
    name: Mapped[str] = mapped_column(String(80), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Updated at most once a minute per token (accounts.auth), so reads stay cheap.
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    user: Mapped[User] = relationship()


class PasswordReset(db.Model):
    __tablename__ = "password_resets"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
