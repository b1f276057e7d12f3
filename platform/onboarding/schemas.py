"""Validated shapes of invitations and join requests, for the JSON API."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints

from ..accounts.schemas import Password, PersonName
from ..members.schemas import OrganizationInput
from ..schemas import MAX_ID, Email, UtcDateTime, clean_text

# Limits the forms share (onboarding/forms.py): one definition each.
MOTIVATION_MAX = 3000
REASON_MAX = 2000


class InvitationIn(BaseModel):
    model_config = ConfigDict(extra="ignore")
    email: Email
    organization_id: int = Field(ge=1, le=MAX_ID)
    org_role: Literal["admin", "member"] = "member"


class InvitationOut(BaseModel):
    id: int
    email: str  # "(erased)" once the person it names, or its sender, deleted their account
    organization_id: int
    org_role: str
    status: Literal["open", "accepted", "revoked", "expired"]
    created_at: UtcDateTime
    expires_at: UtcDateTime


class InvitationPage(BaseModel):
    items: list[InvitationOut]
    total: int
    page: int
    per_page: int


class AcceptInvitationIn(BaseModel):
    model_config = ConfigDict(extra="ignore")
    token: Annotated[str, StringConstraints(min_length=1, max_length=100)]
    name: PersonName
    password: Password


class PersonOut(BaseModel):
    id: int
    email: str
    name: str
    organization_id: int | None
    org_role: str
    status: str


class JoinRequestIn(BaseModel):
    model_config = ConfigDict(extra="ignore")
    organization: OrganizationInput
    name: PersonName
    email: Email
    password: Password
    motivation: Annotated[
        str, BeforeValidator(clean_text), StringConstraints(min_length=1, max_length=MOTIVATION_MAX)
    ]


class JoinRequestOut(BaseModel):
    id: int
    organization_id: int
    status: str
    reason: str
    created_at: UtcDateTime
    decided_at: UtcDateTime | None


class JoinReceiptOut(BaseModel):
    """The answer to every well-formed application: it says nothing about who exists."""

    status: Literal["received"] = "received"
    detail: str


class DecisionIn(BaseModel):
    model_config = ConfigDict(extra="ignore")
    decision: Literal["approve", "decline"]
    reason: Annotated[
        str, BeforeValidator(clean_text), StringConstraints(max_length=REASON_MAX)
    ] = ""
