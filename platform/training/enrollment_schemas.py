"""Validated shapes of enrollments, shared by the HTML forms and the JSON API.

Inputs ignore unknown keys: ``status``, ``ticket``, ``seats_taken`` or ``decided_by_id`` sent
with an application have no field to land in, so mass assignment cannot move an enrollment,
jump the line or change its owner. Ids are strict integers within the database's range (a
huge id is a 422, never an overflow in SQL); the motivation keeps its line breaks but is
bounded; a decision's reason is bounded too.
"""

from __future__ import annotations

from typing import Annotated, Literal

from flask_babel import lazy_gettext as _l
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StrictInt, field_validator
from pydantic import StringConstraints as Str

from ..pagination import PageQuery
from ..schemas import MAX_ID, PageOut, UtcDateTime, clean_text
from .models import EnrollmentStatus

MOTIVATION_MAX = 2000
REASON_MAX = 2000
BULK_MAX = 100  # one page of the applications table at most

Id = Annotated[StrictInt, Field(ge=1, le=MAX_ID)]
Motivation = Annotated[str, BeforeValidator(clean_text), Str(max_length=MOTIVATION_MAX)]
Reason = Annotated[str, BeforeValidator(clean_text), Str(max_length=REASON_MAX)]
Decision = Literal["accept", "reject", "waitlist"]

DECISIONS = ("accept", "reject", "waitlist")


class EnrollmentIn(BaseModel):
    """An application: for oneself, or (an org admin) for a colleague named by ``user_id``."""

    model_config = ConfigDict(extra="ignore")

    user_id: Id | None = None
    motivation: Motivation = ""


class DecisionIn(BaseModel):
    """An official's decision on one application; ``reject`` needs a reason."""

    model_config = ConfigDict(extra="ignore")

    decision: Decision
    reason: Reason = ""


class BulkDecisionIn(BaseModel):
    """One decision for several applications of the cohort (each is answered on its own)."""

    model_config = ConfigDict(extra="ignore")

    ids: list[Id] = Field(min_length=1, max_length=BULK_MAX)
    decision: Decision
    reason: Reason = ""

    @field_validator("ids")
    @classmethod
    def _distinct(cls, value: list[int]) -> list[int]:
        return list(dict.fromkeys(value))


class CohortEnrollmentQuery(PageQuery):
    """?status= filters the cohort's enrollments (ticket order)."""

    status: EnrollmentStatus | None = None


# ---- responses ----------------------------------------------------------------------------


class PersonOut(BaseModel):
    id: int
    name: str


class OrganizationOut(BaseModel):
    id: int
    name: str
    country: str
    region: str


class EnrollmentOut(BaseModel):
    """An enrollment as its person, their organisation's admins and officials see it (never
    anyone else)."""

    id: int
    cohort_id: int
    cohort_title: str
    person: PersonOut | None
    organization: OrganizationOut | None
    region: str
    status: EnrollmentStatus
    ticket: int
    waitlist_position: int | None = Field(
        None, description=str(_l("1-based place on the waitlist (waitlisted only)."))
    )
    motivation: str
    applied_by_self: bool
    offered_at: UtcDateTime | None
    offer_expires_at: UtcDateTime | None
    prerequisite_confirmed_at: UtcDateTime | None
    decided_at: UtcDateTime | None
    created_at: UtcDateTime
    updated_at: UtcDateTime


class EnrollmentPage(PageOut):
    items: list[EnrollmentOut]


class EnrollmentList(BaseModel):
    items: list[EnrollmentOut]


class BulkResultOut(BaseModel):
    id: int
    ok: bool
    message: str


class BulkDecisionOut(BaseModel):
    items: list[BulkResultOut]


class MixRowOut(BaseModel):
    """One value of a dimension (a region, a category...) with its counts per status group."""

    value: str
    counts: dict[str, int]


class MixOut(BaseModel):
    """The cohort's mix: per dimension (region, award_category, org_kind, country), the
    counts per status group (``seated``: enrolled, offered or completed; ``applied``;
    ``waitlisted``), and each group's total. A person counts once per award category their
    organisation or they hold, so categories may add up to more than the total."""

    cohort_id: int
    totals: dict[str, int]
    dimensions: dict[str, list[MixRowOut]]
