"""API shapes for tokens, the current person, invitations and join requests."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, EmailStr, Field, StringConstraints

from ..api import UtcDateTime
from ..members.schemas import OrganizationInput, clean_text

Password = Annotated[str, StringConstraints(min_length=1, max_length=128)]
PersonName = Annotated[
    str, BeforeValidator(clean_text), StringConstraints(min_length=1, max_length=120)
]


class TokenRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")
    email: Annotated[str, StringConstraints(min_length=3, max_length=254)]
    password: Password


class TokenOut(BaseModel):
    token: str
    expires_at: UtcDateTime


class TokenInfo(BaseModel):
    """One of the caller's tokens (never the secret itself)."""

    id: int
    name: str
    created_at: UtcDateTime
    last_used_at: UtcDateTime | None
    expires_at: UtcDateTime
    revoked_at: UtcDateTime | None


class TokenPage(BaseModel):
    items: list[TokenInfo]
    total: int
    page: int
    per_page: int


class MeOrganization(BaseModel):
    id: int
    name: str
    kind: str


class MeOut(BaseModel):
    id: int
    email: str
    name: str
    job_title: str
    locale: str
    status: str
    org_role: str | None
    roles: list[str]
    organization: MeOrganization | None


class InvitationIn(BaseModel):
    model_config = ConfigDict(extra="ignore")
    email: EmailStr = Field(max_length=254)
    organization_id: int = Field(ge=1, le=2**31 - 1)
    org_role: Literal["admin", "member"] = "member"


class InvitationOut(BaseModel):
    id: int
    email: str
    organization_id: int
    org_role: str
    expires_at: UtcDateTime


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
    email: EmailStr = Field(max_length=254)
    password: Password
    motivation: Annotated[
        str, BeforeValidator(clean_text), StringConstraints(min_length=1, max_length=3000)
    ]


class JoinRequestOut(BaseModel):
    id: int
    organization_id: int
    status: str
    reason: str
    created_at: UtcDateTime
    decided_at: UtcDateTime | None


class DecisionIn(BaseModel):
    model_config = ConfigDict(extra="ignore")
    decision: Literal["approve", "decline"]
    reason: Annotated[str, BeforeValidator(clean_text), StringConstraints(max_length=2000)] = ""
