"""Officials' review of submitted requests: the review itself (scores against the programme's
selection criteria) and the decisions — ask for changes, reject, open a call for proposals
with a deadline, close a call early — plus `move_request`, the one entry point the
transitions API and the HTML action forms share.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..accounts.models import User
from ..accounts.services import list_active_people
from ..db import as_utc, db, utcnow
from ..errors import Conflict, NotFound, PermissionDenied, ValidationError
from ..lifecycle import transition
from ..notifications.services import notify
from . import lifecycle, permissions
from .models import PilotRequest, PilotReview, RequestStatus
from .request_schemas import ReviewIn
from .requests import (
    _loaded,
    cancel_request,
    end_proposals,
    get_request,
    request_link,
    require_reason,
    submit_request,
)

SEOUL = ZoneInfo("Asia/Seoul")
MAX_CALL = timedelta(days=365)


def default_deadline(now: datetime | None = None) -> datetime:
    return (now or utcnow()) + timedelta(days=lifecycle.DEFAULT_CALL_DAYS)


def end_of_day_in_seoul(day) -> datetime:
    """A deadline chosen as a date (the HTML form) ends at 23:59:59 that day in Seoul."""
    return datetime.combine(day, time(23, 59, 59), tzinfo=SEOUL).astimezone(UTC)


def check_deadline(deadline: datetime, reason: str, now: datetime) -> None:
    """A deadline must be ahead and within a year; one shorter than the default needs a
    recorded reason. Raises ValidationError on the ``deadline`` or ``reason`` field."""
    deadline = as_utc(deadline)
    if deadline <= now:
        raise ValidationError(
            _("The deadline is in the past."), {"deadline": [_("Choose a deadline ahead.")]}
        )
    if deadline > now + MAX_CALL:
        raise ValidationError(
            _("The deadline is too far ahead."),
            {"deadline": [_("Choose a deadline within a year.")]},
        )
    if deadline < default_deadline(now) - timedelta(minutes=1) and not reason.strip():
        raise ValidationError(
            _("A shorter call needs a reason."),
            {
                "reason": [
                    _(
                        "A call shorter than %(days)d days needs a reason, recorded in "
                        "the history.",
                        days=lifecycle.DEFAULT_CALL_DAYS,
                    )
                ]
            },
        )


def _move(
    actor: User,
    req: PilotRequest,
    to: RequestStatus,
    reason: str = "",
    *,
    expected: RequestStatus | None = None,
    **values,
):
    """Move ``req`` from ``expected`` (default: the state it was read in) to ``to``."""
    return transition(
        lifecycle.PILOT_REQUEST,
        PilotRequest,
        req.id,
        expected=expected or req.status,
        to=to,
        actor=actor,
        roles=permissions.request_roles(actor, req),
        reason=reason,
        values=values or None,
    )


def request_changes(actor: User, req_id: int, comment: str) -> PilotRequest:
    """Send a submitted request back to the city with a comment (official). Flushes the move
    and notifies the city's members with the comment. Raises NotFound, PermissionDenied,
    ValidationError (no comment), Conflict (it moved meanwhile, naming its state)."""
    req = get_request(actor, req_id)
    comment = require_reason(comment)
    _move(actor, req, RequestStatus.CHANGES_REQUESTED, comment)
    notify(
        list_active_people([req.city_id]),
        "pilot_request.changes_requested",
        {"title": req.title, "comment": comment},
        request_link(req_id),
    )
    return _loaded(req_id)


def reject_request(actor: User, req_id: int, reason: str) -> PilotRequest:
    """Reject a request with a reason (official). Flushes; notifies the city."""
    req = get_request(actor, req_id)
    reason = require_reason(reason)
    _move(actor, req, RequestStatus.REJECTED, reason)
    notify(
        list_active_people([req.city_id]),
        "pilot_request.rejected",
        {"title": req.title, "reason": reason},
        request_link(req_id),
    )
    end_proposals(actor, req)
    return _loaded(req_id)


def open_call(
    actor: User, req_id: int, deadline: datetime | None = None, reason: str = ""
) -> PilotRequest:
    """Open a submitted request as a call for proposals (official), with ``deadline``
    (default: DEFAULT_CALL_DAYS from now). A shorter deadline needs ``reason``, stored in
    ``deadline_reason`` and in the history. Flushes; notifies the city's members. Of several
    officials opening it at once exactly one succeeds; the others get Conflict naming the
    state. Raises NotFound, PermissionDenied, ValidationError (deadline), Conflict."""
    req = get_request(actor, req_id)
    now = utcnow()
    reason = (reason or "").strip()
    deadline = as_utc(deadline) if deadline is not None else default_deadline(now)
    check_deadline(deadline, reason, now)
    _move(
        actor,
        req,
        RequestStatus.OPEN,
        reason,
        deadline=deadline,
        deadline_reason=reason,
        opened_at=now,
    )
    notify(
        list_active_people([req.city_id]),
        "pilot_request.opened",
        {"title": req.title},
        request_link(req_id),
    )
    return _loaded(req_id)


def close_call(actor: User, req_id: int, reason: str) -> PilotRequest:
    """Close an open call before its deadline (official, with a reason). Flushes; notifies
    the city. A deadline job closing it at the same moment: exactly one of the two moves."""
    req = get_request(actor, req_id)
    reason = require_reason(reason)
    # From an open call only: partner_selected -> closed is an official sending a selection
    # back, which selection.send_back_selection makes with the proposals' own moves.
    _move(actor, req, RequestStatus.CLOSED, reason, expected=RequestStatus.OPEN, closed_at=utcnow())
    notify(
        list_active_people([req.city_id]),
        "pilot_request.closed",
        {"title": req.title},
        request_link(req_id),
    )
    return _loaded(req_id)


# The moves this part makes; the others (selection, the partnership) belong to the proposals
# and workspace parts, which make them with their own data.
MOVES = (
    RequestStatus.SUBMITTED,
    RequestStatus.CHANGES_REQUESTED,
    RequestStatus.OPEN,
    RequestStatus.CLOSED,
    RequestStatus.REJECTED,
    RequestStatus.CANCELLED,
)


def move_request(
    actor: User,
    req_id: int,
    to: RequestStatus,
    *,
    reason: str = "",
    deadline: datetime | None = None,
) -> PilotRequest:
    """Move a request to ``to`` on behalf of ``actor``, dispatching to the use case."""
    to = RequestStatus(to)
    if to == RequestStatus.SUBMITTED:
        return submit_request(actor, req_id)
    if to == RequestStatus.CHANGES_REQUESTED:
        return request_changes(actor, req_id, reason)
    if to == RequestStatus.OPEN:
        return open_call(actor, req_id, deadline, reason)
    if to == RequestStatus.CLOSED:
        return close_call(actor, req_id, reason)
    if to == RequestStatus.REJECTED:
        return reject_request(actor, req_id, reason)
    if to == RequestStatus.CANCELLED:
        return cancel_request(actor, req_id, reason)
    req = get_request(actor, req_id)
    if not lifecycle.PILOT_REQUEST.allows(req.status, to):
        _move(actor, req, to)  # raises Conflict naming the current state
    raise ValidationError(
        _("This change is made elsewhere."),
        {"to": [_("Partners are selected and partnerships run on their own pages.")]},
    )


def allowed_moves(actor: User, req: PilotRequest) -> list[str]:
    """The moves of MOVES that ``actor`` may make on ``req`` now (for the action buttons)."""
    roles = permissions.request_roles(actor, req)
    targets = lifecycle.PILOT_REQUEST.targets(req.status, roles)
    return [m.value for m in MOVES if m.value in targets]


# ---- reviews ---------------------------------------------------------------------------------


def save_review(actor: User, req_id: int, data: ReviewIn) -> PilotReview:
    """Create or replace ``actor``'s review of a submitted request (one per official).
    Flushes. Raises NotFound (not visible), PermissionDenied (not an official), Conflict
    (the request is not in review)."""
    req = get_request(actor, req_id)
    if not permissions.can_review_pilot_request(actor, req):
        raise PermissionDenied(_("Only Seoul officials review requests."))
    if req.status != RequestStatus.SUBMITTED:
        raise Conflict(_(lifecycle.PILOT_REQUEST.conflict_messages[req.status.value]))
    fields = {"scores": data.scores, "notes": data.notes, "summary": data.summary}
    review = _own_review(actor, req_id)
    if review is None:
        try:
            with db.session.begin_nested():  # two saves at once: the second updates
                review = PilotReview(request_id=req_id, reviewer_id=actor.id, **fields)
                db.session.add(review)
        except IntegrityError:
            review = _own_review(actor, req_id)
    for name, value in fields.items():
        setattr(review, name, value)
    review.updated_at = utcnow()
    db.session.flush()
    return review


def _own_review(actor: User, req_id: int) -> PilotReview | None:
    return db.session.scalar(
        select(PilotReview).where(
            PilotReview.request_id == req_id, PilotReview.reviewer_id == actor.id
        )
    )


def get_own_review(actor: User, req: PilotRequest) -> PilotReview | None:
    if not permissions.can_review_pilot_request(actor, req):
        return None
    return _own_review(actor, req.id)


def list_reviews(actor: User, req: PilotRequest) -> list[tuple[PilotReview, str]]:
    """Every review of ``req`` with its reviewer's name (one query), for officials and the
    city (permissions: a submitted request and its review are theirs to see)."""
    if not permissions.can_view_pilot_request(actor, req) or req.submitted_at is None:
        return []
    if not (actor.is_official or lifecycle.CITY in permissions.request_roles(actor, req)):
        return []
    rows = db.session.execute(
        select(PilotReview, User.name)
        .outerjoin(User, User.id == PilotReview.reviewer_id)
        .where(PilotReview.request_id == req.id)
        .order_by(PilotReview.id)
    ).all()
    return [(review, name or _("A former official")) for review, name in rows]


def review_of(actor: User, req_id: int) -> PilotReview:
    review = _own_review(actor, req_id)
    if review is None:
        raise NotFound(_("Not found"))
    return review
