"""Validated shapes of proposals, scores and selections, shared by the forms and the API.

Inputs ignore unknown keys (``status``, ``organization_id``, ``scores`` sent with a proposal
change nothing: the schemas have no such fields, so mass assignment cannot reach them) and
take numbers strictly (``true`` or ``"12"`` are not a duration), so a JSON client learns of a
wrong type instead of a guess.
"""

from __future__ import annotations

from typing import Annotated

from flask_babel import lazy_gettext as _l
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StrictBool, StrictInt
from pydantic import StringConstraints as Str
from pydantic_core import PydanticCustomError

from ..api import MAX_ID, PageOut, UtcDateTime
from ..text import clean_line, clean_multiline
from .models import MONEY_MAX, NAME_MAX, TEXT_MAX
from .money import is_currency

NOTE_MAX = 2000
SINGLE_LINE_MESSAGE = _l("Use a single line: line breaks and control characters are not allowed.")


def _multiline(value: object) -> object:
    return clean_multiline(value) if isinstance(value, str) else value


def _currency(value: object) -> object:
    if not isinstance(value, str):
        return value
    try:
        code = clean_line(value).upper()
    except ValueError:
        raise PydanticCustomError("single_line", str(SINGLE_LINE_MESSAGE)) from None
    if not is_currency(code):
        raise PydanticCustomError(
            "currency", str(_l("Choose a currency in use today (ISO 4217, for example EUR)."))
        )
    return code


Text = Annotated[str, BeforeValidator(_multiline), Str(max_length=TEXT_MAX)]
RequiredText = Annotated[str, BeforeValidator(_multiline), Str(min_length=1, max_length=TEXT_MAX)]
Note = Annotated[str, BeforeValidator(_multiline), Str(max_length=NOTE_MAX)]
Currency = Annotated[str, BeforeValidator(_currency)]
Money = Annotated[StrictInt, Field(ge=0, le=MONEY_MAX)]
Months = Annotated[StrictInt, Field(ge=1, le=120)]
Id = Annotated[StrictInt, Field(ge=1, le=MAX_ID)]


class ProposalFields(BaseModel):
    """A proposal: how, who, for how much and how long, and where it was done before."""

    model_config = ConfigDict(extra="ignore")

    approach: RequiredText
    team: RequiredText
    references: Text = ""
    cost_amount: Money
    currency: Currency
    duration_months: Months


class ProposalPatch(BaseModel):
    """A change to a proposal: only the fields sent change; null means "leave it"."""

    model_config = ConfigDict(extra="ignore")

    approach: RequiredText | None = None
    team: RequiredText | None = None
    references: Text | None = None
    cost_amount: Money | None = None
    currency: Currency | None = None
    duration_months: Months | None = None


class ScoreIn(BaseModel):
    model_config = ConfigDict(extra="ignore")

    criterion_id: Id
    score: Annotated[StrictInt, Field(ge=0, le=10)]
    note: Note = ""


class ScoresIn(BaseModel):
    """The city's scores of one proposal, one per criterion of the request (some or all)."""

    model_config = ConfigDict(extra="ignore")

    scores: list[ScoreIn] = Field(min_length=1, max_length=50)


class ShortlistIn(BaseModel):
    model_config = ConfigDict(extra="ignore")

    shortlisted: StrictBool


class SelectionIn(BaseModel):
    """The city selects a proposal, optionally naming a third partner institution."""

    model_config = ConfigDict(extra="ignore")

    interest_id: Id
    third_party_id: Id | None = None


class ApprovalIn(BaseModel):
    """An official approves the selection: ``company_id`` (the selected proposal's
    organisation) confirms what is approved; ``third_party_id``, when sent, must be the one
    the city named (null: none)."""

    model_config = ConfigDict(extra="ignore")

    company_id: Id
    third_party_id: Id | None = None


class SendBackIn(BaseModel):
    model_config = ConfigDict(extra="ignore")

    reason: Annotated[str, BeforeValidator(_multiline), Str(min_length=1, max_length=NOTE_MAX)]


# ---- responses ----------------------------------------------------------------------------


class OrgRef(BaseModel):
    id: int
    name: str
    kind: str


class ScoreOut(BaseModel):
    criterion_id: int
    criterion: Annotated[str, Str(max_length=NAME_MAX)]
    weight: int
    score: int | None  # null: not scored yet
    note: str


class InterestOut(BaseModel):
    """A proposal. ``scores``/``weighted_total`` only for the city and officials (null for the
    proposer), ``third_party`` once the city named one with its selection."""

    id: int
    request_id: int
    request_title: str
    organization: OrgRef
    status: str
    approach: str
    team: str
    references: str
    cost_amount: int | None
    currency: str
    duration_months: int | None
    created_at: UtcDateTime
    updated_at: UtcDateTime
    scores: list[ScoreOut] | None
    weighted_total: float | None  # 0-100; null until every criterion is scored
    third_party: OrgRef | None


class InterestPage(PageOut):
    items: list[InterestOut]


class SelectionOut(BaseModel):
    request_id: int
    status: str  # the request's status
    interest_id: int | None  # the selected proposal (sent back: the one that was)
    third_party_id: int | None


class PartnershipOut(BaseModel):
    id: int
    request_id: int
    interest_id: int | None
    status: str  # the request's status: in_progress, evaluation, completed
    city: OrgRef
    partner: OrgRef
    third_party: OrgRef | None
    approved_by_id: int | None
    started_at: UtcDateTime
    completed_at: UtcDateTime | None
