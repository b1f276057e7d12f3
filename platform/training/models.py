"""Training: capacity-building programmes, their cohorts, and who attends them.

A **programme** (e.g. "Capacity-Building Training 2027") groups **cohorts**. A cohort has its
dates, place (Seoul, online or hybrid), a capacity, an admission mode (first-come or reviewed),
eligibility (award years and categories, kinds of organisation; empty lists mean every
member), a per-organisation seat limit, optional regional **quotas**, an application deadline,
an optional prerequisite module and a schedule of **sessions**.

An **enrollment** is one person's place in one cohort (unique per person and cohort) and
carries the whole lifecycle in ``status`` (training/lifecycle.py): applied, enrolled,
waitlisted, offered (a freed seat, until ``offer_expires_at``), then enrolled, declined or
expired; rejected, withdrawn; completed. Its history is ``state_changes`` with subject type
``enrollment``.

Seats. ``Cohort.seats_taken`` counts the enrollments that hold a seat (enrolled, offered or
completed) and the database refuses more than the capacity (``seats_within_capacity``). Every
change of seats happens inside `training.seats.lock_cohort`: an UPDATE of the cohort's row
takes its lock on PostgreSQL (on SQLite the write request already holds the database's write
lock, BEGIN IMMEDIATE), then quotas and the per-organisation limit are counted and the
counter moves. Arrival order is ``Enrollment.ticket``: the cohort's ``next_ticket`` taken
under that lock, so the waitlist is first-come even when many apply in the same millisecond.

``Enrollment.region`` and ``organization_id`` are copied from the person's organisation when
they apply, so a quota counts the places as they were decided.

Times: sessions are stored in UTC and shown in the cohort's ``timezone`` (an IANA name) and
in the viewer's.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import User
from ..db import db, str_enum, utcnow
from ..members.models import Organization, Region


class PlaceMode(enum.StrEnum):
    SEOUL = "seoul"
    ONLINE = "online"
    HYBRID = "hybrid"


class AdmissionMode(enum.StrEnum):
    FIRST_COME = "first_come"
    REVIEWED = "reviewed"


class CohortStatus(enum.StrEnum):
    DRAFT = "draft"  # officials only
    PUBLISHED = "published"  # members see it and apply until the deadline
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class EnrollmentStatus(enum.StrEnum):
    APPLIED = "applied"  # reviewed cohorts: waiting for an official's decision
    ENROLLED = "enrolled"
    WAITLISTED = "waitlisted"
    OFFERED = "offered"  # a freed seat, held until offer_expires_at
    DECLINED = "declined"
    EXPIRED = "expired"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"
    COMPLETED = "completed"


# The states that hold a seat (counted by Cohort.seats_taken). A completed participant keeps
# theirs: completing frees no place that could be offered to the waitlist.
SEAT_HOLDING = (EnrollmentStatus.ENROLLED, EnrollmentStatus.OFFERED, EnrollmentStatus.COMPLETED)


class SessionKind(enum.StrEnum):
    LECTURE = "lecture"
    SITE_VISIT = "site_visit"
    PEER_EXCHANGE = "peer_exchange"
    PRESENTATION = "presentation"


class AttendanceStatus(enum.StrEnum):
    PRESENT = "present"
    ABSENT = "absent"
    EXCUSED = "excused"


class ActionPlanStatus(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    CHANGES_REQUESTED = "changes_requested"
    ACCEPTED = "accepted"


class Programme(db.Model):
    """A training programme (API: ``/programs``)."""

    __tablename__ = "programmes"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    year: Mapped[int] = mapped_column(Integer, index=True)
    summary: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    is_demo: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )

    cohorts: Mapped[list[Cohort]] = relationship(
        back_populates="programme", order_by="Cohort.starts_on", passive_deletes=True
    )


class Cohort(db.Model):
    __tablename__ = "cohorts"
    __table_args__ = (
        CheckConstraint("capacity >= 0", name="capacity_not_negative"),
        CheckConstraint("seats_taken >= 0", name="seats_not_negative"),
        CheckConstraint("seats_taken <= capacity", name="seats_within_capacity"),
        CheckConstraint("ends_on >= starts_on", name="dates_order"),
        CheckConstraint(
            "per_org_limit IS NULL OR per_org_limit >= 1", name="per_org_limit_positive"
        ),
        CheckConstraint("offer_hours >= 1", name="offer_hours_positive"),
        CheckConstraint(
            "attendance_threshold >= 0 AND attendance_threshold <= 100",
            name="attendance_threshold_percent",
        ),
        Index("ix_cohorts_status_starts_on", "status", "starts_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(
        ForeignKey("programmes.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[CohortStatus] = mapped_column(
        str_enum(CohortStatus, "cohort_status"), default=CohortStatus.DRAFT
    )
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    timezone: Mapped[str] = mapped_column(String(64), default="Asia/Seoul")  # IANA name
    place_mode: Mapped[PlaceMode] = mapped_column(
        str_enum(PlaceMode, "place_mode"), default=PlaceMode.SEOUL
    )
    address: Mapped[str] = mapped_column(String(300), default="")
    online_url: Mapped[str] = mapped_column(String(300), default="")
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)  # ISO 639-1
    capacity: Mapped[int] = mapped_column(Integer)
    seats_taken: Mapped[int] = mapped_column(Integer, default=0)  # enrolled + offered
    next_ticket: Mapped[int] = mapped_column(Integer, default=1)  # arrival order
    admission: Mapped[AdmissionMode] = mapped_column(
        str_enum(AdmissionMode, "admission_mode"), default=AdmissionMode.FIRST_COME
    )
    # Eligibility: an empty list admits every value.
    award_years: Mapped[list[int]] = mapped_column(JSON, default=list)
    award_categories: Mapped[list[str]] = mapped_column(JSON, default=list)
    org_kinds: Mapped[list[str]] = mapped_column(JSON, default=list)
    per_org_limit: Mapped[int | None] = mapped_column(Integer)
    application_deadline: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    offer_hours: Mapped[int] = mapped_column(Integer, default=72)
    attendance_threshold: Mapped[int] = mapped_column(Integer, default=80)  # percent
    prerequisite_title: Mapped[str] = mapped_column(String(200), default="")
    prerequisite_url: Mapped[str] = mapped_column(String(300), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    is_demo: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )

    programme: Mapped[Programme] = relationship(back_populates="cohorts")
    quotas: Mapped[list[CohortQuota]] = relationship(
        back_populates="cohort",
        order_by="CohortQuota.region",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )
    sessions: Mapped[list[TrainingSession]] = relationship(
        back_populates="cohort",
        order_by="(TrainingSession.starts_at, TrainingSession.id)",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )


class CohortQuota(db.Model):
    """A regional quota of a cohort: at most ``max_seats`` for the region, and/or
    ``reserved_seats`` kept for it (others may not take them) until ``reserved_until``."""

    __tablename__ = "cohort_quotas"
    __table_args__ = (
        UniqueConstraint("cohort_id", "region"),
        CheckConstraint("max_seats IS NULL OR max_seats >= 0", name="max_not_negative"),
        CheckConstraint(
            "reserved_seats IS NULL OR reserved_seats >= 0", name="reserved_not_negative"
        ),
        CheckConstraint(
            "max_seats IS NULL OR reserved_seats IS NULL OR reserved_seats <= max_seats",
            name="reserved_within_max",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"))
    region: Mapped[Region] = mapped_column(str_enum(Region, "region"))
    max_seats: Mapped[int | None] = mapped_column(Integer)
    reserved_seats: Mapped[int | None] = mapped_column(Integer)
    reserved_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    cohort: Mapped[Cohort] = relationship(back_populates="quotas")


class TrainingSession(db.Model):
    """One session of a cohort's schedule (a lecture, a site visit, ...)."""

    __tablename__ = "training_sessions"
    __table_args__ = (CheckConstraint("ends_at > starts_at", name="times_order"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"), index=True)
    kind: Mapped[SessionKind] = mapped_column(
        str_enum(SessionKind, "session_kind"), default=SessionKind.LECTURE
    )
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ends_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    place: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    cohort: Mapped[Cohort] = relationship(back_populates="sessions")


class Enrollment(db.Model):
    __tablename__ = "enrollments"
    __table_args__ = (
        UniqueConstraint("cohort_id", "user_id"),  # one enrollment per person per cohort
        UniqueConstraint("cohort_id", "ticket"),
        Index("ix_enrollments_cohort_status_ticket", "cohort_id", "status", "ticket"),
        Index("ix_enrollments_status_offer_expires_at", "status", "offer_expires_at"),
        CheckConstraint(
            "status != 'offered' OR offer_expires_at IS NOT NULL", name="offer_has_expiry"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="SET NULL"), index=True
    )
    region: Mapped[Region] = mapped_column(str_enum(Region, "region"))
    status: Mapped[EnrollmentStatus] = mapped_column(
        str_enum(EnrollmentStatus, "enrollment_status")
    )
    ticket: Mapped[int] = mapped_column(Integer)  # arrival order within the cohort
    motivation: Mapped[str] = mapped_column(Text, default="")
    applied_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )  # an org admin applying for a colleague
    prerequisite_confirmed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    offered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    offer_expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    offer_reminded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # The invitation letter's verification code (enrolled participants; >= 128 bits).
    letter_code: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )

    cohort: Mapped[Cohort] = relationship()
    user: Mapped[User | None] = relationship(foreign_keys=[user_id])
    organization: Mapped[Organization | None] = relationship()


class Attendance(db.Model):
    __tablename__ = "attendances"
    __table_args__ = (UniqueConstraint("session_id", "enrollment_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("training_sessions.id", ondelete="CASCADE"))
    enrollment_id: Mapped[int] = mapped_column(
        ForeignKey("enrollments.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[AttendanceStatus] = mapped_column(str_enum(AttendanceStatus, "attendance"))
    marked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    marked_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ActionPlan(db.Model):
    """What a participant will do back home, with a timeline (``steps``: a list of
    ``{"action": str, "due": "YYYY-MM-DD"}``); an official accepts it or asks for changes."""

    __tablename__ = "action_plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    enrollment_id: Mapped[int] = mapped_column(
        ForeignKey("enrollments.id", ondelete="CASCADE"), unique=True
    )
    goal: Mapped[str] = mapped_column(Text, default="")
    steps: Mapped[list[dict]] = mapped_column(JSON, default=list)
    status: Mapped[ActionPlanStatus] = mapped_column(
        str_enum(ActionPlanStatus, "action_plan_status"), default=ActionPlanStatus.DRAFT
    )
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    review_comment: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )


class Certificate(db.Model):
    """Issued on completion; ``code`` (>= 128 bits, URL-safe) is what the public verification
    page and ``GET /api/v1/certificates/{code}`` look up. ``holder_name`` is the name as
    issued (anonymised if the account is deleted)."""

    __tablename__ = "certificates"

    id: Mapped[int] = mapped_column(primary_key=True)
    enrollment_id: Mapped[int] = mapped_column(
        ForeignKey("enrollments.id", ondelete="CASCADE"), unique=True
    )
    code: Mapped[str] = mapped_column(String(64), unique=True)
    holder_name: Mapped[str] = mapped_column(String(120))
    issued_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    revoked_reason: Mapped[str] = mapped_column(Text, default="")

    enrollment: Mapped[Enrollment] = relationship()


class FeedbackResponse(db.Model):
    """A participant's answer to the cohort's feedback survey. Linked to the enrollment only
    so that one person answers once; no page shows who answered what (aggregates, and
    comments without names)."""

    __tablename__ = "feedback_responses"

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"), index=True)
    enrollment_id: Mapped[int] = mapped_column(
        ForeignKey("enrollments.id", ondelete="CASCADE"), unique=True
    )
    ratings: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)  # question -> 1..5
    comment: Mapped[str] = mapped_column(Text, default="")
    submitted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
