"""The feedback survey of a cohort: who answers, once, until when; and the aggregates officials
see.

Rules:
- A **participant** answers: the person of an enrollment that is enrolled or completed (only
  the person themself: an org admin does not answer for a colleague), once the cohort is in
  progress or completed, until `EDIT_DAYS` days after its last day (in the cohort's time
  zone). One answer per enrollment (unique in the database); it may be changed in that window.
- Every rating of `QUESTIONS` is required (1 to 5); the comment is optional (at most
  `COMMENT_MAX` characters) and so is "would you recommend it" (stored in ``ratings`` under
  `RECOMMEND` as 1 for yes, 0 for no).
- **Anonymity**: nobody but officials sees answers, and officials see only aggregates and
  unsigned comments: no name and no enrollment id leaves this module (`Summary` has none).
  Comments come in alphabetical order, never arrival order. Below `MIN_RESPONSES` answers,
  means, distributions and comments are withheld (the count and the rate stay). A programme's
  figures pool only its cohorts that reach `MIN_RESPONSES` on their own, so subtracting one
  cohort's figures from the programme's never reveals a small cohort's answers.
- Counted answers are those of current participants (enrolled or completed); the rate is
  answers / participants.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from ..accounts.models import User
from ..db import db, utcnow
from ..errors import Conflict, NotFound, PermissionDenied
from . import permissions
from .models import (
    Cohort,
    CohortStatus,
    Enrollment,
    EnrollmentStatus,
    FeedbackResponse,
    Programme,
)

QUESTIONS: dict[str, object] = {
    "overall": _l("Overall value of the training"),
    "content": _l("Content"),
    "speakers": _l("Speakers"),
    "organisation": _l("Organisation"),
    "relevance": _l("Relevance to your city's work"),
}
SCALE = (1, 2, 3, 4, 5)
SCALE_HELP = _l("1 means poor, 5 means excellent.")
RECOMMEND = "recommend"
COMMENT_MAX = 2000
EDIT_DAYS = 30
MIN_RESPONSES = 3

PARTICIPATING = (EnrollmentStatus.ENROLLED, EnrollmentStatus.COMPLETED)
SURVEY_OPEN = (CohortStatus.IN_PROGRESS, CohortStatus.COMPLETED)


# ---- answering --------------------------------------------------------------------------------


def closes_at(cohort: Cohort) -> datetime:
    """The end of the `EDIT_DAYS`-th day after the cohort's last day, in its time zone (UTC)."""
    try:
        zone = ZoneInfo(cohort.timezone or "Asia/Seoul")
    except (KeyError, ValueError):
        zone = ZoneInfo("Asia/Seoul")
    last_day = cohort.ends_on + timedelta(days=EDIT_DAYS + 1)
    return datetime.combine(last_day, time(0), tzinfo=zone).astimezone(ZoneInfo("UTC"))


def get_cohort(actor: User | None, cohort_id: int) -> Cohort:
    cohort = db.session.get(Cohort, cohort_id)
    if cohort is None or not permissions.can_view_cohort(actor, cohort):
        raise NotFound(_("No such cohort."))
    return cohort


def own_enrollment(actor: User | None, cohort_id: int) -> Enrollment | None:
    if actor is None:
        return None
    return db.session.scalar(
        select(Enrollment).where(Enrollment.cohort_id == cohort_id, Enrollment.user_id == actor.id)
    )


def own_response(enrollment: Enrollment | None) -> FeedbackResponse | None:
    if enrollment is None:
        return None
    return db.session.scalar(
        select(FeedbackResponse).where(FeedbackResponse.enrollment_id == enrollment.id)
    )


@dataclass(frozen=True)
class Standing:
    """Where ``actor`` stands with a cohort's survey: may they answer now, and if not, why."""

    enrollment: Enrollment | None
    response: FeedbackResponse | None
    may_answer: bool
    reason: str  # why not (empty when they may)
    closes_at: datetime


def standing(actor: User | None, cohort: Cohort) -> Standing:
    """Two queries at most (the enrollment, the answer)."""
    enrollment = own_enrollment(actor, cohort.id)
    response = own_response(enrollment)
    deadline = closes_at(cohort)
    reason = ""
    if enrollment is None or enrollment.status not in PARTICIPATING:
        reason = _("Only participants of this cohort answer its feedback survey.")
    elif cohort.status not in SURVEY_OPEN:
        reason = _("The feedback survey opens when the cohort starts.")
    elif utcnow() >= deadline:
        reason = _(
            "The feedback survey closed %(days)d days after the cohort ended.", days=EDIT_DAYS
        )
    return Standing(enrollment, response, not reason, reason, deadline)


def _check(actor: User | None, cohort_id: int) -> tuple[Cohort, Standing]:
    cohort = get_cohort(actor, cohort_id)
    state = standing(actor, cohort)
    if state.enrollment is None or state.enrollment.status not in PARTICIPATING:
        raise PermissionDenied(state.reason)
    if not state.may_answer:
        raise Conflict(state.reason)
    return cohort, state


def _ratings(data) -> dict[str, int]:
    ratings = {key: int(getattr(data.ratings, key)) for key in QUESTIONS}
    if data.recommend is not None:
        ratings[RECOMMEND] = 1 if data.recommend else 0
    return ratings


def submit(actor: User | None, cohort_id: int, data) -> FeedbackResponse:
    """The participant's first answer (``data``: a FeedbackIn). Conflict if they already
    answered (change it with `update`)."""
    cohort, state = _check(actor, cohort_id)
    if state.response is not None:
        raise Conflict(_("You have already answered this survey; change your answer instead."))
    return _create(cohort, state, data)


def _create(cohort: Cohort, state: Standing, data) -> FeedbackResponse:
    response = FeedbackResponse(
        cohort_id=cohort.id,
        enrollment_id=state.enrollment.id,
        ratings=_ratings(data),
        comment=data.comment.strip(),
        submitted_at=utcnow(),
    )
    try:
        with db.session.begin_nested():
            db.session.add(response)
    except IntegrityError:  # the same person's other request won the race
        raise Conflict(
            _("You have already answered this survey; change your answer instead.")
        ) from None
    return response


def update(actor: User | None, cohort_id: int, data) -> FeedbackResponse:
    """Change the participant's answer while the survey is open. NotFound if none yet."""
    _cohort, state = _check(actor, cohort_id)
    if state.response is None:
        raise NotFound(_("You have not answered this survey yet."))
    return _change(state, data)


def _change(state: Standing, data) -> FeedbackResponse:
    state.response.ratings = _ratings(data)
    state.response.comment = data.comment.strip()
    state.response.submitted_at = utcnow()
    db.session.flush()
    return state.response


def save(actor: User | None, cohort_id: int, data) -> tuple[FeedbackResponse, bool]:
    """The form's save: the first answer or a change of it; returns (answer, created)."""
    cohort, state = _check(actor, cohort_id)
    if state.response is None:
        return _create(cohort, state, data), True
    return _change(state, data), False


def get_own(actor: User | None, cohort_id: int) -> tuple[FeedbackResponse, Standing]:
    cohort = get_cohort(actor, cohort_id)
    state = standing(actor, cohort)
    if state.response is None:
        raise NotFound(_("You have not answered this survey yet."))
    return state.response, state


# ---- aggregates -------------------------------------------------------------------------------


@dataclass
class QuestionSummary:
    key: str
    label: str
    answered: int = 0
    mean: float | None = None
    distribution: dict[int, int] = field(default_factory=lambda: dict.fromkeys(SCALE, 0))


@dataclass
class CohortCount:
    cohort_id: int
    title: str
    responses: int
    participants: int
    included: bool  # pooled in the programme's figures (enough answers on its own)

    @property
    def rate(self) -> float | None:
        return self.responses / self.participants if self.participants else None


@dataclass
class Summary:
    """What officials see: counts always; the rest only when ``shown``. No names, no ids of
    enrollments or answers."""

    responses: int
    participants: int
    shown: bool
    questions: list[QuestionSummary]
    recommend_yes: int = 0
    recommend_no: int = 0
    comments: list[str] = field(default_factory=list)
    cohorts: list[CohortCount] = field(default_factory=list)  # a programme's cohorts

    @property
    def rate(self) -> float | None:
        return self.responses / self.participants if self.participants else None


def _valid_rating(value: object) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value if value in SCALE else None


def aggregate(
    answers: list[tuple[dict, str]], *, responses: int, participants: int, threshold: int
) -> Summary:
    """Pure maths over (ratings, comment) pairs: means and distributions per question,
    recommend counts and comments in alphabetical order; withheld below ``threshold``."""
    questions = [QuestionSummary(key, str(label)) for key, label in QUESTIONS.items()]
    shown = len(answers) >= threshold
    summary = Summary(responses, participants, shown, questions)
    if not shown:
        return summary
    for ratings, comment in answers:
        ratings = ratings if isinstance(ratings, dict) else {}
        for q in questions:
            value = _valid_rating(ratings.get(q.key))
            if value is not None:
                q.distribution[value] += 1
                q.answered += 1
        rec = ratings.get(RECOMMEND)
        if rec == 1 and not isinstance(rec, bool):
            summary.recommend_yes += 1
        elif rec == 0 and not isinstance(rec, bool):
            summary.recommend_no += 1
        if comment and comment.strip():
            summary.comments.append(comment.strip())
    for q in questions:
        if q.answered:
            q.mean = sum(v * n for v, n in q.distribution.items()) / q.answered
    summary.comments.sort(key=lambda c: (c.casefold(), c))
    return summary


def _answers_stmt():
    return (
        select(FeedbackResponse.cohort_id, FeedbackResponse.ratings, FeedbackResponse.comment)
        .join(Enrollment, Enrollment.id == FeedbackResponse.enrollment_id)
        .where(Enrollment.status.in_(PARTICIPATING))
    )


def _participants(cohort_ids) -> dict[int, int]:
    rows = db.session.execute(
        select(Enrollment.cohort_id, func.count(Enrollment.id))
        .where(Enrollment.cohort_id.in_(cohort_ids), Enrollment.status.in_(PARTICIPATING))
        .group_by(Enrollment.cohort_id)
    )
    return dict(rows.all())


def _require_official(actor: User | None) -> None:
    if not permissions.is_official(actor):
        raise PermissionDenied(_("Only Seoul officials see the feedback results."))


def cohort_summary(actor: User | None, cohort_id: int) -> tuple[Cohort, Summary]:
    """Officials only. Three queries whatever the cohort's size."""
    _require_official(actor)
    cohort = get_cohort(actor, cohort_id)
    answers = [
        (ratings, comment)
        for _cid, ratings, comment in db.session.execute(
            _answers_stmt().where(FeedbackResponse.cohort_id == cohort.id)
        )
    ]
    participants = _participants([cohort.id]).get(cohort.id, 0)
    return cohort, aggregate(
        answers, responses=len(answers), participants=participants, threshold=MIN_RESPONSES
    )


def programme_summary(actor: User | None, programme_id: int) -> tuple[Programme, Summary]:
    """Officials only. The programme's counts per cohort, and figures pooled over the cohorts
    that reach `MIN_RESPONSES` answers on their own. Four queries whatever the size."""
    _require_official(actor)
    programme = db.session.get(Programme, programme_id)
    if programme is None:
        raise NotFound(_("No such programme."))
    cohorts = list(
        db.session.execute(
            select(Cohort.id, Cohort.title)
            .where(Cohort.programme_id == programme.id)
            .order_by(Cohort.starts_on, Cohort.id)
        )
    )
    ids = [cid for cid, _title in cohorts]
    by_cohort: dict[int, list[tuple[dict, str]]] = {cid: [] for cid in ids}
    if ids:
        for cid, ratings, comment in db.session.execute(
            _answers_stmt().where(FeedbackResponse.cohort_id.in_(ids))
        ):
            by_cohort[cid].append((ratings, comment))
    participants = _participants(ids) if ids else {}
    counts = [
        CohortCount(
            cid,
            title,
            len(by_cohort[cid]),
            participants.get(cid, 0),
            len(by_cohort[cid]) >= MIN_RESPONSES,
        )
        for cid, title in cohorts
    ]
    pooled = [a for c in counts if c.included for a in by_cohort[c.cohort_id]]
    summary = aggregate(
        pooled,
        responses=sum(c.responses for c in counts),
        participants=sum(c.participants for c in counts),
        threshold=MIN_RESPONSES,
    )
    summary.cohorts = counts
    return programme, summary
