"""Validated shapes of the partnership workspace and of the public results, shared by the
HTML forms and the JSON API.

The inputs ignore unknown fields (``extra="ignore"``): a client that sends ``status`` on a
report, ``partnership_id`` on a milestone or ``published_at`` on a KPI value changes nothing,
because the shapes simply have no such field (mass assignment). Who wrote a row, its
partnership and every state are set by the services.

Dates that record something that happened (a milestone started or done, a measurement, the end
of a reported period) may not lie in the future. "The future" is judged by the calendar of the
earliest time zone on Earth (UTC+14): a date is refused only when it has not begun anywhere
yet, so a person in Seoul entering today's date just after midnight is never refused.
"""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta
from typing import Annotated, Literal

from flask_babel import lazy_gettext as _l
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StringConstraints,
    model_validator,
)
from pydantic_core import PydanticCustomError

from ..api import PageOut, UtcDateTime
from ..db import utcnow
from ..members.models import Region, Sector
from ..pagination import PageQuery
from ..text import clean_line, clean_multiline
from .models import (
    MONEY_MAX,
    NAME_MAX,
    SOURCE_MAX,
    TEXT_MAX,
    TITLE_MAX,
    UNIT_MAX,
    MilestoneStatus,
    PilotType,
)

SINGLE_LINE = _l("Use a single line: line breaks and control characters are not allowed.")
FUTURE_DATE = _l("This date is in the future; record it once it has happened.")
NOT_A_NUMBER = _l("Enter a number.")
NUMBER_RANGE = _l("Enter a number between -1,000,000,000,000 and 1,000,000,000,000.")
REASON_MAX = 2000


def today_anywhere() -> date:
    """The latest calendar date anywhere on Earth now (UTC+14)."""
    return (utcnow() + timedelta(hours=14)).date()


def _single_line(value: object) -> object:
    if isinstance(value, str):
        try:
            return clean_line(value)
        except ValueError:
            raise PydanticCustomError("single_line", str(SINGLE_LINE)) from None
    return value


def _multiline(value: object) -> object:
    return clean_multiline(value) if isinstance(value, str) else value


def _number(value: object) -> object:
    """A finite number within ±MONEY_MAX; booleans are not numbers here (JSON ``true`` would
    otherwise become 1.0)."""
    if isinstance(value, bool):
        raise PydanticCustomError("number", str(NOT_A_NUMBER))
    if isinstance(value, str):
        try:
            value = float(value.strip().replace("\u2212", "-"))
        except ValueError:
            raise PydanticCustomError("number", str(NOT_A_NUMBER)) from None
    if isinstance(value, int) and not isinstance(value, bool):
        if abs(value) > MONEY_MAX:
            raise PydanticCustomError("number_range", str(NUMBER_RANGE))
        return float(value)
    if isinstance(value, float):
        if not math.isfinite(value) or abs(value) > MONEY_MAX:
            raise PydanticCustomError("number_range", str(NUMBER_RANGE))
        return value
    raise PydanticCustomError("number", str(NOT_A_NUMBER))


def _past(value: date | None) -> date | None:
    if value is not None and value > today_anywhere():
        raise PydanticCustomError("future_date", str(FUTURE_DATE))
    return value


def _date_only(value: object) -> object:
    # A datetime would be silently truncated to its date: say what is wanted instead.
    if isinstance(value, datetime):
        raise PydanticCustomError("date_type", str(_l("Enter a date (YYYY-MM-DD).")))
    return value


Line = Annotated[str, BeforeValidator(_single_line)]
Title = Annotated[Line, StringConstraints(min_length=1, max_length=TITLE_MAX)]
KpiName = Annotated[Line, StringConstraints(min_length=1, max_length=NAME_MAX)]
Unit = Annotated[Line, StringConstraints(max_length=UNIT_MAX)]
Source = Annotated[Line, StringConstraints(min_length=1, max_length=SOURCE_MAX)]
LongText = Annotated[str, BeforeValidator(_multiline), StringConstraints(max_length=TEXT_MAX)]
RequiredText = Annotated[
    str, BeforeValidator(_multiline), StringConstraints(min_length=1, max_length=TEXT_MAX)
]
Number = Annotated[float, BeforeValidator(_number)]
AnyDate = Annotated[date, BeforeValidator(_date_only)]
PastDate = Annotated[date, BeforeValidator(_date_only), AfterValidator(_past)]


def _error(kind: str, message) -> PydanticCustomError:
    return PydanticCustomError(kind, str(message))


def check_milestone(
    status: MilestoneStatus, started_on: date | None, actual_on: date | None
) -> dict[str, list[str]]:
    """The milestone rule, for a new milestone and for the result of an edit:

    - a milestone is **done exactly when it has an actual (done) date**: "done" needs the date,
      and a date means it is done (any other status with a date would be a contradiction the
      person should resolve rather than the platform guess);
    - the actual date is on or after the started date (when both are given);
    - started and actual dates are never in the future (checked by their types).

    Returns field → messages (empty when the milestone is consistent)."""
    errors: dict[str, list[str]] = {}
    if status == MilestoneStatus.DONE and actual_on is None:
        errors["actual_on"] = [str(_l("A done milestone needs the date it was done."))]
    if actual_on is not None and status != MilestoneStatus.DONE:
        errors["status"] = [str(_l("A milestone with a done date is done: choose “Done”."))]
    if actual_on is not None and started_on is not None and actual_on < started_on:
        errors.setdefault("actual_on", []).append(
            str(_l("The done date cannot be before the start date."))
        )
    return errors


class MilestoneInput(BaseModel):
    model_config = ConfigDict(extra="ignore")
    title: Title
    description: LongText = ""
    planned_on: AnyDate
    started_on: PastDate | None = None
    actual_on: PastDate | None = None
    status: MilestoneStatus = MilestoneStatus.PLANNED

    @model_validator(mode="after")
    def _consistent(self) -> MilestoneInput:
        errors = check_milestone(self.status, self.started_on, self.actual_on)
        if errors:
            raise _error("milestone", " ".join(m for ms in errors.values() for m in ms))
        return self


class MilestonePatch(BaseModel):
    """Fields of a milestone to change; the result must still satisfy `check_milestone`
    (the service checks it against the stored values). ``null`` clears a date."""

    model_config = ConfigDict(extra="ignore")
    title: Title | None = None
    description: LongText | None = None
    planned_on: AnyDate | None = None
    started_on: PastDate | None = None
    actual_on: PastDate | None = None
    status: MilestoneStatus | None = None


class KpiInput(BaseModel):
    model_config = ConfigDict(extra="ignore")
    name: KpiName
    unit: Unit = ""
    baseline: Number | None = None
    target: Number | None = None


class KpiPatch(BaseModel):
    """The target of a KPI (``null`` clears it)."""

    model_config = ConfigDict(extra="ignore")
    target: Number | None


class KpiValueInput(BaseModel):
    model_config = ConfigDict(extra="ignore")
    measured_on: PastDate
    value: Number
    source: Source


class ReportInput(BaseModel):
    model_config = ConfigDict(extra="ignore")
    period_start: AnyDate
    period_end: PastDate
    summary: RequiredText
    risks: LongText = ""
    next_steps: LongText = ""

    @model_validator(mode="after")
    def _ordered(self) -> ReportInput:
        if self.period_end < self.period_start:
            raise _error("period_order", _l("The period cannot end before it starts."))
        return self


class TransitionInput(BaseModel):
    model_config = ConfigDict(extra="ignore")
    to: Literal["in_progress", "evaluation", "completed"]
    reason: Annotated[
        str, BeforeValidator(_multiline), StringConstraints(max_length=REASON_MAX)
    ] = ""
    outcome_summary: LongText = ""
    lessons_learned: LongText = ""


class ConsentInput(BaseModel):
    model_config = ConfigDict(extra="ignore")
    consent: StrictBool


class PublicationInput(BaseModel):
    model_config = ConfigDict(extra="ignore")
    published: StrictBool


class ResultsFilter(BaseModel):
    """The filters of the Results page and of the open-data downloads."""

    model_config = ConfigDict(extra="ignore")
    sector: Sector | None = None
    region: Region | None = None
    type: PilotType | None = None


class ResultsQuery(ResultsFilter, PageQuery):
    pass


# ---- responses -----------------------------------------------------------------------------


class MilestoneOut(BaseModel):
    id: int
    partnership_id: int
    title: str
    description: str
    status: MilestoneStatus
    planned_on: date
    started_on: date | None
    actual_on: date | None
    updated_at: UtcDateTime


class MilestonePage(PageOut):
    items: list[MilestoneOut]


class KpiValueOut(BaseModel):
    id: int
    kpi_id: int
    measured_on: date
    value: float
    source: str
    created_at: UtcDateTime


class KpiValuePage(PageOut):
    items: list[KpiValueOut]


class KpiOut(BaseModel):
    id: int
    name: str
    unit: str
    baseline: float | None
    target: float | None
    actual: float | None = Field(description="The latest measured value, if any.")
    actual_on: date | None


class KpiPage(PageOut):
    items: list[KpiOut]


class ReportOut(BaseModel):
    id: int
    partnership_id: int
    period_start: date
    period_end: date
    summary: str
    risks: str
    next_steps: str
    author: str | None
    created_at: UtcDateTime


class ReportPage(PageOut):
    items: list[ReportOut]


class PartnershipStateOut(BaseModel):
    id: int
    request_id: int
    status: str
    outcome_summary: str
    lessons_learned: str
    completed_at: UtcDateTime | None
    publish_consent: bool
    published_at: UtcDateTime | None


class Licence(BaseModel):
    name: str
    url: str


class OrgRef(BaseModel):
    id: int
    name: str
    country: str


class KpiOutcomeOut(BaseModel):
    name: str
    unit: str
    baseline: float | None
    target: float | None
    actual: float | None
    actual_on: date | None
    source: str | None


class ResultOut(BaseModel):
    id: int
    request_id: int
    title: str
    type: str
    sectors: list[str]
    challenge: str
    outcome_summary: str
    lessons_learned: str
    city: OrgRef
    region: str
    partner: OrgRef
    third_party: OrgRef | None
    started_at: UtcDateTime
    completed_at: UtcDateTime | None
    published_at: UtcDateTime
    kpis: list[KpiOutcomeOut]


class ResultsPage(PageOut):
    licence: Licence
    items: list[ResultOut]
