"""Track record: the completed partnerships of a set of organisations.

Read by organisation profiles (the partial template ``pilots/workspace/_track_record.html``)
and, later, by the matcher ("track record in similar cities"), so it is one query function
that takes many organisations at once and costs a fixed number of SQL statements (four)
whatever their number: a completed partnership counts for its city, its partner and its third
party alike.

What an entry shows: the request's title, the city (and country), the year it was
completed, the pilot's type, its sectors, the organisation's part in it, and the KPI outcomes
(baseline → target → actual). The KPI figures come from the partnership's workspace, which
only its parties and officials see, so the partial shows them only for outcomes the city
agreed to publish (``entry.published``); the matcher, a service, reads them all.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from ..db import db
from .models import Kpi, Partnership, PilotRequest, RequestStatus
from .results import KpiOutcome, kpi_outcomes

CITY, PARTNER, THIRD_PARTY = "city", "partner", "third_party"


@dataclass(frozen=True)
class TrackRecordEntry:
    partnership_id: int
    request_id: int
    title: str
    city_id: int
    city_name: str
    country: str
    year: int | None
    completed_at: datetime | None
    type: str
    sectors: tuple[str, ...]
    role: str  # the organisation's part: city, partner or third_party
    published: bool
    kpis: tuple[KpiOutcome, ...]


def completed_partnerships(org_ids: Collection[int]) -> dict[int, list[TrackRecordEntry]]:
    """For each organisation id, its completed partnerships, newest completion first (every
    id asked for is a key, with an empty list when there are none). Four queries."""
    wanted = {int(i) for i in org_ids}
    out: dict[int, list[TrackRecordEntry]] = {i: [] for i in wanted}
    if not wanted:
        return out
    rows = db.session.scalars(
        select(Partnership)
        .join(PilotRequest, PilotRequest.id == Partnership.request_id)
        .where(
            PilotRequest.status == RequestStatus.COMPLETED,
            or_(
                Partnership.city_id.in_(wanted),
                Partnership.partner_id.in_(wanted),
                Partnership.third_party_id.in_(wanted),
            ),
        )
        .options(
            joinedload(Partnership.request).selectinload(PilotRequest.sectors),
            joinedload(Partnership.request)
            .selectinload(PilotRequest.kpis)
            .selectinload(Kpi.values),
            joinedload(Partnership.city),
        )
        .order_by(Partnership.completed_at.desc(), Partnership.id.desc())
    )
    for p in rows:
        req = p.request
        public = req.publish_consent and req.published_at is not None  # the same rule as results.py
        outcomes = tuple(kpi_outcomes(req.kpis))
        for org_id, role in (
            (p.city_id, CITY),
            (p.partner_id, PARTNER),
            (p.third_party_id, THIRD_PARTY),
        ):
            if org_id in wanted:
                out[org_id].append(
                    TrackRecordEntry(
                        partnership_id=p.id,
                        request_id=req.id,
                        title=req.title,
                        city_id=p.city_id,
                        city_name=p.city.name,
                        country=p.city.country,
                        year=p.completed_at.year if p.completed_at else None,
                        completed_at=p.completed_at,
                        type=str(req.type),
                        sectors=tuple(req.sector_values),
                        role=role,
                        published=bool(public),
                        kpis=outcomes,
                    )
                )
    return out
