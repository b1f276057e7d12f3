"""Pydantic types shared by every feature's schemas and by the API blueprint.

A feature's schemas.py imports its field types and the list envelope from here, never from
api.py (the blueprint imports the features' api modules, not the other way round). One
definition of a single-line field, an e-mail address, a UTC timestamp and a page of results.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from flask_babel import lazy_gettext as _l
from pydantic import AfterValidator, BaseModel, BeforeValidator, EmailStr, Field, StringConstraints
from pydantic_core import PydanticCustomError

from .db import as_utc
from .text import clean_email, clean_line, clean_multiline, looks_spoofed

MAX_ID = 2**31 - 1  # ids fit PostgreSQL's INTEGER

# Limits of the shared field types, named once: the WTForms forms of the same fields use these
# (their Length validators also give the browser its maxlength).
NAME_MIN, NAME_MAX = 2, 160
SHORT_TEXT_MAX = 200
LONG_TEXT_MAX = 5000
EMAIL_MAX = 254

UtcDateTime = Annotated[datetime, AfterValidator(as_utc)]
"""A timestamp that always serialises with its UTC offset (SQLite hands back naive values)."""


class PageOut(BaseModel):
    """The envelope of every list response; subclasses declare ``items``."""

    total: int
    page: int
    per_page: int


SINGLE_LINE_MESSAGE = _l("Use a single line: line breaks and control characters are not allowed.")
SPOOF_MESSAGE = _l(
    "This name mixes alphabets in a way that imitates another name. Write it in one alphabet."
)


def clean_text(value: object) -> object:
    """Multi-line text: line breaks kept (as \\n), other control characters dropped."""
    if isinstance(value, str):
        return clean_multiline(value)
    return value


def single_line(value: object) -> object:
    """The one definition of a single-line field: NFKC, invisible characters removed,
    whitespace collapsed; a line break or control character is refused (422), never
    silently joined: a browser's one-line input cannot send one, so it was crafted, and an
    API client is better told than surprised."""
    if isinstance(value, str):
        try:
            return clean_line(value)
        except ValueError:
            raise PydanticCustomError("single_line", str(SINGLE_LINE_MESSAGE)) from None
    return value


def email_line(value: object) -> object:
    """An e-mail address: single line, NFKC, no invisible characters, lower case."""
    if isinstance(value, str):
        try:
            return clean_email(value)
        except ValueError:
            raise PydanticCustomError("single_line", str(SINGLE_LINE_MESSAGE)) from None
    return value


def not_spoofed(value: str) -> str:
    if looks_spoofed(value):
        raise PydanticCustomError("spoofed_name", str(SPOOF_MESSAGE))
    return value


Text = Annotated[str, BeforeValidator(clean_text)]
Name = Annotated[
    str,
    BeforeValidator(single_line),
    StringConstraints(min_length=NAME_MIN, max_length=NAME_MAX),
    AfterValidator(not_spoofed),
]
ShortText = Annotated[
    str, BeforeValidator(single_line), StringConstraints(max_length=SHORT_TEXT_MAX)
]
LongText = Annotated[str, BeforeValidator(clean_text), StringConstraints(max_length=LONG_TEXT_MAX)]
Email = Annotated[EmailStr, BeforeValidator(email_line), Field(max_length=EMAIL_MAX)]
