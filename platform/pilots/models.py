"""Pilots: requests from cities, proposals from companies and institutions, partnerships.

A **pilot request** is a city's ask (a feasibility study, a pilot, triangular cooperation or a
collaborative demonstration). Its ``status`` carries the whole lifecycle (pilots/lifecycle.py),
from the draft to the completed partnership: one row, one history (``state_changes`` with
subject type ``pilot_request``), one place to ask "where is this now?".

Once an official opens it, the request is a **call for proposals** with a deadline; the
evaluation criteria and their weights are stated on the request before it is submitted, so
every proposer knows how they will be judged. Companies and institutions answer with an
**interest** (their proposal; API.md calls it an interest, pages call it a proposal), which
the city scores per criterion, shortlists and selects. An official's approval creates the
**partnership** (one per request): the city, the selected organisation and optionally a third
partner institution. Its workspace holds milestones, KPI values and progress reports; its
state is the request's (in progress, evaluation, completed), so there is one lifecycle.

The KPIs a city wants to move are declared on the request (name, unit, baseline); the
partnership adds targets and the measured values over time, each with its source.

Money is a whole amount in the currency's major unit (ISO 4217 code alongside); sums of
public grants and contracts do not need cents, and integers keep SQLite and PostgreSQL equal.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import db, str_enum, utcnow
from ..members.models import Organization, Sector


class PilotType(enum.StrEnum):
    FEASIBILITY_STUDY = "feasibility_study"
    PILOT_IMPLEMENTATION = "pilot_implementation"
    TRIANGULAR_COOPERATION = "triangular"
    COLLABORATIVE_DEMONSTRATION = "collaborative_demo"


class RequestStatus(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    CHANGES_REQUESTED = "changes_requested"
    OPEN = "open"  # a call for proposals, until its deadline
    CLOSED = "closed"  # proposals closed: the city scores and selects
    PARTNER_SELECTED = "partner_selected"  # waits for an official's approval
    IN_PROGRESS = "in_progress"  # the partnership exists
    EVALUATION = "evaluation"
    COMPLETED = "completed"
    REJECTED = "rejected"
    CANCELLED = "cancelled"


class TargetGroup(enum.StrEnum):
    ELDERLY = "elderly"
    DISABLED = "disabled"
    WOMEN = "women"
    LOW_INCOME = "low_income"
    YOUTH = "youth"
    CHILDREN = "children"
    MIGRANTS = "migrants"
    RURAL = "rural"


class InterestStatus(enum.StrEnum):
    SUBMITTED = "submitted"
    WITHDRAWN = "withdrawn"
    SHORTLISTED = "shortlisted"
    SELECTED = "selected"
    NOT_SELECTED = "not_selected"


class MilestoneStatus(enum.StrEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    DELAYED = "delayed"
    CANCELLED = "cancelled"


# Limits shared by the forms, the API schemas and the database.
TITLE_MAX = 200
TEXT_MAX = 10_000
NAME_MAX = 120
UNIT_MAX = 40
SOURCE_MAX = 300
MONEY_MAX = 10**12  # a trillion in any currency: more is a typing error, not a budget
WEIGHT_TOTAL = 100  # criteria weights are percentages and must add up to this on submit


class PilotRequest(db.Model):
    __tablename__ = "pilot_requests"
    __table_args__ = (
        CheckConstraint(
            "budget_min IS NULL OR (budget_min >= 0 AND budget_min <= 1000000000000)",
            name="budget_min_range",
        ),
        CheckConstraint(
            "budget_max IS NULL OR (budget_max >= 0 AND budget_max <= 1000000000000)",
            name="budget_max_range",
        ),
        CheckConstraint(
            "budget_min IS NULL OR budget_max IS NULL OR budget_max >= budget_min",
            name="budget_order",
        ),
        CheckConstraint(
            "starts_on IS NULL OR ends_on IS NULL OR ends_on >= starts_on", name="timeline_order"
        ),
        Index("ix_pilot_requests_status_type", "status", "type"),
        # The officials' pipeline lists by first submission (pipeline.list_pipeline).
        Index("ix_pilot_requests_submitted_at_id", "submitted_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    city_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="RESTRICT"), index=True
    )
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    type: Mapped[PilotType] = mapped_column(str_enum(PilotType, "pilot_type"))
    status: Mapped[RequestStatus] = mapped_column(
        str_enum(RequestStatus, "pilot_request_status"), default=RequestStatus.DRAFT, index=True
    )
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    challenge: Mapped[str] = mapped_column(Text, default="")
    policy_needs: Mapped[str] = mapped_column(Text, default="")
    technologies: Mapped[list[str]] = mapped_column(JSON, default=list)
    target_groups: Mapped[list[str]] = mapped_column(JSON, default=list)
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)  # ISO 639-1
    budget_min: Mapped[int | None] = mapped_column(BigInteger)
    budget_max: Mapped[int | None] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3), default="USD")  # ISO 4217
    starts_on: Mapped[date | None] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    # The call for proposals: set when an official opens it.
    deadline: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    deadline_reason: Mapped[str] = mapped_column(Text, default="")  # when shorter than default
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    opened_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The city's consent to publish the outcome, and the official's publication.
    publish_consent: Mapped[bool] = mapped_column(default=False)
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    is_demo: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )

    city: Mapped[Organization] = relationship(foreign_keys=[city_id])
    sectors: Mapped[list[PilotRequestSector]] = relationship(
        cascade="all, delete-orphan", order_by="PilotRequestSector.sector"
    )
    criteria: Mapped[list[EvaluationCriterion]] = relationship(
        cascade="all, delete-orphan", order_by="EvaluationCriterion.position"
    )
    kpis: Mapped[list[Kpi]] = relationship(
        cascade="all, delete-orphan", order_by="Kpi.position", back_populates="request"
    )

    @property
    def sector_values(self) -> list[str]:
        return [s.sector.value for s in self.sectors]


class PilotRequestSector(db.Model):
    __tablename__ = "pilot_request_sectors"

    request_id: Mapped[int] = mapped_column(
        ForeignKey("pilot_requests.id", ondelete="CASCADE"), primary_key=True
    )
    sector: Mapped[Sector] = mapped_column(str_enum(Sector, "sector"), primary_key=True, index=True)


class EvaluationCriterion(db.Model):
    """How proposals will be judged, stated before the call opens; weights are percentages."""

    __tablename__ = "evaluation_criteria"
    __table_args__ = (
        CheckConstraint("weight BETWEEN 1 AND 100", name="weight_range"),
        UniqueConstraint("request_id", "position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("pilot_requests.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(NAME_MAX))
    description: Mapped[str] = mapped_column(Text, default="")
    weight: Mapped[int] = mapped_column(Integer)


class Kpi(db.Model):
    """An indicator the city wants to move: declared on the request (name, unit, baseline);
    the partnership sets the target and records measured values."""

    __tablename__ = "pilot_kpis"
    __table_args__ = (UniqueConstraint("request_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("pilot_requests.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(NAME_MAX))
    unit: Mapped[str] = mapped_column(String(UNIT_MAX), default="")
    baseline: Mapped[float | None] = mapped_column(Float)
    target: Mapped[float | None] = mapped_column(Float)

    request: Mapped[PilotRequest] = relationship(back_populates="kpis")
    values: Mapped[list[KpiValue]] = relationship(
        cascade="all, delete-orphan", order_by="KpiValue.measured_on", back_populates="kpi"
    )


class KpiValue(db.Model):
    """One measurement of a KPI, with where it comes from."""

    __tablename__ = "pilot_kpi_values"

    id: Mapped[int] = mapped_column(primary_key=True)
    kpi_id: Mapped[int] = mapped_column(ForeignKey("pilot_kpis.id", ondelete="CASCADE"), index=True)
    measured_on: Mapped[date] = mapped_column(Date)
    value: Mapped[float] = mapped_column(Float)
    source: Mapped[str] = mapped_column(String(SOURCE_MAX))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    kpi: Mapped[Kpi] = relationship(back_populates="values")


class PilotReview(db.Model):
    """An official's review of a submitted request against the programme's selection
    criteria (pilots.lifecycle.SELECTION_CRITERIA): a score of 1-5 and a note for each."""

    __tablename__ = "pilot_reviews"
    __table_args__ = (UniqueConstraint("request_id", "reviewer_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("pilot_requests.id", ondelete="CASCADE"), index=True
    )
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    scores: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)
    notes: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    summary: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )


class Interest(db.Model):
    """A company's or institution's proposal answering a call. One per organisation and
    request (a withdrawn proposal may be submitted again before the deadline)."""

    __tablename__ = "pilot_interests"
    __table_args__ = (
        UniqueConstraint("request_id", "organization_id"),
        CheckConstraint(
            "cost_amount IS NULL OR (cost_amount >= 0 AND cost_amount <= 1000000000000)",
            name="cost_range",
        ),
        CheckConstraint(
            "duration_months IS NULL OR (duration_months BETWEEN 1 AND 120)",
            name="duration_range",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("pilot_requests.id", ondelete="CASCADE"), index=True
    )
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="RESTRICT"), index=True
    )
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    status: Mapped[InterestStatus] = mapped_column(
        str_enum(InterestStatus, "interest_status"), default=InterestStatus.SUBMITTED, index=True
    )
    approach: Mapped[str] = mapped_column(Text, default="")
    team: Mapped[str] = mapped_column(Text, default="")
    references: Mapped[str] = mapped_column(Text, default="")
    cost_amount: Mapped[int | None] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    duration_months: Mapped[int | None] = mapped_column(Integer)
    # The third partner institution the city named when it selected this proposal (triangular
    # cooperation); kept here until an official's approval copies it onto the Partnership.
    third_party_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="SET NULL")
    )
    is_demo: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )

    request: Mapped[PilotRequest] = relationship()
    organization: Mapped[Organization] = relationship(foreign_keys=[organization_id])
    third_party: Mapped[Organization | None] = relationship(foreign_keys=[third_party_id])
    scores: Mapped[list[InterestScore]] = relationship(cascade="all, delete-orphan")


class InterestScore(db.Model):
    """The city's score of one proposal on one of its criteria (0-10)."""

    __tablename__ = "pilot_interest_scores"
    __table_args__ = (
        UniqueConstraint("interest_id", "criterion_id"),
        CheckConstraint("score BETWEEN 0 AND 10", name="score_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    interest_id: Mapped[int] = mapped_column(
        ForeignKey("pilot_interests.id", ondelete="CASCADE"), index=True
    )
    criterion_id: Mapped[int] = mapped_column(
        ForeignKey("evaluation_criteria.id", ondelete="CASCADE")
    )
    score: Mapped[int] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(Text, default="")
    scored_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )


class Partnership(db.Model):
    """City + selected organisation (+ an optional third partner), created when an official
    approves the city's selection. Its state is its request's status."""

    __tablename__ = "partnerships"
    __table_args__ = (
        CheckConstraint(
            "third_party_id IS NULL OR "
            "(third_party_id != partner_id AND third_party_id != city_id)",
            name="distinct_parties",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("pilot_requests.id", ondelete="RESTRICT"), unique=True
    )
    interest_id: Mapped[int | None] = mapped_column(
        ForeignKey("pilot_interests.id", ondelete="SET NULL")
    )
    city_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="RESTRICT"), index=True
    )
    partner_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="RESTRICT"), index=True
    )
    third_party_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="RESTRICT"), index=True
    )
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    outcome_summary: Mapped[str] = mapped_column(Text, default="")
    lessons_learned: Mapped[str] = mapped_column(Text, default="")
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    is_demo: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    request: Mapped[PilotRequest] = relationship()
    city: Mapped[Organization] = relationship(foreign_keys=[city_id])
    partner: Mapped[Organization] = relationship(foreign_keys=[partner_id])
    third_party: Mapped[Organization | None] = relationship(foreign_keys=[third_party_id])
    milestones: Mapped[list[Milestone]] = relationship(
        cascade="all, delete-orphan", order_by="Milestone.planned_on, Milestone.id"
    )
    reports: Mapped[list[ProgressReport]] = relationship(
        cascade="all, delete-orphan", order_by="ProgressReport.period_end.desc()"
    )

    @property
    def party_ids(self) -> set[int]:
        ids = {self.city_id, self.partner_id}
        if self.third_party_id is not None:
            ids.add(self.third_party_id)
        return ids


class Milestone(db.Model):
    __tablename__ = "pilot_milestones"
    __table_args__ = (
        CheckConstraint(
            "actual_on IS NULL OR started_on IS NULL OR actual_on >= started_on",
            name="actual_after_start",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(
        ForeignKey("partnerships.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    description: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[MilestoneStatus] = mapped_column(
        str_enum(MilestoneStatus, "milestone_status"), default=MilestoneStatus.PLANNED
    )
    planned_on: Mapped[date] = mapped_column(Date)
    started_on: Mapped[date | None] = mapped_column(Date)
    actual_on: Mapped[date | None] = mapped_column(Date)  # when it was done; never in the future
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )


class ProgressReport(db.Model):
    """A periodic monitoring report written by one of the parties."""

    __tablename__ = "pilot_progress_reports"
    __table_args__ = (CheckConstraint("period_end >= period_start", name="period_order"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(
        ForeignKey("partnerships.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    summary: Mapped[str] = mapped_column(Text)
    risks: Mapped[str] = mapped_column(Text, default="")
    next_steps: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
