"""API shapes for tokens and the current person (invitations, join requests: onboarding)."""

from __future__ import annotations

from typing import Annotated

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    StringConstraints,
)

from ..schemas import PageOut, UtcDateTime, not_spoofed, single_line

Password = Annotated[str, StringConstraints(min_length=1, max_length=128)]
PersonName = Annotated[
    str,
    BeforeValidator(single_line),
    StringConstraints(min_length=1, max_length=120),
    AfterValidator(not_spoofed),
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

    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    created_at: UtcDateTime
    last_used_at: UtcDateTime | None
    expires_at: UtcDateTime
    revoked_at: UtcDateTime | None


class TokenPage(PageOut):
    items: list[TokenInfo]


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
