"""API shapes of notifications."""

from __future__ import annotations

from pydantic import BaseModel, Field, field_validator

from ..pagination import PageQuery
from ..schemas import MAX_ID, PageOut, UtcDateTime


class NotificationQuery(PageQuery):
    unread: bool | None = Field(
        None, description="true: only unread notifications; false or absent: all of them"
    )
    since: int | None = Field(
        None,
        ge=0,
        le=MAX_ID,
        description="Only notifications with an id greater than this, oldest first (a client "
        "catching up after being offline passes the last id it has seen)",
    )

    @field_validator("unread", "since", mode="before")
    @classmethod
    def _empty_is_absent(cls, value):
        return None if value == "" else value


class NotificationOut(BaseModel):
    id: int
    kind: str = Field(description="What happened, e.g. join_request.approved")
    message: str = Field(description="The text, in the language of the request")
    link: str | None = Field(None, description="A path on this site to open, if any")
    created_at: UtcDateTime
    read_at: UtcDateTime | None = None


class NotificationPage(PageOut):
    items: list[NotificationOut]


class ReadAllOut(BaseModel):
    marked: int = Field(description="How many notifications were unread and are now read")
