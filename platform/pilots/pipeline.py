"""Lists of requests: the city's own, the officials' pipeline (with counts per stage and a CSV
export), the open calls companies browse, and the API's "what I may see".

Each list is a fixed number of queries whatever its size: one COUNT, one page, and the
eager loads of the page (city joined, sectors in one IN query). Visibility is written as SQL
here, mirroring permissions.can_view_pilot_request (which decides for one row).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from sqlalchemy import Select, extract, false, func, or_, select
from sqlalchemy.orm import contains_eager, load_only, selectinload

from ..accounts.models import User
from ..csv_cells import safe_cell
from ..db import db, utcnow
from ..members.models import Organization
from ..pagination import Page, paginate
from .models import PilotRequest, PilotRequestSector, RequestStatus
from .request_schemas import RequestQuery

EXPORT_BATCH = 500


def _base() -> Select:
    return (
        select(PilotRequest)
        .join(PilotRequest.city)
        .options(contains_eager(PilotRequest.city), selectinload(PilotRequest.sectors))
    )


def _filtered(stmt: Select, query: RequestQuery, *, with_status: bool = True) -> Select:
    if with_status and query.status is not None:
        stmt = stmt.where(PilotRequest.status == query.status)
    if query.type is not None:
        stmt = stmt.where(PilotRequest.type == query.type)
    if query.sector is not None:
        stmt = stmt.where(
            PilotRequest.id.in_(
                select(PilotRequestSector.request_id).where(
                    PilotRequestSector.sector == query.sector
                )
            )
        )
    if query.region is not None:
        stmt = stmt.where(Organization.region == query.region)
    if query.year is not None:
        stmt = stmt.where(extract("year", PilotRequest.submitted_at) == query.year)
    if query.q:
        words = query.q.replace("\\", "").replace("%", "").replace("_", " ").split()
        for word in words[:8]:
            stmt = stmt.where(func.lower(PilotRequest.title).contains(word.lower()))
    return stmt


def visible_to(actor: User | None):
    """The SQL condition of permissions.can_view_pilot_request."""
    if actor is None or not actor.is_active_member:
        return false()
    seen = [PilotRequest.opened_at.is_not(None)]
    if actor.organization_id is not None:
        seen.append(PilotRequest.city_id == actor.organization_id)
    if actor.is_official:
        seen.append(PilotRequest.submitted_at.is_not(None))
    return or_(*seen)


def list_visible(actor: User | None, query: RequestQuery) -> Page:
    """The requests ``actor`` may see, filtered, newest first."""
    stmt = _filtered(_base().where(visible_to(actor)), query)
    return paginate(stmt.order_by(PilotRequest.updated_at.desc(), PilotRequest.id.desc()), query)


def list_city_requests(actor: User, query: RequestQuery) -> Page:
    """The actor's city's requests, in every state, most recently changed first."""
    stmt = _base().where(PilotRequest.city_id == (actor.organization_id or -1))
    stmt = _filtered(stmt, query)
    return paginate(stmt.order_by(PilotRequest.updated_at.desc(), PilotRequest.id.desc()), query)


def _pipeline(query: RequestQuery, *, with_status: bool = True) -> Select:
    stmt = _base().where(PilotRequest.submitted_at.is_not(None))
    return _filtered(stmt, query, with_status=with_status)


def list_pipeline(query: RequestQuery) -> Page:
    """Every request that reached the officials (submitted or later), filtered, oldest
    submission first (what waits longest comes first)."""
    return paginate(
        _pipeline(query).order_by(PilotRequest.submitted_at, PilotRequest.id),
        query,
    )


def stage_counts(query: RequestQuery) -> dict[str, int]:
    """How many requests of the filtered pipeline are in each stage (the stage filter
    itself left out, so the counts say where the others are). One query."""
    stmt = (
        select(PilotRequest.status, func.count(PilotRequest.id))
        .join(Organization, Organization.id == PilotRequest.city_id)
        .where(PilotRequest.submitted_at.is_not(None))
    )
    stmt = _filtered(stmt, query, with_status=False).group_by(PilotRequest.status)
    counts = {status.value: 0 for status in RequestStatus if status != RequestStatus.DRAFT}
    for status, n in db.session.execute(stmt):
        counts[getattr(status, "value", status)] = n
    return counts


def list_open_calls(query: RequestQuery) -> Page:
    """Open calls whose deadline is ahead (one past its deadline is over even before the
    job closes it), soonest deadline first."""
    stmt = _base().where(
        PilotRequest.status == RequestStatus.OPEN, PilotRequest.deadline > utcnow()
    )
    stmt = _filtered(stmt, query, with_status=False)
    return paginate(stmt.order_by(PilotRequest.deadline, PilotRequest.id), query)


# ---- the CSV export --------------------------------------------------------------------------

EXPORT_COLUMNS = (
    "id",
    "title",
    "city",
    "country",
    "region",
    "type",
    "status",
    "sectors",
    "budget_min",
    "budget_max",
    "currency",
    "submitted_at",
    "opened_at",
    "deadline",
    "closed_at",
)


def _row(req: PilotRequest) -> list[str]:
    def when(value) -> str:
        return value.isoformat() if value is not None else ""

    return [
        safe_cell(v)
        for v in (
            req.id,
            req.title,
            req.city.name,
            req.city.country,
            req.city.region.value,
            req.type.value,
            req.status.value,
            " ".join(req.sector_values),
            req.budget_min,
            req.budget_max,
            req.currency,
            when(req.submitted_at),
            when(req.opened_at),
            when(req.deadline),
            when(req.closed_at),
        )
    ]


# Only the exported columns: the JSON lists of a request and of its city (technologies,
# languages, the city's tags...) cost a JSON decode each per row and are not exported
# (bench/bench_pilots.py: 10,000 requests, about half the export's time).
_EXPORT_LOAD = (
    load_only(
        PilotRequest.id,
        PilotRequest.title,
        PilotRequest.type,
        PilotRequest.status,
        PilotRequest.budget_min,
        PilotRequest.budget_max,
        PilotRequest.currency,
        PilotRequest.submitted_at,
        PilotRequest.opened_at,
        PilotRequest.deadline,
        PilotRequest.closed_at,
        raiseload=True,
    ),
    contains_eager(PilotRequest.city).load_only(
        Organization.name, Organization.country, Organization.region, raiseload=True
    ),
)


def export_pipeline(query: RequestQuery) -> Iterator[str]:
    """The filtered pipeline as CSV text chunks: a BOM (so Excel reads UTF-8), a header row,
    then the rows in batches of EXPORT_BATCH by id (keyset: each batch one query plus its
    sectors, and memory stays flat however many rows)."""
    yield "\ufeff"
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(EXPORT_COLUMNS)
    yield buffer.getvalue()
    last_id = 0
    while True:
        stmt = (
            _pipeline(query)
            .options(*_EXPORT_LOAD)
            .where(PilotRequest.id > last_id)
            .order_by(PilotRequest.id)
            .limit(EXPORT_BATCH)
        )
        batch = list(db.session.scalars(stmt))
        if not batch:
            return
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        for req in batch:
            writer.writerow(_row(req))
        yield buffer.getvalue()
        last_id = batch[-1].id
        db.session.expunge_all()  # keep memory flat on long exports
