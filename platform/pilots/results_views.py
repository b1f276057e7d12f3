"""Routes: the public Results pages and the open-data downloads (no sign-in).

What is shown is exactly what results.py says is public; these pages add nothing from the
workspace. The licence (CC BY 4.0) is stated on the pages, in the JSON envelope and in the
CSV download's Link header.
"""

from __future__ import annotations

from flask import jsonify, render_template, request

from ..access import PUBLIC, policy
from ..members.labels import REGION_LABELS, SECTOR_LABELS
from ..members.profile_sections import profile_section
from ..pagination import list_query
from . import results, track_record
from .labels import TRACK_RECORD_ROLE_LABELS, TYPE_LABELS
from .views import bp
from .workspace_api import csv_response
from .workspace_schemas import ResultOut, ResultsFilter, ResultsQuery
from .workspace_views import chart_for


@bp.app_context_processor
def _track_record_labels() -> dict:
    # The track-record partial is included on pages other parts own (organisation profiles).
    return {"PILOT_TYPE_LABELS": TYPE_LABELS, "TRACK_RECORD_ROLE_LABELS": TRACK_RECORD_ROLE_LABELS}


@bp.get("/results")
@policy(PUBLIC)
def results_list():
    query, filter_errors = list_query(ResultsQuery, request.args, per_page=10)
    args = {k: v for k, v in request.args.items() if v != "" and k not in filter_errors}
    args.pop("page", None)
    page = results.list_results(query)
    return render_template(
        "pilots/results/list.html",
        page=page,
        query=query,
        args=args,
        filter_errors=filter_errors,
        outcomes={p.id: results.kpi_outcomes(p.request.kpis) for p in page.items},
        licence=results.LICENCE,
        TYPE_LABELS=TYPE_LABELS,
        SECTOR_LABELS=SECTOR_LABELS,
        REGION_LABELS=REGION_LABELS,
    ), (422 if filter_errors else 200)


@bp.get("/results/<int:partnership_id>")
@policy(PUBLIC)
def result(partnership_id: int):
    p = results.get_result(partnership_id)
    kpis = p.request.kpis
    return render_template(
        "pilots/results/detail.html",
        p=p,
        req=p.request,
        kpis=kpis,
        outcomes=dict(zip([k.id for k in kpis], results.kpi_outcomes(kpis), strict=True)),
        charts={k.id: chart_for(k, f"result-chart-{k.id}") for k in kpis},
        licence=results.LICENCE,
        TYPE_LABELS=TYPE_LABELS,
    )


@bp.get("/results.csv")
@policy(PUBLIC)
def results_csv():
    query, _errors = list_query(ResultsFilter, request.args)
    return csv_response(query)


@bp.get("/results.json")
@policy(PUBLIC)
def results_json():
    query, _errors = list_query(ResultsFilter, request.args)
    items = [
        ResultOut.model_validate(results.result_record(p)).model_dump(mode="json")
        for p in results.all_results(query)
    ]
    response = jsonify({"licence": results.LICENCE, "total": len(items), "items": items})
    response.headers["Link"] = f'<{results.LICENCE["url"]}>; rel="license"'
    return response


@profile_section("pilots/workspace/_track_record_section.html")
def _track_record_on_profiles(actor, org):
    """Completed pilots on the profile of the organisation that ran them (four queries)."""
    return {"entries": track_record.completed_partnerships([org.id])[org.id]}
