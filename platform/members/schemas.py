"""Validated shapes of member data, shared by the HTML forms and the JSON API."""

from __future__ import annotations

import re
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
    model_validator,
)

from ..i18n import COUNTRY_CODES, LANGUAGE_CODES
from ..pagination import PageQuery
from ..schemas import (
    LongText,
    Name,
    PageOut,
    ShortText,
    UtcDateTime,
    single_line,
)
from .models import AwardCategory, CompanySize, OrgKind, Region, Sector

# Limits the forms share (members/forms.py): one definition each.
WEBSITE_MAX = 300
LAUREATE_MAX = 160
PARTNER_MAX = 120
FIRST_AWARD_YEAR, LAST_AWARD_YEAR = 2023, 2100
POPULATION_MAX = 100_000_000


def _tag(value: str) -> str:
    value = " ".join(value.lower().split())
    if not value or len(value) > 60:
        raise ValueError(_("Each entry must be 1 to 60 characters."))
    return value


Tag = Annotated[str, BeforeValidator(single_line), AfterValidator(_tag)]


def _country(value: str) -> str:
    value = value.upper()
    if value not in COUNTRY_CODES:
        raise ValueError(_("Unknown country code (use ISO 3166-1 alpha-2, for example KR)."))
    return value


def _language(value: str) -> str:
    value = value.lower()
    if value not in LANGUAGE_CODES:
        raise ValueError(_("Unknown language code (use ISO 639, for example en or ko)."))
    return value


def _website(value: str) -> str:
    if value and not re.fullmatch(r"https?://[^\s/$.?#][^\s<>\"]*", value, re.IGNORECASE):
        raise ValueError(_("Enter a full web address starting with https://"))
    return value


Country = Annotated[str, BeforeValidator(single_line), AfterValidator(_country)]
Language = Annotated[str, BeforeValidator(single_line), AfterValidator(_language)]
Website = Annotated[
    str,
    BeforeValidator(single_line),
    StringConstraints(max_length=WEBSITE_MAX),
    AfterValidator(_website),
]


def _unique(values: list | None) -> list | None:
    if values is None:
        return None
    seen: list = []
    for v in values:
        if v not in seen:
            seen.append(v)
    return seen


class OrganizationFields(BaseModel):
    """Fields an organisation profile may change. Unknown keys (role, status, owner …) are
    ignored, so mass assignment cannot touch them."""

    model_config = ConfigDict(extra="ignore")

    name: Name
    country: Country
    region: Region
    languages: list[Language] = Field(default_factory=list, max_length=10)
    website: Website = ""
    description: LongText = ""
    sectors: list[Sector] = Field(default_factory=list, max_length=7)
    technologies: list[Tag] = Field(default_factory=list, max_length=30)
    challenges: list[Annotated[ShortText, StringConstraints(min_length=1)]] = Field(
        default_factory=list, max_length=20
    )
    development_stage: int | None = Field(None, ge=1, le=5)
    population: int | None = Field(None, ge=0, le=POPULATION_MAX)
    size: CompanySize | None = None

    @field_validator("languages", "sectors", "technologies", "challenges")
    @classmethod
    def _dedupe(cls, value: list) -> list:
        return _unique(value)


class OrganizationInput(OrganizationFields):
    kind: OrgKind

    @model_validator(mode="after")
    def _kind_specific(self) -> OrganizationInput:
        # Stage and population describe cities, size describes companies: drop the rest.
        if self.kind != OrgKind.CITY:
            self.development_stage = None
            self.population = None
            self.challenges = []
        if self.kind != OrgKind.COMPANY:
            self.size = None
        return self


class OrganizationPatch(BaseModel):
    model_config = ConfigDict(extra="ignore")

    name: Name | None = None
    country: Country | None = None
    region: Region | None = None
    languages: list[Language] | None = Field(None, max_length=10)
    website: Website | None = None
    description: LongText | None = None
    sectors: list[Sector] | None = Field(None, max_length=7)
    technologies: list[Tag] | None = Field(None, max_length=30)
    challenges: list[Annotated[ShortText, StringConstraints(min_length=1)]] | None = Field(
        None, max_length=20
    )
    development_stage: int | None = Field(None, ge=1, le=5)
    population: int | None = Field(None, ge=0, le=POPULATION_MAX)
    size: CompanySize | None = None

    @field_validator("languages", "sectors", "technologies", "challenges")
    @classmethod
    def _dedupe(cls, value: list | None) -> list | None:
        return _unique(value)


class AwardInput(BaseModel):
    model_config = ConfigDict(extra="ignore")

    year: int = Field(ge=FIRST_AWARD_YEAR, le=LAST_AWARD_YEAR)
    # None (or "" from the form): the source does not state the category.
    category: Annotated[AwardCategory | None, BeforeValidator(lambda v: v or None)] = None
    project_title: ShortText = ""
    laureate_name: Annotated[
        str, BeforeValidator(single_line), StringConstraints(max_length=LAUREATE_MAX)
    ] = ""
    partner: Annotated[
        str, BeforeValidator(single_line), StringConstraints(max_length=PARTNER_MAX)
    ] = ""

    @model_validator(mode="after")
    def _title_or_laureate(self) -> AwardInput:
        if self.category == AwardCategory.LEADERSHIP and not self.laureate_name:
            raise ValueError(_("A Leadership prize needs the laureate's name."))
        # Special Mentions may be given to a city without naming one project.
        project_prizes = (AwardCategory.TECH_INNOVACITY, AwardCategory.HUMAN_CENTRICITY)
        if self.category in project_prizes and not self.project_title:
            raise ValueError(_("A project prize needs the project title."))
        if self.category is None and not (self.project_title or self.laureate_name):
            raise ValueError(_("An award without a category needs a project title or laureate."))
        return self


class DirectoryQuery(PageQuery):
    q: ShortText = ""
    kind: OrgKind | None = None
    sector: Sector | None = None
    region: Region | None = None
    country: Country | None = None
    award_year: int | None = Field(None, ge=FIRST_AWARD_YEAR, le=LAST_AWARD_YEAR)
    award_category: AwardCategory | None = None
    technology: Annotated[str, BeforeValidator(single_line), StringConstraints(max_length=60)] = ""


# ---- responses ---------------------------------------------------------------------------


class AwardOut(BaseModel):
    id: int
    year: int
    category: AwardCategory | None  # null: not stated in the source
    project_title: str
    laureate_name: str
    partner: str


class PersonOut(BaseModel):
    id: int
    name: str
    job_title: str
    org_role: str


class OrganizationOut(BaseModel):
    id: int
    kind: OrgKind
    name: str
    country: str
    region: Region
    languages: list[str]
    website: str
    description: str
    sectors: list[Sector]
    technologies: list[str]
    challenges: list[str]
    development_stage: int | None
    population: int | None
    size: CompanySize | None
    status: str
    is_demo: bool
    public_source: str  # "" or the public record the facts come from
    awards: list[AwardOut]
    updated_at: UtcDateTime


class OrganizationDetailOut(OrganizationOut):
    people: list[PersonOut]


class OrganizationPage(PageOut):
    items: list[OrganizationOut]
