"""API shapes of conversations and messages."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from ..schemas import PageOut, UtcDateTime
from .models import BODY_MAX


class Ref(BaseModel):
    id: int
    name: str


class ParticipantOut(BaseModel):
    organization: Ref | None
    user: Ref | None


class ConversationOut(BaseModel):
    id: int
    subject_type: str | None
    subject_id: int | None
    title: str
    created_at: UtcDateTime
    last_message_at: UtcDateTime | None
    participants: list[ParticipantOut]
    unread: int
    can_post: bool


class ConversationPage(PageOut):
    items: list[ConversationOut]


class AuthorOut(BaseModel):
    id: int
    name: str
    organization: Ref | None


class MessageOut(BaseModel):
    id: int
    conversation_id: int
    author: AuthorOut | None  # None: the account was deleted
    body: str
    created_at: UtcDateTime


class MessagePage(PageOut):
    items: list[MessageOut]


class MessageIn(BaseModel):
    """A new message. The author is the caller; anything else sent is ignored."""

    model_config = ConfigDict(extra="ignore")
    # Bounded here for the document (and to refuse megabytes early); the service trims and
    # checks the cleaned text again.
    body: str = Field(min_length=1, max_length=BODY_MAX * 2)


class ReadOut(BaseModel):
    conversation_id: int
    last_read_message_id: int
    unread: int
