"""API: the partnership workspace (milestones, KPIs and their values, progress reports, moves,
consent and publication) and the public results.

Outsiders get 404 for every workspace operation (services raise NotFound), so an id does not
reveal that a partnership exists. ``GET /partnerships/{id}`` itself belongs to the proposals
part; these are the workspace's own endpoints.
"""

from __future__ import annotations

from flask import Response

from ..access import MEMBER, PUBLIC, current_actor
from ..api import operation, paginated
from ..pagination import PageQuery
from . import results, workspace
from .models import Kpi, KpiValue, Milestone, Partnership, ProgressReport
from .workspace_schemas import (
    ConsentInput,
    KpiInput,
    KpiOut,
    KpiPage,
    KpiPatch,
    KpiValueInput,
    KpiValueOut,
    KpiValuePage,
    MilestoneInput,
    MilestoneOut,
    MilestonePage,
    MilestonePatch,
    PartnershipStateOut,
    PublicationInput,
    ReportInput,
    ReportOut,
    ReportPage,
    ResultsFilter,
    ResultsPage,
    ResultsQuery,
    TransitionInput,
)

TAG = "partnerships"


def _milestone(m: Milestone) -> dict:
    return {
        "id": m.id,
        "partnership_id": m.partnership_id,
        "title": m.title,
        "description": m.description,
        "status": m.status,
        "planned_on": m.planned_on,
        "started_on": m.started_on,
        "actual_on": m.actual_on,
        "updated_at": m.updated_at,
    }


def _kpi(k: Kpi) -> dict:
    latest = max(k.values, key=lambda v: (v.measured_on, v.id), default=None)
    return {
        "id": k.id,
        "name": k.name,
        "unit": k.unit,
        "baseline": k.baseline,
        "target": k.target,
        "actual": latest.value if latest else None,
        "actual_on": latest.measured_on if latest else None,
    }


def _value(v: KpiValue) -> dict:
    return {
        "id": v.id,
        "kpi_id": v.kpi_id,
        "measured_on": v.measured_on,
        "value": v.value,
        "source": v.source,
        "created_at": v.created_at,
    }


def _report(r: ProgressReport, names: dict[int, str]) -> dict:
    return {
        "id": r.id,
        "partnership_id": r.partnership_id,
        "period_start": r.period_start,
        "period_end": r.period_end,
        "summary": r.summary,
        "risks": r.risks,
        "next_steps": r.next_steps,
        "author": names.get(r.author_id) if r.author_id else None,
        "created_at": r.created_at,
    }


def _state(p: Partnership) -> PartnershipStateOut:
    req = p.request
    return PartnershipStateOut(
        id=p.id,
        request_id=req.id,
        status=str(req.status),
        outcome_summary=p.outcome_summary,
        lessons_learned=p.lessons_learned,
        completed_at=p.completed_at,
        publish_consent=req.publish_consent,
        published_at=req.published_at,
    )


# ---- moves, consent, publication ------------------------------------------------------------


@operation(
    "/partnerships/<int:partnership_id>/transitions",
    "POST",
    summary="Move a partnership (official): evaluation, completed, back in progress",
    tag=TAG,
    access=MEMBER,
    body=TransitionInput,
    response=PartnershipStateOut,
    errors=(409,),
)
def move_partnership(partnership_id: int, body: TransitionInput):
    partnership = workspace.move_partnership(current_actor(), partnership_id, body)
    return _state(workspace.get_partnership(current_actor(), partnership.id))


@operation(
    "/partnerships/<int:partnership_id>/consent",
    "POST",
    summary="Give or withdraw the city's consent to publish the outcome",
    tag=TAG,
    access=MEMBER,
    body=ConsentInput,
    response=PartnershipStateOut,
)
def set_consent(partnership_id: int, body: ConsentInput):
    partnership = results.set_consent(current_actor(), partnership_id, body.consent)
    return _state(partnership)


@operation(
    "/partnerships/<int:partnership_id>/publication",
    "POST",
    summary="Publish or unpublish a completed outcome (official)",
    tag=TAG,
    access=MEMBER,
    body=PublicationInput,
    response=PartnershipStateOut,
    errors=(409,),
)
def set_publication(partnership_id: int, body: PublicationInput):
    partnership = results.set_publication(current_actor(), partnership_id, body.published)
    return _state(partnership)


# ---- milestones ----------------------------------------------------------------------------


@operation(
    "/partnerships/<int:partnership_id>/milestones",
    "GET",
    summary="A partnership's milestones",
    tag=TAG,
    access=MEMBER,
    query=PageQuery,
    response=MilestonePage,
)
def list_milestones(partnership_id: int, query: PageQuery):
    page = workspace.list_milestones(current_actor(), partnership_id, query)
    return paginated(page, MilestonePage, _milestone)


@operation(
    "/partnerships/<int:partnership_id>/milestones",
    "POST",
    summary="Add a milestone",
    tag=TAG,
    access=MEMBER,
    body=MilestoneInput,
    response=MilestoneOut,
    status=201,
    errors=(409,),
)
def create_milestone(partnership_id: int, body: MilestoneInput):
    milestone = workspace.add_milestone(current_actor(), partnership_id, body)
    return MilestoneOut.model_validate(_milestone(milestone))


@operation(
    "/milestones/<int:milestone_id>",
    "PATCH",
    summary="Change a milestone",
    tag=TAG,
    access=MEMBER,
    body=MilestonePatch,
    response=MilestoneOut,
    errors=(409,),
)
def patch_milestone(milestone_id: int, body: MilestonePatch):
    milestone = workspace.update_milestone(current_actor(), milestone_id, body)
    return MilestoneOut.model_validate(_milestone(milestone))


@operation(
    "/milestones/<int:milestone_id>",
    "DELETE",
    summary="Delete a milestone",
    tag=TAG,
    access=MEMBER,
    status=204,
    errors=(409,),
)
def delete_milestone(milestone_id: int):
    workspace.delete_milestone(current_actor(), milestone_id)


# ---- KPIs ----------------------------------------------------------------------------------


@operation(
    "/partnerships/<int:partnership_id>/kpis",
    "GET",
    summary="A partnership's KPIs: baseline, target and the latest measured value",
    tag=TAG,
    access=MEMBER,
    query=PageQuery,
    response=KpiPage,
)
def list_kpis(partnership_id: int, query: PageQuery):
    from ..pagination import Page

    _, kpis = workspace.list_kpis(current_actor(), partnership_id)
    # A request has a handful of KPIs: one page cut from the loaded list keeps two queries.
    per_page = query.per_page
    last = max(1, -(-len(kpis) // per_page))
    number = min(query.page, last)
    items = kpis[(number - 1) * per_page : number * per_page]
    page = Page(items, len(kpis), number, per_page, query.page)
    return paginated(page, KpiPage, _kpi)


@operation(
    "/partnerships/<int:partnership_id>/kpis",
    "POST",
    summary="Add a KPI (name, unit, baseline, target)",
    tag=TAG,
    access=MEMBER,
    body=KpiInput,
    response=KpiOut,
    status=201,
    errors=(409,),
)
def create_kpi(partnership_id: int, body: KpiInput):
    kpi = workspace.add_kpi(current_actor(), partnership_id, body)
    return KpiOut.model_validate({**_kpi_plain(kpi)})


def _kpi_plain(k: Kpi) -> dict:
    return {
        "id": k.id,
        "name": k.name,
        "unit": k.unit,
        "baseline": k.baseline,
        "target": k.target,
        "actual": None,
        "actual_on": None,
    }


@operation(
    "/kpis/<int:kpi_id>",
    "PATCH",
    summary="Set a KPI's target",
    tag=TAG,
    access=MEMBER,
    body=KpiPatch,
    response=KpiOut,
    errors=(409,),
)
def patch_kpi(kpi_id: int, body: KpiPatch):
    kpi = workspace.set_kpi_target(current_actor(), kpi_id, body)
    return KpiOut.model_validate(_kpi(kpi))


@operation(
    "/kpis/<int:kpi_id>/values",
    "GET",
    summary="A KPI's measured values, oldest first",
    tag=TAG,
    access=MEMBER,
    query=PageQuery,
    response=KpiValuePage,
)
def list_kpi_values(kpi_id: int, query: PageQuery):
    page = workspace.list_kpi_values(current_actor(), kpi_id, query)
    return paginated(page, KpiValuePage, _value)


@operation(
    "/kpis/<int:kpi_id>/values",
    "POST",
    summary="Record a measured value of a KPI, with its source",
    tag=TAG,
    access=MEMBER,
    body=KpiValueInput,
    response=KpiValueOut,
    status=201,
    errors=(409,),
)
def create_kpi_value(kpi_id: int, body: KpiValueInput):
    value = workspace.record_kpi_value(current_actor(), kpi_id, body)
    return KpiValueOut.model_validate(_value(value))


# ---- progress reports ----------------------------------------------------------------------


@operation(
    "/partnerships/<int:partnership_id>/reports",
    "GET",
    summary="A partnership's progress reports, newest first",
    tag=TAG,
    access=MEMBER,
    query=PageQuery,
    response=ReportPage,
)
def list_reports(partnership_id: int, query: PageQuery):
    page = workspace.list_reports(current_actor(), partnership_id, query)
    names = workspace.authors_of(page.items)
    return paginated(page, ReportPage, lambda r: _report(r, names))


@operation(
    "/partnerships/<int:partnership_id>/reports",
    "POST",
    summary="Submit a progress report",
    tag=TAG,
    access=MEMBER,
    body=ReportInput,
    response=ReportOut,
    status=201,
    errors=(409,),
)
def create_report(partnership_id: int, body: ReportInput):
    actor = current_actor()
    report = workspace.submit_report(actor, partnership_id, body)
    return ReportOut.model_validate(_report(report, {actor.id: actor.name}))


# ---- public results ------------------------------------------------------------------------


@operation(
    "/results",
    "GET",
    summary="Published outcomes (open data, CC BY 4.0; no sign-in)",
    tag="results",
    access=PUBLIC,
    query=ResultsQuery,
    response=ResultsPage,
)
def list_results(query: ResultsQuery) -> Response:
    page = results.list_results(query)
    response = paginated(page, _ResultsPageWithLicence, results.result_record)
    return response


class _ResultsPageWithLicence(ResultsPage):
    """``paginated`` builds the envelope from total/page/items; the licence is constant."""

    @classmethod
    def model_validate(cls, obj, *args, **kwargs):  # type: ignore[override]
        if isinstance(obj, dict) and "licence" not in obj:
            obj = {**obj, "licence": results.LICENCE}
        return super().model_validate(obj, *args, **kwargs)


def csv_response(query: ResultsFilter | None = None) -> Response:
    """The CSV export as a download; the licence travels in a Link header (rel="license")."""
    body = results.results_csv(results.all_results(query))
    response = Response(body, mimetype="text/csv")
    response.headers["Content-Disposition"] = 'attachment; filename="seoul-pilot-results.csv"'
    response.headers["Link"] = f'<{results.LICENCE["url"]}>; rel="license"'
    return response


@operation(
    "/results.csv",
    "GET",
    summary="Published outcomes as CSV, one row per KPI outcome (CC BY 4.0; no sign-in)",
    tag="results",
    access=PUBLIC,
    query=ResultsFilter,
    produces=("text/csv",),
)
def results_csv(query: ResultsFilter) -> Response:
    return csv_response(query)
