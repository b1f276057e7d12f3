"""API: the feedback survey (the participant's own answer) and the officials' aggregates and
CSV exports.

POST creates the caller's answer (201) and is refused with 409 when they already answered;
PUT changes it (200; 404 before a first answer). Both 403 for someone who is not a
participant, 409 when the survey is not open (before the cohort starts, or more than 30 days
after it ended)."""

from __future__ import annotations

from flask import Response

from ..access import MEMBER, OFFICIAL, current_actor
from ..api import operation
from . import feedback
from .feedback import RECOMMEND
from .feedback_schemas import CohortCountOut, FeedbackIn, FeedbackOut, QuestionOut, SummaryOut
from .feedback_views import export_response


def _own_out(response, state) -> FeedbackOut:
    ratings = dict(response.ratings or {})
    rec = ratings.pop(RECOMMEND, None)
    return FeedbackOut(
        cohort_id=response.cohort_id,
        ratings=ratings,
        comment=response.comment,
        recommend=None if rec is None else bool(rec),
        submitted_at=response.submitted_at,
        editable_until=state.closes_at,
        editable=state.may_answer,
    )


def summary_out(summary: feedback.Summary, *, with_cohorts: bool = False) -> SummaryOut:
    shown = summary.shown
    return SummaryOut(
        responses=summary.responses,
        participants=summary.participants,
        response_rate=summary.rate,
        min_responses=feedback.MIN_RESPONSES,
        shown=shown,
        questions=[
            QuestionOut(
                key=q.key,
                label=q.label,
                answered=q.answered,
                mean=q.mean if shown else None,
                distribution={str(k): v for k, v in q.distribution.items()} if shown else None,
            )
            for q in summary.questions
        ],
        recommend_yes=summary.recommend_yes if shown else None,
        recommend_no=summary.recommend_no if shown else None,
        comments=summary.comments if shown else [],
        cohorts=[
            CohortCountOut(
                cohort_id=c.cohort_id,
                title=c.title,
                responses=c.responses,
                participants=c.participants,
                response_rate=c.rate,
                included=c.included,
            )
            for c in summary.cohorts
        ]
        if with_cohorts
        else None,
    )


@operation(
    "/cohorts/<int:cohort_id>/feedback",
    "GET",
    summary="The caller's own answer to the cohort's feedback survey",
    tag="training",
    access=MEMBER,
    response=FeedbackOut,
)
def get_own_feedback(cohort_id: int):
    """404 when the caller has not answered (or may not see the cohort)."""
    actor = current_actor()
    response, state = feedback.get_own(actor, cohort_id)
    return _own_out(response, state)


@operation(
    "/cohorts/<int:cohort_id>/feedback",
    "POST",
    summary="Answer the cohort's feedback survey (a participant, once)",
    tag="training",
    access=MEMBER,
    body=FeedbackIn,
    response=FeedbackOut,
    status=201,
    errors=(409,),
)
def submit_feedback(cohort_id: int, body: FeedbackIn):
    """409 if the caller already answered (change it with PUT) or the survey is not open;
    403 for someone who is not a participant (enrolled or completed)."""
    actor = current_actor()
    feedback.submit(actor, cohort_id, body)
    response, state = feedback.get_own(actor, cohort_id)
    return _own_out(response, state)


@operation(
    "/cohorts/<int:cohort_id>/feedback",
    "PUT",
    summary="Change the caller's answer while the survey is open",
    tag="training",
    access=MEMBER,
    body=FeedbackIn,
    response=FeedbackOut,
    errors=(409,),
)
def update_feedback(cohort_id: int, body: FeedbackIn):
    """404 before a first answer (send it with POST); 409 once the survey has closed."""
    actor = current_actor()
    feedback.update(actor, cohort_id, body)
    response, state = feedback.get_own(actor, cohort_id)
    return _own_out(response, state)


@operation(
    "/cohorts/<int:cohort_id>/feedback/summary",
    "GET",
    summary="Aggregated feedback of a cohort (officials; no names, withheld below 3 answers)",
    tag="training",
    access=OFFICIAL,
    response=SummaryOut,
)
def cohort_feedback_summary(cohort_id: int):
    _cohort, summary = feedback.cohort_summary(current_actor(), cohort_id)
    return summary_out(summary)


@operation(
    "/programs/<int:programme_id>/feedback/summary",
    "GET",
    summary="Aggregated feedback of a programme's cohorts (officials)",
    tag="training",
    access=OFFICIAL,
    response=SummaryOut,
)
def programme_feedback_summary(programme_id: int):
    """Counts per cohort; figures pooled over the cohorts with at least 3 answers each."""
    _programme, summary = feedback.programme_summary(current_actor(), programme_id)
    return summary_out(summary, with_cohorts=True)


# operation() names the endpoint after the function: rename before registering.
def _register(name: str, summary: str) -> None:
    def handler(cohort_id: int) -> Response:
        return export_response(current_actor(), cohort_id, name)

    handler.__name__ = handler.__qualname__ = f"cohort_{name}_csv"
    handler.__doc__ = "UTF-8 with a byte-order mark; formulas neutralised; dates ISO 8601."
    operation(
        f"/cohorts/<int:cohort_id>/{name}.csv",
        "GET",
        summary=summary,
        tag="training",
        access=OFFICIAL,
        produces=("text/csv",),
    )(handler)


_register("roster", "The cohort's roster as CSV (officials)")
_register("attendance", "The cohort's attendance per participant and session as CSV (officials)")
_register("feedback", "The cohort's feedback aggregates as CSV, no rows per person (officials)")
