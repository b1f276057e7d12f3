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

from ..schemas import EMAIL_MAX, PageOut, UtcDateTime, not_spoofed, single_line
from .passwords import MAX_LENGTH

PERSON_NAME_MAX = 120  # users.name; the forms of a person's name use it too

Password = Annotated[str, StringConstraints(min_length=1, max_length=MAX_LENGTH)]
PersonName = Annotated[
    str,
    BeforeValidator(single_line),
    StringConstraints(min_length=1, max_length=PERSON_NAME_MAX),
    AfterValidator(not_spoofed),
]


class TokenRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")
    email: Annotated[str, StringConstraints(min_length=3, max_length=EMAIL_MAX)]
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
