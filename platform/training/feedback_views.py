"""Feedback pages: the participant's survey (its own page and a section on the cohort page),
the officials' results per cohort and per programme, and the cohort's CSV exports."""

from __future__ import annotations

from flask import Response, flash, redirect, render_template, request, stream_with_context, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from ..access import MEMBER, OFFICIAL, policy
from ..charts import bar_chart
from ..db import unit_of_work, utcnow
from ..errors import DomainError
from . import exports, feedback, feedback_forms, panels, permissions
from .models import Cohort
from .views import bp


def chart_for(q: feedback.QuestionSummary, chart_id: str) -> Markup:
    """The question's distribution as bars (charts.py escapes every text it draws)."""
    counts = [q.distribution[n] for n in feedback.SCALE]
    description = _(
        "%(answered)s answers, mean %(mean)s out of 5. Rating 1: %(r1)s, 2: %(r2)s, 3: %(r3)s, "
        "4: %(r4)s, 5: %(r5)s.",
        answered=q.answered,
        mean=format_mean(q.mean),
        r1=counts[0],
        r2=counts[1],
        r3=counts[2],
        r4=counts[3],
        r5=counts[4],
    )
    bars = [(_("Rating %(n)s", n=n), q.distribution[n]) for n in feedback.SCALE]
    svg = bar_chart(
        bars,
        title=_("%(question)s: answers per rating", question=q.label),
        description=description,
        chart_id=chart_id,
    )
    return Markup(svg)  # noqa: S704 - every text in it was escaped by bar_chart


def format_mean(mean: float | None) -> str:
    return "—" if mean is None else f"{mean:.2f}"


def format_rate(rate: float | None) -> str:
    return "—" if rate is None else f"{100 * rate:.0f}%"


def _render(template: str, status: int = 200, **context):
    return (
        render_template(
            template,
            QUESTIONS=feedback.QUESTIONS,
            SCALE=feedback.SCALE,
            SCALE_HELP=feedback.SCALE_HELP,
            COMMENT_MAX=feedback.COMMENT_MAX,
            MIN_RESPONSES=feedback.MIN_RESPONSES,
            EDIT_DAYS=feedback.EDIT_DAYS,
            field_name=feedback_forms.field_name,
            format_mean=format_mean,
            format_rate=format_rate,
            **context,
        ),
        status,
    )


# ---- the section on the cohort page -----------------------------------------------------------


@panels.panel("cohort", "training/feedback/_cohort_panel.html")
def feedback_on_cohort(actor, cohort: Cohort) -> dict | None:
    """Participants: whether they answered and until when they may; officials: the links to
    the results and the exports. Two queries at most; nothing for anyone else."""
    if permissions.is_official(actor):
        return {"official": True, "cohort": cohort}
    state = feedback.standing(actor, cohort)
    if state.enrollment is None or state.enrollment.status not in feedback.PARTICIPATING:
        return None
    return {"official": False, "cohort": cohort, "state": state}


# ---- the participant's survey -----------------------------------------------------------------


def _survey(cohort_id: int, status: int = 200, values=None, errors=None):
    cohort = feedback.get_cohort(current_user, cohort_id)
    state = feedback.standing(current_user, cohort)
    if values is None:
        values = (
            feedback_forms.values_from(state.response)
            if state.response is not None
            else {"ratings": {}, "recommend": "", "comment": ""}
        )
    return _render(
        "training/feedback/survey.html",
        status,
        cohort=cohort,
        state=state,
        values=values,
        errors=errors or {},
    )


@bp.route("/training/cohorts/<int:cohort_id>/feedback", methods=["GET", "POST"])
@policy(MEMBER)
def feedback_survey(cohort_id: int):
    if request.method == "GET":
        with unit_of_work():
            return _survey(cohort_id)
    values, data, errors = feedback_forms.read(request.form)
    if data is not None:
        try:
            with unit_of_work():
                _response, created = feedback.save(current_user, cohort_id, data)
        except DomainError as err:
            if err.status in (403, 404):
                raise
            errors = err.errors or {"form": [err.detail]}
            with unit_of_work():
                return _survey(cohort_id, err.status, values, errors)
        flash(
            _("Thank you: your answer is saved.") if created else _("Your answer is changed."),
            "success",
        )
        return redirect(url_for("training.feedback_survey", cohort_id=cohort_id))
    with unit_of_work():
        return _survey(cohort_id, 422, values, errors)


# ---- officials' results -----------------------------------------------------------------------


def _charts(summary: feedback.Summary, prefix: str) -> dict[str, Markup]:
    if not summary.shown:
        return {}
    return {q.key: chart_for(q, f"{prefix}-{q.key}") for q in summary.questions}


@bp.get("/training/cohorts/<int:cohort_id>/feedback/results")
@policy(OFFICIAL)
def cohort_feedback_results(cohort_id: int):
    with unit_of_work():
        cohort, summary = feedback.cohort_summary(current_user, cohort_id)
        return _render(
            "training/feedback/results.html",
            cohort=cohort,
            programme=None,
            summary=summary,
            charts=_charts(summary, "feedback-chart"),
        )


@bp.get("/training/programmes/<int:programme_id>/feedback/results")
@policy(OFFICIAL)
def programme_feedback_results(programme_id: int):
    with unit_of_work():
        programme, summary = feedback.programme_summary(current_user, programme_id)
        return _render(
            "training/feedback/results.html",
            cohort=None,
            programme=programme,
            summary=summary,
            charts=_charts(summary, "feedback-chart"),
        )


# ---- CSV exports ------------------------------------------------------------------------------


def csv_download(chunks, name: str, cohort_id: int) -> Response:
    """A streamed CSV attachment named after the cohort and today's date."""
    filename = f"cohort-{cohort_id}-{name}-{utcnow():%Y-%m-%d}.csv"
    return Response(
        stream_with_context(chunks),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "X-Content-Type-Options": "nosniff",
        },
    )


def export_response(actor, cohort_id: int, name: str) -> Response:
    """The named export of the cohort (roster, attendance, feedback), officials only."""
    with unit_of_work():
        exports.export_cohort(actor, cohort_id)
        if name == "feedback":
            _cohort, summary = feedback.cohort_summary(actor, cohort_id)
            chunks = list(exports.feedback_csv(summary))
            return csv_download(iter(chunks), name, cohort_id)
    maker = exports.roster_csv if name == "roster" else exports.attendance_csv
    return csv_download(maker(cohort_id), name, cohort_id)


@bp.get("/training/cohorts/<int:cohort_id>/roster.csv")
@policy(OFFICIAL)
def export_roster(cohort_id: int):
    return export_response(current_user, cohort_id, "roster")


@bp.get("/training/cohorts/<int:cohort_id>/attendance.csv")
@policy(OFFICIAL)
def export_attendance(cohort_id: int):
    return export_response(current_user, cohort_id, "attendance")


@bp.get("/training/cohorts/<int:cohort_id>/feedback.csv")
@policy(OFFICIAL)
def export_feedback(cohort_id: int):
    return export_response(current_user, cohort_id, "feedback")
