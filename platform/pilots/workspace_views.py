"""Routes: the partnership workspace page and its forms (milestones, KPIs and values, progress
reports, an official's moves, the city's consent and the publication).

Each handler parses, lets the service check the object-level rule (outsiders get a 404 page,
the same as for an id that does not exist) and commits once. Forms are separate pages, so
that a failed submission comes back with every error at once, without JavaScript.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import format_date, format_decimal
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from ..access import MEMBER, policy
from ..db import unit_of_work
from ..errors import DomainError, NotFound, PermissionDenied
from ..forms import form_status, show_domain_error, validate_submission
from ..pagination import PageQuery, list_query
from . import panels, results, workspace
from .charts import ChartText, kpi_chart
from .labels import MILESTONE_STATUS_LABELS, STATUS_LABELS, TYPE_LABELS
from .models import Kpi, RequestStatus
from .permissions import (
    can_consent_to_results,
    can_edit_partnership,
    can_move_partnership,
    can_publish_results,
)
from .views import bp
from .workspace_forms import (
    KpiForm,
    KpiTargetForm,
    KpiValueForm,
    MilestoneForm,
    MoveForm,
    ReportForm,
)
from .workspace_schemas import (
    KpiInput,
    KpiPatch,
    KpiValueInput,
    MilestoneInput,
    MilestonePatch,
    ReportInput,
    TransitionInput,
)

RECENT_REPORTS = 5


def number(value: float) -> str:
    return format_decimal(value, format="#,##0.###")


def chart_for(kpi: Kpi, chart_id: str) -> Markup:
    """The KPI's chart in the page's language (charts.py escapes every text it draws)."""
    values = sorted(kpi.values, key=lambda v: (v.measured_on, v.id))
    unit = f" {kpi.unit}" if kpi.unit else ""
    facts = []
    if kpi.baseline is not None:
        facts.append(_("baseline %(value)s", value=number(kpi.baseline) + unit))
    if kpi.target is not None:
        facts.append(_("target %(value)s", value=number(kpi.target) + unit))
    if values:
        facts.append(
            _(
                "%(count)s measured values from %(first)s to %(last)s, latest %(latest)s",
                count=len(values),
                first=format_date(values[0].measured_on),
                last=format_date(values[-1].measured_on),
                latest=number(values[-1].value) + unit,
            )
        )
    else:
        facts.append(_("no measured values yet"))
    text = ChartText(
        title=_("%(name)s over time", name=kpi.name),
        description="; ".join(facts) + ".",
        baseline=_("Baseline"),
        target=_("Target"),
        no_values=_("No values measured yet."),
    )
    svg = kpi_chart(
        [(v.measured_on, v.value) for v in values],
        baseline=kpi.baseline,
        target=kpi.target,
        text=text,
        chart_id=chart_id,
        number=number,
        day=lambda d: format_date(d, "short"),
    )
    return Markup(svg)  # noqa: S704 (built from escaped parts only)


def request_url(request_id: int) -> str:
    return url_for("pilots.request_page", req_id=request_id)


def _labels() -> dict:
    return {
        "STATUS_LABELS_PILOT": STATUS_LABELS,
        "TYPE_LABELS": TYPE_LABELS,
        "MILESTONE_STATUS_LABELS": MILESTONE_STATUS_LABELS,
    }


@panels.panel("request", "pilots/workspace/_request_panel.html")
def partnership_on_request(actor, req) -> dict | None:
    """On the request page, once the selection is approved: the way to the workspace (for
    its parties and officials; one query)."""
    if getattr(req, "status", None) not in workspace.PARTNERSHIP_STATES:
        return None  # no partnership yet: no query
    partnership = workspace.partnership_of_request(actor, req)
    return None if partnership is None else {"partnership": partnership, "req": req}


@bp.get("/partnerships/<int:partnership_id>")
@policy(MEMBER)
def partnership(partnership_id: int):
    actor = current_user
    p, kpis = workspace.list_kpis(actor, partnership_id)
    milestones = workspace.list_milestones(actor, partnership_id, PageQuery(per_page=100))
    reports = workspace.list_reports(actor, partnership_id, PageQuery(per_page=RECENT_REPORTS))
    history, names = workspace.partnership_history(p)
    status = str(p.request.status)
    return render_template(
        "pilots/workspace/page.html",
        p=p,
        req=p.request,
        status=status,
        kpis=kpis,
        charts={k.id: chart_for(k, f"kpi-chart-{k.id}") for k in kpis},
        milestones=milestones,
        reports=reports,
        authors={**workspace.authors_of(reports.items), **names},
        history=history,
        names=names,
        request_url=request_url(p.request_id),
        panels=panels.collect("partnership", actor, p),
        can_edit=can_edit_partnership(actor, p),
        can_move=can_move_partnership(actor, p) and status in ("in_progress", "evaluation"),
        can_consent=can_consent_to_results(actor, p),
        can_publish=can_publish_results(actor, p) and status == RequestStatus.COMPLETED,
        **_labels(),
    )


@bp.get("/partnerships/<int:partnership_id>/reports")
@policy(MEMBER)
def reports(partnership_id: int):
    query, _errors = list_query(PageQuery, request.args, per_page=10)
    p = workspace.get_partnership(current_user, partnership_id)
    page = workspace.list_reports(current_user, partnership_id, query)
    return render_template(
        "pilots/workspace/reports.html",
        p=p,
        req=p.request,
        page=page,
        authors=workspace.authors_of(page.items),
    )


def _back(partnership_id: int, anchor: str = ""):
    return redirect(url_for("pilots.partnership", partnership_id=partnership_id) + anchor)


def _form_page(template: str, form, p, status: int | None = None, **context):
    return render_template(
        f"pilots/workspace/{template}", form=form, p=p, req=p.request, **context
    ), (status or form_status(form))


def _save(form, action, success: str, partnership_id: int, anchor: str) -> bool:
    """Run ``action`` in one unit of work; on a domain error show it on the form."""
    try:
        with unit_of_work():
            action()
    except DomainError as err:
        if err.status == 404:
            raise
        show_domain_error(form, err)
        return False
    flash(success, "success")
    return True


@bp.route("/partnerships/<int:partnership_id>/milestones/new", methods=["GET", "POST"])
@policy(MEMBER)
def add_milestone(partnership_id: int):
    p = workspace.get_partnership(current_user, partnership_id)
    form = MilestoneForm()
    data = validate_submission(form, MilestoneInput, form.fields)
    if data is not None and _save(
        form,
        lambda: workspace.add_milestone(current_user, partnership_id, data),
        _("The milestone is added."),
        partnership_id,
        "#milestones",
    ):
        return _back(partnership_id, "#milestones")
    return _form_page("milestone_form.html", form, p, milestone=None)


@bp.route("/milestones/<int:milestone_id>/edit", methods=["GET", "POST"])
@policy(MEMBER)
def edit_milestone(milestone_id: int):
    milestone = workspace.get_milestone(current_user, milestone_id)
    p = workspace.get_partnership(current_user, milestone.partnership_id)
    form = MilestoneForm(obj=milestone if request.method == "GET" else None)
    data = validate_submission(form, MilestoneInput, form.fields)
    if data is not None:
        patch = MilestonePatch.model_validate(data.model_dump())
        if _save(
            form,
            lambda: workspace.update_milestone(current_user, milestone_id, patch),
            _("The milestone is saved."),
            p.id,
            "#milestones",
        ):
            return _back(p.id, "#milestones")
    return _form_page("milestone_form.html", form, p, milestone=milestone)


@bp.post("/milestones/<int:milestone_id>/delete")
@policy(MEMBER)
def delete_milestone(milestone_id: int):
    milestone = workspace.get_milestone(current_user, milestone_id)
    partnership_id = milestone.partnership_id
    try:
        with unit_of_work():
            workspace.delete_milestone(current_user, milestone_id)
    except DomainError as err:
        if err.status == 404:
            raise
        flash(err.detail, "error")
    else:
        flash(_("The milestone is deleted."), "success")
    return _back(partnership_id, "#milestones")


@bp.route("/partnerships/<int:partnership_id>/kpis/new", methods=["GET", "POST"])
@policy(MEMBER)
def add_kpi(partnership_id: int):
    p = workspace.get_partnership(current_user, partnership_id)
    form = KpiForm()
    data = validate_submission(form, KpiInput, form.fields)
    if data is not None and _save(
        form,
        lambda: workspace.add_kpi(current_user, partnership_id, data),
        _("The KPI is added."),
        partnership_id,
        "#kpis",
    ):
        return _back(partnership_id, "#kpis")
    return _form_page("kpi_form.html", form, p)


@bp.route("/kpis/<int:kpi_id>/target", methods=["GET", "POST"])
@policy(MEMBER)
def set_kpi_target(kpi_id: int):
    kpi, p = workspace.get_kpi(current_user, kpi_id)
    form = KpiTargetForm(obj=kpi if request.method == "GET" else None)
    data = validate_submission(form, KpiPatch, form.fields)
    if data is not None and _save(
        form,
        lambda: workspace.set_kpi_target(current_user, kpi_id, data),
        _("The target is saved."),
        p.id,
        "#kpis",
    ):
        return _back(p.id, f"#kpi-{kpi_id}")
    return _form_page("kpi_target_form.html", form, p, kpi=kpi)


@bp.route("/kpis/<int:kpi_id>/values/new", methods=["GET", "POST"])
@policy(MEMBER)
def add_kpi_value(kpi_id: int):
    kpi, p = workspace.get_kpi(current_user, kpi_id)
    form = KpiValueForm()
    data = validate_submission(form, KpiValueInput, form.fields)
    if data is not None and _save(
        form,
        lambda: workspace.record_kpi_value(current_user, kpi_id, data),
        _("The value is recorded."),
        p.id,
        "#kpis",
    ):
        return _back(p.id, f"#kpi-{kpi_id}")
    return _form_page("kpi_value_form.html", form, p, kpi=kpi)


@bp.route("/partnerships/<int:partnership_id>/reports/new", methods=["GET", "POST"])
@policy(MEMBER)
def add_report(partnership_id: int):
    p = workspace.get_partnership(current_user, partnership_id)
    form = ReportForm()
    data = validate_submission(form, ReportInput, form.fields)
    if data is not None and _save(
        form,
        lambda: workspace.submit_report(current_user, partnership_id, data),
        _("The progress report is submitted."),
        partnership_id,
        "#reports",
    ):
        return _back(partnership_id, "#reports")
    return _form_page("report_form.html", form, p)


MOVES = ("evaluation", "in_progress", "completed")


@bp.route("/partnerships/<int:partnership_id>/move/<to>", methods=["GET", "POST"])
@policy(MEMBER)
def move_partnership(partnership_id: int, to: str):
    p = workspace.get_partnership(current_user, partnership_id)
    if to not in MOVES:
        raise NotFound(_("Not found"))
    if not can_move_partnership(current_user, p):  # a party: it knows the partnership exists
        raise PermissionDenied(_("Only Seoul officials move a partnership to its next stage."))
    form = MoveForm()
    if form.validate_on_submit():
        body = TransitionInput(
            to=to,
            reason=form.reason.data or "",
            outcome_summary=form.outcome_summary.data or "",
            lessons_learned=form.lessons_learned.data or "",
        )
        if _save(
            form,
            lambda: workspace.move_partnership(current_user, partnership_id, body),
            _("The partnership is now: %(status)s.", status=STATUS_LABELS[to]),
            partnership_id,
            "",
        ):
            return _back(partnership_id)
    return _form_page("move_form.html", form, p, to=to, **_labels())


@bp.post("/partnerships/<int:partnership_id>/consent")
@policy(MEMBER)
def set_consent(partnership_id: int):
    consent = request.form.get("consent") == "yes"
    try:
        with unit_of_work():
            results.set_consent(current_user, partnership_id, consent)
    except DomainError as err:
        if err.status == 404:
            raise
        flash(err.detail, "error")
    else:
        flash(
            _("The city consents to publishing the outcome.")
            if consent
            else _("Consent is withdrawn; the outcome is not public."),
            "success",
        )
    return _back(partnership_id, "#results")


@bp.post("/partnerships/<int:partnership_id>/publication")
@policy(MEMBER)
def set_publication(partnership_id: int):
    published = request.form.get("published") == "yes"
    try:
        with unit_of_work():
            results.set_publication(current_user, partnership_id, published)
    except DomainError as err:
        if err.status == 404:
            raise
        flash(err.detail, "error")
    else:
        flash(
            _("The outcome is published on the Results page.")
            if published
            else _("The outcome is no longer public."),
            "success",
        )
    return _back(partnership_id, "#results")
