"""Validated shapes of a pilot request, shared by the HTML form and the JSON API.

Unknown keys are ignored, as in members.schemas: ``status``, ``city_id``, ``deadline`` or
``submitted_at`` in a body simply have no field to land in, so mass assignment cannot move a
request or change its owner. Rules that span fields (budget order, timeline order) are checked
by the service (requests.check_consistency), because a PATCH must be checked against the values
already stored.
"""

from __future__ import annotations

import math
from datetime import date
from typing import Annotated

from flask_babel import gettext as _
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
)

from ..api import PageOut, UtcDateTime
from ..members.models import Region, Sector
from ..members.schemas import Language, single_line
from ..pagination import PageQuery
from ..text import clean_multiline
from . import money
from .lifecycle import SELECTION_CRITERIA
from .models import (
    MONEY_MAX,
    NAME_MAX,
    TEXT_MAX,
    TITLE_MAX,
    UNIT_MAX,
    PilotType,
    RequestStatus,
    TargetGroup,
)

MAX_TECHNOLOGIES = 20
MAX_KPIS = 10
MAX_CRITERIA = 10
TECHNOLOGY_MAX = 80
REASON_MAX = 2000
NUMBER_MAX = 1e15  # KPI baselines: any real measure is far below


def _text(value: object) -> object:
    return clean_multiline(value) if isinstance(value, str) else value


def _currency(value: str) -> str:
    value = value.upper()
    if not money.is_currency(value):
        raise ValueError(_("Unknown currency (use an ISO 4217 code in use today, such as USD)."))
    return value


def _finite(value: float | None) -> float | None:
    if value is not None and not math.isfinite(value):
        raise ValueError(_("Enter a number."))
    return value


Line = Annotated[str, BeforeValidator(single_line)]
Title = Annotated[Line, StringConstraints(min_length=1, max_length=TITLE_MAX)]
LongText = Annotated[str, BeforeValidator(_text), StringConstraints(max_length=TEXT_MAX)]
Reason = Annotated[str, BeforeValidator(_text), StringConstraints(max_length=REASON_MAX)]
Currency = Annotated[str, BeforeValidator(single_line), AfterValidator(_currency)]
Money = Annotated[int, Field(ge=0, le=MONEY_MAX)]
Technology = Annotated[Line, StringConstraints(min_length=1, max_length=TECHNOLOGY_MAX)]
Baseline = Annotated[float, Field(ge=-NUMBER_MAX, le=NUMBER_MAX), AfterValidator(_finite)]


def _unique(values: list | None) -> list | None:
    return None if values is None else list(dict.fromkeys(values))


class KpiIn(BaseModel):
    model_config = ConfigDict(extra="ignore")

    name: Annotated[Line, StringConstraints(min_length=1, max_length=NAME_MAX)]
    unit: Annotated[Line, StringConstraints(max_length=UNIT_MAX)] = ""
    baseline: Baseline | None = None


class CriterionIn(BaseModel):
    model_config = ConfigDict(extra="ignore")

    name: Annotated[Line, StringConstraints(min_length=1, max_length=NAME_MAX)]
    description: Annotated[str, BeforeValidator(_text), StringConstraints(max_length=2000)] = ""
    weight: int = Field(ge=1, le=100)


class RequestInput(BaseModel):
    """A new request (a draft: only type and title are needed now; the rest is checked
    for completeness on submit)."""

    model_config = ConfigDict(extra="ignore")

    type: PilotType
    title: Title
    sectors: list[Sector] = Field(default_factory=list, max_length=len(Sector))
    challenge: LongText = ""
    policy_needs: LongText = ""
    technologies: list[Technology] = Field(default_factory=list, max_length=MAX_TECHNOLOGIES)
    target_groups: list[TargetGroup] = Field(default_factory=list, max_length=len(TargetGroup))
    budget_min: Money | None = None
    budget_max: Money | None = None
    currency: Currency = "USD"
    starts_on: date | None = None
    ends_on: date | None = None
    languages: list[Language] = Field(default_factory=list, max_length=10)
    kpis: list[KpiIn] = Field(default_factory=list, max_length=MAX_KPIS)
    criteria: list[CriterionIn] = Field(default_factory=list, max_length=MAX_CRITERIA)

    @field_validator("sectors", "technologies", "target_groups", "languages")
    @classmethod
    def _dedupe(cls, value: list) -> list:
        return _unique(value)


class RequestPatch(BaseModel):
    """Changes to an editable request: only the fields sent are changed (lists replace)."""

    model_config = ConfigDict(extra="ignore")

    type: PilotType | None = None
    title: Title | None = None
    sectors: list[Sector] | None = Field(None, max_length=len(Sector))
    challenge: LongText | None = None
    policy_needs: LongText | None = None
    technologies: list[Technology] | None = Field(None, max_length=MAX_TECHNOLOGIES)
    target_groups: list[TargetGroup] | None = Field(None, max_length=len(TargetGroup))
    budget_min: Money | None = None
    budget_max: Money | None = None
    currency: Currency | None = None
    starts_on: date | None = None
    ends_on: date | None = None
    languages: list[Language] | None = Field(None, max_length=10)
    kpis: list[KpiIn] | None = Field(None, max_length=MAX_KPIS)
    criteria: list[CriterionIn] | None = Field(None, max_length=MAX_CRITERIA)

    @field_validator("sectors", "technologies", "target_groups", "languages")
    @classmethod
    def _dedupe(cls, value: list | None) -> list | None:
        return _unique(value)


# Fields a PATCH may set to null (clearing them); the others ignore an explicit null.
NULLABLE = frozenset({"budget_min", "budget_max", "starts_on", "ends_on"})


class TransitionIn(BaseModel):
    """A move of the request. ``deadline`` applies when opening a call (default: 28 days);
    ``reason`` is required for changes requested, rejection, cancellation, an early close and
    a deadline shorter than the default."""

    model_config = ConfigDict(extra="ignore")

    to: RequestStatus
    reason: Reason = ""
    deadline: UtcDateTime | None = None


Score = Annotated[int, Field(ge=1, le=5)]
Note = Annotated[str, BeforeValidator(_text), StringConstraints(max_length=2000)]


class ReviewIn(BaseModel):
    """An official's review: a score of 1-5 and a note for each selection criterion."""

    model_config = ConfigDict(extra="ignore")

    scores: dict[str, Score] = Field(default_factory=dict, max_length=len(SELECTION_CRITERIA))
    notes: dict[str, Note] = Field(default_factory=dict, max_length=len(SELECTION_CRITERIA))
    summary: Annotated[str, BeforeValidator(_text), StringConstraints(max_length=TEXT_MAX)] = ""

    @field_validator("scores", "notes")
    @classmethod
    def _known_criteria(cls, value: dict) -> dict:
        unknown = sorted(set(value) - set(SELECTION_CRITERIA))
        if unknown:
            raise ValueError(
                _(
                    "Unknown selection criteria: %(names)s (use %(known)s).",
                    names=", ".join(unknown)[:200],
                    known=", ".join(SELECTION_CRITERIA),
                )
            )
        return value


class RequestQuery(PageQuery):
    """Filters of request lists (the API list, the pipeline and the open calls)."""

    status: RequestStatus | None = None
    type: PilotType | None = None
    sector: Sector | None = None
    region: Region | None = None
    year: int | None = Field(None, ge=2000, le=2100)
    q: Annotated[str, BeforeValidator(single_line), StringConstraints(max_length=200)] = ""


# ---- responses -------------------------------------------------------------------------------


class KpiOut(BaseModel):
    id: int
    name: str
    unit: str
    baseline: float | None


class CriterionOut(BaseModel):
    id: int
    name: str
    description: str
    weight: int


class CityOut(BaseModel):
    id: int
    name: str
    country: str
    region: str


class RequestOut(BaseModel):
    id: int
    city: CityOut
    type: PilotType
    status: RequestStatus
    title: str
    sectors: list[str]
    challenge: str
    policy_needs: str
    technologies: list[str]
    target_groups: list[str]
    budget_min: int | None
    budget_max: int | None
    currency: str
    starts_on: date | None
    ends_on: date | None
    languages: list[str]
    kpis: list[KpiOut]
    criteria: list[CriterionOut]
    deadline: UtcDateTime | None
    deadline_reason: str
    submitted_at: UtcDateTime | None
    opened_at: UtcDateTime | None
    closed_at: UtcDateTime | None
    is_demo: bool
    created_at: UtcDateTime
    updated_at: UtcDateTime


class RequestPage(PageOut):
    items: list[RequestOut]


class HistoryEntryOut(BaseModel):
    from_state: str
    to_state: str
    actor: str  # the person's name, or "Platform" for the system
    role: str
    reason: str
    at: UtcDateTime


class HistoryOut(BaseModel):
    items: list[HistoryEntryOut]


class ReviewOut(BaseModel):
    request_id: int
    reviewer: str
    scores: dict[str, int]
    notes: dict[str, str]
    summary: str
    updated_at: UtcDateTime
