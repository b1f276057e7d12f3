"""Validated shapes of programmes, cohorts (with their regional quotas) and sessions, shared
by the HTML forms and the JSON API.

Unknown keys are ignored: ``status``, ``seats_taken``, ``next_ticket``, ``programme_id`` (on a
PATCH) or ``created_by_id`` in a body have no field to land in, so mass assignment cannot move
a cohort or its seat counters. Rules that span fields or need the stored row (dates order,
deadline before the start, reservations within the capacity, a capacity not below the seats
held, sessions within the cohort's dates) are checked by the service (programmes.py), because
a PATCH must be checked against the values already stored.
"""

from __future__ import annotations

import re
import zoneinfo
from datetime import date
from functools import cache
from typing import Annotated

from flask_babel import gettext as _
from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
)

from ..members.models import AwardCategory, OrgKind, Region
from ..members.schemas import FIRST_AWARD_YEAR, LAST_AWARD_YEAR, Language
from ..pagination import PageQuery
from ..schemas import PageOut, UtcDateTime, clean_text, single_line
from .models import AdmissionMode, CohortStatus, PlaceMode, SessionKind

TITLE_MAX = 200
SUMMARY_MAX = 5000
ADDRESS_MAX = 300
URL_MAX = 300
REASON_MAX = 2000
CAPACITY_MAX = 10_000
OFFER_HOURS_MAX = 336  # two weeks
YEAR_MIN, YEAR_MAX = 2023, 2100
MAX_LANGUAGES = 10


@cache
def _zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def _timezone(value: str) -> str:
    if value not in _zones():
        raise ValueError(_("Unknown time zone (use an IANA name, for example Asia/Seoul)."))
    return value


def _url(value: str) -> str:
    if value and not re.fullmatch(r"https?://[^\s/$.?#][^\s<>\"]*", value, re.IGNORECASE):
        raise ValueError(_("Enter a full web address starting with https:// or http://"))
    return value


def _two_letters(value: str) -> str:
    if len(value) != 2:
        raise ValueError(_("Use a two-letter ISO 639-1 language code, for example en or ko."))
    return value


def _unique(values: list | None) -> list | None:
    return None if values is None else list(dict.fromkeys(values))


Line = Annotated[str, BeforeValidator(single_line)]
Title = Annotated[Line, StringConstraints(min_length=1, max_length=TITLE_MAX)]
Summary = Annotated[str, BeforeValidator(clean_text), StringConstraints(max_length=SUMMARY_MAX)]
Reason = Annotated[str, BeforeValidator(clean_text), StringConstraints(max_length=REASON_MAX)]
Address = Annotated[Line, StringConstraints(max_length=ADDRESS_MAX)]
Url = Annotated[Line, StringConstraints(max_length=URL_MAX), AfterValidator(_url)]
TimeZone = Annotated[Line, StringConstraints(max_length=64), AfterValidator(_timezone)]
Lang2 = Annotated[Language, AfterValidator(_two_letters)]
Year = Annotated[int, Field(ge=YEAR_MIN, le=YEAR_MAX)]
AwardYear = Annotated[int, Field(ge=FIRST_AWARD_YEAR, le=LAST_AWARD_YEAR)]
Capacity = Annotated[int, Field(ge=0, le=CAPACITY_MAX)]
Seats = Annotated[int, Field(ge=0, le=CAPACITY_MAX)]
PerOrgLimit = Annotated[int, Field(ge=1, le=CAPACITY_MAX)]
OfferHours = Annotated[int, Field(ge=1, le=OFFER_HOURS_MAX)]
Percent = Annotated[int, Field(ge=0, le=100)]


# ---- programmes ------------------------------------------------------------------------------


class ProgrammeIn(BaseModel):
    model_config = ConfigDict(extra="ignore")

    title: Title
    year: Year
    summary: Summary = ""


class ProgrammePatch(BaseModel):
    model_config = ConfigDict(extra="ignore")

    title: Title | None = None
    year: Year | None = None
    summary: Summary | None = None


# ---- cohorts ---------------------------------------------------------------------------------


class QuotaIn(BaseModel):
    """A region's quota: at most ``max_seats``, and/or ``reserved_seats`` kept for it until
    ``reserved_until`` (none: for as long as the cohort takes applications)."""

    model_config = ConfigDict(extra="ignore")

    region: Region
    max_seats: Seats | None = None
    reserved_seats: Seats | None = None
    reserved_until: UtcDateTime | None = None


class _CohortFields(BaseModel):
    model_config = ConfigDict(extra="ignore")

    @field_validator(
        "languages", "award_years", "award_categories", "org_kinds", check_fields=False
    )
    @classmethod
    def _dedupe(cls, value: list | None) -> list | None:
        return _unique(value)


class CohortIn(_CohortFields):
    """A new cohort (a draft) of programme ``program_id``."""

    program_id: Annotated[int, Field(ge=1, le=2**31 - 1)]
    title: Title
    description: Summary = ""
    starts_on: date
    ends_on: date
    timezone: TimeZone = "Asia/Seoul"
    place_mode: PlaceMode = PlaceMode.SEOUL
    address: Address = ""
    online_url: Url = ""
    languages: list[Lang2] = Field(default_factory=list, max_length=MAX_LANGUAGES)
    capacity: Capacity
    admission: AdmissionMode = AdmissionMode.FIRST_COME
    award_years: list[AwardYear] = Field(default_factory=list, max_length=100)
    award_categories: list[AwardCategory] = Field(
        default_factory=list, max_length=len(AwardCategory)
    )
    org_kinds: list[OrgKind] = Field(default_factory=list, max_length=len(OrgKind))
    per_org_limit: PerOrgLimit | None = None
    application_deadline: UtcDateTime | None = None
    offer_hours: OfferHours = 72
    attendance_threshold: Percent = 80
    prerequisite_title: Annotated[Line, StringConstraints(max_length=TITLE_MAX)] = ""
    prerequisite_url: Url = ""
    quotas: list[QuotaIn] = Field(default_factory=list, max_length=len(Region))


class CohortPatch(_CohortFields):
    """Changes to a cohort: only the fields sent change (lists, quotas included, replace)."""

    title: Title | None = None
    description: Summary | None = None
    starts_on: date | None = None
    ends_on: date | None = None
    timezone: TimeZone | None = None
    place_mode: PlaceMode | None = None
    address: Address | None = None
    online_url: Url | None = None
    languages: list[Lang2] | None = Field(None, max_length=MAX_LANGUAGES)
    capacity: Capacity | None = None
    admission: AdmissionMode | None = None
    award_years: list[AwardYear] | None = Field(None, max_length=100)
    award_categories: list[AwardCategory] | None = Field(None, max_length=len(AwardCategory))
    org_kinds: list[OrgKind] | None = Field(None, max_length=len(OrgKind))
    per_org_limit: PerOrgLimit | None = None
    application_deadline: UtcDateTime | None = None
    offer_hours: OfferHours | None = None
    attendance_threshold: Percent | None = None
    prerequisite_title: Annotated[Line, StringConstraints(max_length=TITLE_MAX)] | None = None
    prerequisite_url: Url | None = None
    quotas: list[QuotaIn] | None = Field(None, max_length=len(Region))


# Fields a PATCH may set to null (clearing them); the others ignore an explicit null.
NULLABLE = frozenset({"per_org_limit", "application_deadline"})


class CohortTransitionIn(BaseModel):
    """A move of the cohort; ``reason`` is required to cancel."""

    model_config = ConfigDict(extra="ignore")

    to: CohortStatus
    reason: Reason = ""


class CohortQuery(PageQuery):
    program_id: int | None = Field(None, ge=1, le=2**31 - 1)
    status: CohortStatus | None = None


# ---- sessions --------------------------------------------------------------------------------


class SessionIn(BaseModel):
    """A session; times with their UTC offset (the HTML form enters them in the cohort's
    time zone and converts)."""

    model_config = ConfigDict(extra="ignore")

    kind: SessionKind = SessionKind.LECTURE
    title: Title
    starts_at: AwareDatetime
    ends_at: AwareDatetime
    place: Address = ""
    description: Summary = ""


class SessionPatch(BaseModel):
    model_config = ConfigDict(extra="ignore")

    kind: SessionKind | None = None
    title: Title | None = None
    starts_at: AwareDatetime | None = None
    ends_at: AwareDatetime | None = None
    place: Address | None = None
    description: Summary | None = None


# ---- responses -------------------------------------------------------------------------------


class ProgrammeOut(BaseModel):
    id: int
    title: str
    year: int
    summary: str
    is_demo: bool
    created_at: UtcDateTime
    updated_at: UtcDateTime


class ProgrammePage(PageOut):
    items: list[ProgrammeOut]


class QuotaOut(BaseModel):
    region: str
    max_seats: int | None
    reserved_seats: int | None
    reserved_until: UtcDateTime | None


class CohortOut(BaseModel):
    id: int
    program_id: int
    title: str
    description: str
    status: CohortStatus
    starts_on: date
    ends_on: date
    timezone: str
    place_mode: PlaceMode
    address: str
    online_url: str
    languages: list[str]
    capacity: int
    seats_taken: int
    seats_left: int
    admission: AdmissionMode
    award_years: list[int]
    award_categories: list[str]
    org_kinds: list[str]
    per_org_limit: int | None
    application_deadline: UtcDateTime | None
    offer_hours: int
    attendance_threshold: int
    prerequisite_title: str
    prerequisite_url: str
    quotas: list[QuotaOut]
    is_demo: bool
    created_at: UtcDateTime
    updated_at: UtcDateTime


class CohortPage(PageOut):
    items: list[CohortOut]


class SessionOut(BaseModel):
    id: int
    cohort_id: int
    kind: SessionKind
    title: str
    description: str
    starts_at: UtcDateTime
    ends_at: UtcDateTime
    place: str


class SessionList(BaseModel):
    items: list[SessionOut]
