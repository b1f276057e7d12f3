"""One page type for every list, HTML and API: ``?page=&per_page=`` in, ``Page[T]`` out.

``PageQuery`` is the one parser of the page part of a query string (the API validates it
strictly, views leniently with :func:`list_query`). :func:`paginate` runs one COUNT and one
LIMIT/OFFSET query and never raises for any page number: a page past the end is clamped to
the last page and marked ``past_end``, so the API answers 404 and HTML pages show the last
page with a notice — and an absurd number never reaches SQL.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field
from pydantic import ValidationError as PydanticError
from sqlalchemy import Select, func, select

from .db import db

T = TypeVar("T")
Q = TypeVar("Q", bound="PageQuery")

DEFAULT_PER_PAGE = 20
MAX_PER_PAGE = 100
# Far beyond any real list (so every larger number is past the end anyway), short enough to
# print: Python refuses to turn integers of more than 4300 digits into text.
MAX_PAGE = 10**30 - 1


class PageQuery(BaseModel):
    """?page=&per_page= (at most 100): the page part of every list's query."""

    model_config = ConfigDict(extra="ignore")
    page: int = Field(1, ge=1, le=MAX_PAGE)
    per_page: int = Field(DEFAULT_PER_PAGE, ge=1, le=MAX_PER_PAGE)


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list. ``page`` is the page shown; ``requested`` the one asked for, larger
    only when that was past the end (then ``page`` is the last page)."""

    items: list[T]
    total: int
    page: int
    per_page: int
    requested: int

    @property
    def pages(self) -> int:
        """The number of pages; an empty list still has one (empty) page."""
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def past_end(self) -> bool:
        return self.requested > self.page


def paginate(stmt: Select, query: PageQuery) -> Page:
    """Run ``stmt`` (filtered, ordered, with the caller's eager-loading options) for one page.

    Two statements plus the caller's eager loads: a COUNT of ``stmt`` without its ordering,
    then the page with LIMIT/OFFSET. Page and size are clamped to their bounds first, so any
    integers are safe here. Returns scalars (the first entity of each row)."""
    per_page = min(max(int(query.per_page), 1), MAX_PER_PAGE)
    requested = max(int(query.page), 1)
    # Loader options do not apply inside a subquery; dropping ORDER BY spares the database
    # a sort that a count does not need.
    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
    last = max(1, -(-total // per_page))
    page = min(requested, last)
    items: list = []
    if total:
        items = list(db.session.scalars(stmt.limit(per_page).offset((page - 1) * per_page)))
    return Page(items=items, total=total, page=page, per_page=per_page, requested=requested)


def list_query(
    model: type[Q], args: Mapping[str, str], *, per_page: int = DEFAULT_PER_PAGE
) -> tuple[Q, dict[str, list[str]]]:
    """Parse an HTML list's query string leniently: values that are not valid (``page=abc``,
    ``per_page=1000``, an unknown filter value) are left out and reported, the rest applies.

    Returns the query and the names of the parameters that were ignored, each with the
    validation messages (views may show them)."""
    values = {k: v for k, v in args.items() if v != ""}
    values.setdefault("per_page", str(per_page))
    errors: dict[str, list[str]] = {}
    try:
        return model.model_validate(values), errors
    except PydanticError as exc:
        for item in exc.errors(include_url=False, include_input=False):
            name = str(item["loc"][0]) if item["loc"] else "query"
            errors.setdefault(name, []).append(item["msg"])
    kept = {k: v for k, v in values.items() if k not in errors}
    kept.setdefault("per_page", str(per_page))
    try:
        return model.model_validate(kept), errors
    except PydanticError:  # a rule across fields: fall back to the defaults
        return model.model_validate({"per_page": str(per_page)}), errors
