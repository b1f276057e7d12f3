"""The city's evaluation of proposals after the deadline: scores per criterion (0-10, with a
note), the weighted total shown with its breakdown, and the shortlist.

The total is Σ weight * score / 10 over the request's own criteria (weights are percentages
stated before the call opened), so 0-100; it is shown only once every criterion is scored,
since a partial sum would rank an unfinished evaluation below a finished one. Scores are not
states: a criterion scored again is overwritten (UPDATE, else INSERT in a savepoint, which a
colleague scoring the same criterion at once turns back into an UPDATE). The shortlist is a
state (submitted ↔ shortlisted) and moves through the INTEREST table.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import exists, update
from sqlalchemy.exc import IntegrityError

from ..accounts.models import User
from ..accounts.services import list_active_people
from ..db import db, utcnow
from ..errors import Conflict, PermissionDenied, ValidationError
from ..lifecycle import transition
from ..notifications.services import notify
from . import lifecycle
from .models import (
    EvaluationCriterion,
    Interest,
    InterestScore,
    InterestStatus,
    PilotRequest,
    RequestStatus,
)
from .permissions import can_score_interest, request_roles
from .proposal_schemas import ScoresIn
from .proposals import get_interest

# ---- weighted scores (pure) ----------------------------------------------------------------


@dataclass(frozen=True)
class ScoreLine:
    criterion_id: int
    criterion: str
    weight: int
    score: int | None
    note: str

    @property
    def points(self) -> float | None:
        """This criterion's share of the 0-100 total (weight * score / 10)."""
        return None if self.score is None else self.weight * self.score / 10


@dataclass(frozen=True)
class ScoreSummary:
    lines: list[ScoreLine]

    @property
    def scored(self) -> int:
        return sum(1 for line in self.lines if line.score is not None)

    @property
    def complete(self) -> bool:
        return bool(self.lines) and self.scored == len(self.lines)

    @property
    def total(self) -> float | None:
        """Σ weight * score / 10 over the criteria (weights add up to 100, scores 0-10):
        0-100, and None until every criterion is scored (a partial sum would rank an
        unfinished evaluation below a finished one)."""
        if not self.complete:
            return None
        return round(sum(line.points or 0 for line in self.lines), 1)


def score_summary(criteria: list[EvaluationCriterion], scores: list[InterestScore]) -> ScoreSummary:
    by_criterion = {s.criterion_id: s for s in scores}
    lines = []
    for c in criteria:
        s = by_criterion.get(c.id)
        lines.append(ScoreLine(c.id, c.name, c.weight, s.score if s else None, s.note if s else ""))
    return ScoreSummary(lines)


def can_see_scores(actor: User | None, req: PilotRequest) -> bool:
    roles = request_roles(actor, req)
    return lifecycle.OFFICIAL in roles or (
        lifecycle.CITY in roles and req.status != RequestStatus.OPEN
    )


# ---- scoring and the shortlist ------------------------------------------------------------


def _city_may_score(actor: User, interest: Interest) -> None:
    req = interest.request
    if lifecycle.CITY not in request_roles(actor, req):
        raise PermissionDenied(_("Only the city that made the request scores its proposals."))
    if not can_score_interest(actor, interest, req):
        if req.status != RequestStatus.CLOSED:
            raise Conflict(_(lifecycle.PILOT_REQUEST.conflict_messages[req.status.value]))
        raise Conflict(_(lifecycle.INTEREST.conflict_messages[interest.status.value]))


def score_proposal(actor: User, interest_id: int, data: ScoresIn) -> ScoreSummary:
    """The city's member scores a proposal on some or all of the request's criteria (0-10
    each, with a note); a criterion scored again is overwritten. Flushes the scores.
    Raises NotFound, PermissionDenied (not the city), Conflict (the call is not closed, or
    the proposal is withdrawn or decided), ValidationError (a criterion of another request,
    or one criterion twice)."""
    interest = get_interest(actor, interest_id)
    _city_may_score(actor, interest)
    criteria = {c.id: c for c in interest.request.criteria}
    seen: set[int] = set()
    for i, item in enumerate(data.scores):
        if item.criterion_id not in criteria:
            raise ValidationError(
                _("Some fields are invalid."),
                {f"scores.{i}.criterion_id": [_("This request has no such criterion.")]},
            )
        if item.criterion_id in seen:
            raise ValidationError(
                _("Some fields are invalid."),
                {f"scores.{i}.criterion_id": [_("Each criterion may be scored once.")]},
            )
        seen.add(item.criterion_id)
    now = utcnow()
    for item in data.scores:
        values = {"score": item.score, "note": item.note, "scored_by_id": actor.id}
        changed = _update_score(interest.id, item.criterion_id, values, now)
        if not changed:
            try:
                with db.session.begin_nested():
                    db.session.add(
                        InterestScore(
                            interest_id=interest.id,
                            criterion_id=item.criterion_id,
                            updated_at=now,
                            **values,
                        )
                    )
            except IntegrityError:  # a colleague scored the same criterion meanwhile
                _update_score(interest.id, item.criterion_id, values, now)
    db.session.flush()
    db.session.expire(interest, ["scores"])
    return score_summary(interest.request.criteria, interest.scores)


def _update_score(interest_id: int, criterion_id: int, values: dict, now) -> bool:
    return (
        db.session.execute(
            update(InterestScore)
            .where(
                InterestScore.interest_id == interest_id,
                InterestScore.criterion_id == criterion_id,
            )
            .values(**values, updated_at=now)
            .execution_options(synchronize_session=False)
        ).rowcount
        == 1
    )


def _request_closed():
    return exists().where(
        PilotRequest.id == Interest.request_id, PilotRequest.status == RequestStatus.CLOSED
    )


def set_shortlisted(actor: User, interest_id: int, shortlisted: bool) -> Interest:
    """The city puts a proposal on its shortlist (submitted → shortlisted) or takes it off
    (shortlisted → submitted), while the call is closed. Flushes the move; the proposer's
    members are told when it is shortlisted (not when taken off: a provisional list).
    Raises NotFound, PermissionDenied, Conflict."""
    interest = get_interest(actor, interest_id)
    req = interest.request
    if lifecycle.CITY not in request_roles(actor, req):
        raise PermissionDenied(_("Only the city that made the request keeps its shortlist."))
    source, target = (
        (InterestStatus.SUBMITTED, InterestStatus.SHORTLISTED)
        if shortlisted
        else (InterestStatus.SHORTLISTED, InterestStatus.SUBMITTED)
    )
    transition(
        lifecycle.INTEREST,
        Interest,
        interest.id,
        expected=source,
        to=target,
        actor=actor,
        roles={lifecycle.CITY},
        where=[_request_closed()],
        where_message=lifecycle.PILOT_REQUEST.conflict_messages.get(req.status.value, ""),
    )
    if shortlisted:
        notify(
            list_active_people([interest.organization_id]),
            "proposal.shortlisted",
            {"title": req.title, "city": req.city.name},
            f"/proposals/{interest.id}",
        )
    return interest


def can_score(actor: User | None, interest: Interest) -> bool:
    return can_score_interest(actor, interest, interest.request)
