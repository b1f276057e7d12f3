"""Publishing measured outcomes: the city's consent, an official's publication, the public
Results queries and the open-data export.

An outcome is public when three things hold at once: the partnership is **completed**, its
city **consents** (``PilotRequest.publish_consent``) and an official **published** it
(``published_at``). Every public query states all three, so withdrawing consent (which also
clears ``published_at``) takes an outcome off the page at once.

What is public — the rule the queries, the pages and the export follow: what was tried (the
request's title, type, sectors and challenge, the outcome summary and the lessons learned),
where (the city, its country and region), with whom (the partner and the third party, by
organisation name), when (started, completed, published) and the KPIs (name, unit, baseline,
target, the latest measured value with its date and source). Nothing else: no people (names,
e-mail addresses), no money (the budget range was the city's estimate for a call and the
partner's cost is commercial information), no proposals, no milestones, no progress reports,
no documents.

Open data is licensed CC BY 4.0 (`LICENCE`); the CSV has one row per KPI outcome, cells that
a spreadsheet would run as a formula are neutralised, and it is UTF-8 with a byte-order mark
so that spreadsheet programs read Korean names correctly.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import Select, select, update
from sqlalchemy.orm import joinedload

from ..accounts.models import User
from ..accounts.services import list_active_people
from ..csv_cells import safe_cell
from ..db import db, utcnow
from ..errors import Conflict, NotFound, PermissionDenied
from ..members.models import Organization
from ..notifications.services import notify
from ..pagination import Page, paginate
from .models import Kpi, Partnership, PilotRequest, PilotRequestSector, RequestStatus
from .permissions import can_consent_to_results, can_publish_results
from .workspace import get_partnership
from .workspace_schemas import ResultsFilter, ResultsQuery

LICENCE = {"name": "CC BY 4.0", "url": "https://creativecommons.org/licenses/by/4.0/"}


# ---- consent and publication ---------------------------------------------------------------


def set_consent(actor: User, partnership_id: int, consent: bool) -> Partnership:
    """The city gives or withdraws its consent to publish the outcome. Withdrawing also
    unpublishes, in the same UPDATE. NotFound for outsiders, PermissionDenied for a party or
    official who is not a member of the city. Flushes."""
    partnership = get_partnership(actor, partnership_id)
    if not can_consent_to_results(actor, partnership):
        raise PermissionDenied(_("Only the city decides whether its outcome is published."))
    values: dict = {"publish_consent": consent}
    if not consent:
        values["published_at"] = None
    db.session.execute(
        update(PilotRequest)
        .where(PilotRequest.id == partnership.request_id)
        .values(values)
        .execution_options(synchronize_session=False)
    )
    db.session.expire(partnership.request)
    db.session.flush()
    return partnership


def set_publication(actor: User, partnership_id: int, published: bool) -> Partnership:
    """An official publishes (or unpublishes) a completed outcome. Publishing is one
    conditional UPDATE (completed, consented, not yet published), so a consent withdrawn at
    the same moment cannot be overtaken: Conflict saying what is missing. Publishing notifies
    the parties' members (``results.published``). Flushes."""
    partnership = get_partnership(actor, partnership_id)
    if not can_publish_results(actor, partnership):
        raise PermissionDenied(_("Only Seoul officials publish results."))
    req_id = partnership.request_id
    if not published:
        db.session.execute(
            update(PilotRequest)
            .where(PilotRequest.id == req_id)
            .values(published_at=None)
            .execution_options(synchronize_session=False)
        )
        db.session.expire(partnership.request)
        db.session.flush()
        return partnership
    moved = db.session.execute(
        update(PilotRequest)
        .where(
            PilotRequest.id == req_id,
            PilotRequest.status == RequestStatus.COMPLETED,
            PilotRequest.publish_consent.is_(True),
            PilotRequest.published_at.is_(None),
        )
        .values(published_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    if moved != 1:
        status, _consent, published_at = db.session.execute(
            select(
                PilotRequest.status, PilotRequest.publish_consent, PilotRequest.published_at
            ).where(PilotRequest.id == req_id)
        ).one()
        if published_at is not None:
            raise Conflict(_("This outcome is already published."))
        if status != RequestStatus.COMPLETED:
            raise Conflict(_("Only a completed partnership's outcome can be published."))
        raise Conflict(_("The city has not consented to publishing this outcome."))
    db.session.expire(partnership.request)
    notify(
        list_active_people(partnership.party_ids),
        "results.published",
        {"title": partnership.request.title},
        f"/results/{partnership_id}",
    )
    db.session.flush()
    return partnership


# ---- the public queries --------------------------------------------------------------------


def _published() -> Select:
    return (
        select(Partnership)
        .join(PilotRequest, PilotRequest.id == Partnership.request_id)
        .where(
            PilotRequest.status == RequestStatus.COMPLETED,
            PilotRequest.publish_consent.is_(True),
            PilotRequest.published_at.is_not(None),
        )
    )


def _loaded(stmt: Select) -> Select:
    # A fixed number of queries whatever the number of results, sectors, KPIs and values.
    return stmt.options(
        joinedload(Partnership.request).selectinload(PilotRequest.sectors),
        joinedload(Partnership.request).selectinload(PilotRequest.kpis).selectinload(Kpi.values),
        joinedload(Partnership.city),
        joinedload(Partnership.partner),
        joinedload(Partnership.third_party),
    )


def _filtered(stmt: Select, query: ResultsFilter) -> Select:
    if query.sector is not None:
        stmt = stmt.where(
            PilotRequest.id.in_(
                select(PilotRequestSector.request_id).where(
                    PilotRequestSector.sector == query.sector
                )
            )
        )
    if query.region is not None:
        stmt = stmt.join(Organization, Organization.id == Partnership.city_id).where(
            Organization.region == query.region
        )
    if query.type is not None:
        stmt = stmt.where(PilotRequest.type == query.type)
    return stmt


def list_results(query: ResultsQuery) -> Page:
    """Published outcomes, newest publication first, filtered by sector, the city's region
    and the pilot's type."""
    stmt = _filtered(_published(), query)
    stmt = _loaded(stmt.order_by(PilotRequest.published_at.desc(), Partnership.id.desc()))
    return paginate(stmt, query)


def get_result(partnership_id: int) -> Partnership:
    """One published outcome; NotFound when it is not (or no longer) public."""
    result = db.session.scalar(_loaded(_published().where(Partnership.id == partnership_id)))
    if result is None:
        raise NotFound(_("Not found"))
    return result


def all_results(query: ResultsFilter | None = None) -> list[Partnership]:
    """Every published outcome (matching the filters), for the open-data export, oldest
    publication first."""
    stmt = _filtered(_published(), query or ResultsFilter())
    stmt = _loaded(stmt.order_by(PilotRequest.published_at, Partnership.id))
    return list(db.session.scalars(stmt).unique())


# ---- shapes shared by the pages, the JSON and the CSV ---------------------------------------


@dataclass(frozen=True)
class KpiOutcome:
    name: str
    unit: str
    baseline: float | None
    target: float | None
    actual: float | None
    actual_on: date | None
    source: str | None


def kpi_outcomes(kpis: list[Kpi]) -> list[KpiOutcome]:
    """Baseline → target → actual per KPI; the actual is the latest measurement."""
    out = []
    for kpi in kpis:
        latest = max(kpi.values, key=lambda v: (v.measured_on, v.id), default=None)
        out.append(
            KpiOutcome(
                name=kpi.name,
                unit=kpi.unit,
                baseline=kpi.baseline,
                target=kpi.target,
                actual=latest.value if latest else None,
                actual_on=latest.measured_on if latest else None,
                source=latest.source if latest else None,
            )
        )
    return out


def _org(org: Organization | None) -> dict | None:
    if org is None:
        return None
    return {"id": org.id, "name": org.name, "country": org.country}


def result_record(p: Partnership) -> dict:
    """The public shape of one outcome (what the JSON export and the API return)."""
    req = p.request
    return {
        "id": p.id,
        "request_id": req.id,
        "title": req.title,
        "type": str(req.type),
        "sectors": req.sector_values,
        "challenge": req.challenge,
        "outcome_summary": p.outcome_summary,
        "lessons_learned": p.lessons_learned,
        "city": _org(p.city),
        "region": str(p.city.region),
        "partner": _org(p.partner),
        "third_party": _org(p.third_party),
        "started_at": p.started_at,
        "completed_at": p.completed_at,
        "published_at": req.published_at,
        "kpis": [vars(k) for k in kpi_outcomes(req.kpis)],
    }


CSV_COLUMNS = (
    "result_id",
    "title",
    "type",
    "sectors",
    "city",
    "country",
    "region",
    "partner",
    "third_party",
    "started_on",
    "completed_on",
    "published_on",
    "kpi",
    "unit",
    "baseline",
    "target",
    "actual",
    "actual_on",
    "source",
)


def _day(value: datetime | None) -> str:
    return value.date().isoformat() if value is not None else ""


def _num(value: float | None) -> object:
    if value is None:
        return ""
    return int(value) if float(value).is_integer() else value


def results_csv(results: list[Partnership]) -> str:
    """The CSV export: a header row, then one row per KPI outcome (an outcome without KPIs
    gets one row with empty KPI cells). Starts with a UTF-8 byte-order mark."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for p in results:
        req = p.request
        common = [
            p.id,
            req.title,
            str(req.type),
            " ".join(req.sector_values),
            p.city.name,
            p.city.country,
            str(p.city.region),
            p.partner.name,
            p.third_party.name if p.third_party else "",
            _day(p.started_at),
            _day(p.completed_at),
            _day(req.published_at),
        ]
        outcomes = kpi_outcomes(req.kpis) or [None]
        for k in outcomes:
            tail = (
                ["", "", "", "", "", "", ""]
                if k is None
                else [
                    k.name,
                    k.unit,
                    _num(k.baseline),
                    _num(k.target),
                    _num(k.actual),
                    k.actual_on.isoformat() if k.actual_on else "",
                    k.source or "",
                ]
            )
            writer.writerow([safe_cell(c) for c in common + tail])
    return buffer.getvalue()
