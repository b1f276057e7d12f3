"""Pilot requests: a city drafts, edits and submits; the request is loaded for display.

Every state move goes through `lifecycle.transition` with the PILOT_REQUEST table (review.py
holds the officials' moves). Loading a request for display first closes it when its deadline
has passed (`close_if_overdue`), so nobody sees an "open" call that is over, whether or not the
periodic job has run yet.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import func, select, update
from sqlalchemy.orm import joinedload, selectinload

from ..accounts.models import User
from ..accounts.services import list_active_people, list_officials
from ..db import as_utc, db, utcnow
from ..errors import Conflict, NotFound, PermissionDenied, ValidationError
from ..lifecycle import SYSTEM, transition
from ..notifications.services import notify
from . import lifecycle, permissions
from .models import (
    WEIGHT_TOTAL,
    EvaluationCriterion,
    Interest,
    InterestStatus,
    Kpi,
    PilotRequest,
    PilotRequestSector,
    RequestStatus,
)
from .request_schemas import NULLABLE, RequestInput, RequestPatch

EDITABLE = (RequestStatus.DRAFT, RequestStatus.CHANGES_REQUESTED)


def request_link(req_id: int) -> str:
    return f"/pilots/requests/{req_id}"


def _loaded(req_id: int) -> PilotRequest | None:
    return db.session.scalar(
        select(PilotRequest)
        .where(PilotRequest.id == req_id)
        .options(
            joinedload(PilotRequest.city),
            selectinload(PilotRequest.sectors),
            selectinload(PilotRequest.criteria),
            selectinload(PilotRequest.kpis),
        )
        .execution_options(populate_existing=True)
    )


def get_request(actor: User | None, req_id: int) -> PilotRequest:
    """The request with its city, sectors, criteria and KPIs loaded (four queries), closed
    first if its deadline has passed. Raises NotFound when it does not exist or ``actor``
    may not know it does (a draft of another city, a submitted request for a company)."""
    req = _loaded(req_id)
    if req is None or not permissions.can_view_pilot_request(actor, req):
        raise NotFound(_("Not found"))
    if close_if_overdue(req):
        req = _loaded(req_id)
    return req


def get_request_for_edit(actor: User | None, req_id: int) -> PilotRequest:
    """The request for its edit form: NotFound for outsiders, Conflict (naming the state)
    when it can no longer be edited, PermissionDenied for officials."""
    req = get_request(actor, req_id)
    if not permissions.can_edit_pilot_request(actor, req):
        if lifecycle.CITY in permissions.request_roles(actor, req):
            raise Conflict(_(lifecycle.PILOT_REQUEST.conflict_messages[req.status.value]))
        raise PermissionDenied(_("Only the city edits its request."))
    return req


# ---- the deadline ----------------------------------------------------------------------------


def is_overdue(req: PilotRequest, now: datetime | None = None) -> bool:
    return (
        req.status == RequestStatus.OPEN
        and req.deadline is not None
        and as_utc(req.deadline) <= (now or utcnow())
    )


def close_if_overdue(req: PilotRequest) -> bool:
    """Close ``req`` (open → closed, role system) when its deadline has passed: one
    conditional UPDATE, which also re-checks the deadline, so a deadline extended meanwhile or
    an official's early close wins. Notifies the city. Returns whether this call closed it."""
    if not is_overdue(req):
        return False
    return close_overdue(req.id, req.city_id)


def close_overdue(req_id: int, city_id: int) -> bool:
    """Close one request past its deadline (the job and lazy closing share it); flushes the
    history entry and the city's notifications. False when it was not (or no longer) due."""
    now = utcnow()
    try:
        transition(
            lifecycle.PILOT_REQUEST,
            PilotRequest,
            req_id,
            expected=RequestStatus.OPEN,
            to=RequestStatus.CLOSED,
            actor=None,
            roles={SYSTEM},
            reason="",
            values={"closed_at": now},
            where=[PilotRequest.deadline <= now],
        )
    except (Conflict, NotFound):
        return False  # closed by someone else, or its deadline moved: nothing to do
    title = db.session.scalar(select(PilotRequest.title).where(PilotRequest.id == req_id))
    notify(
        list_active_people([city_id]),
        "pilot_request.closed",
        {"title": title},
        request_link(req_id),
    )
    return True


def close_overdue_requests() -> int:
    """Close every open request past its deadline (the periodic job). Returns how many."""
    due = db.session.execute(
        select(PilotRequest.id, PilotRequest.city_id).where(
            PilotRequest.status == RequestStatus.OPEN, PilotRequest.deadline <= utcnow()
        )
    ).all()
    return sum(1 for req_id, city_id in due if close_overdue(req_id, city_id))


# ---- recipients ------------------------------------------------------------------------------


# ---- drafting --------------------------------------------------------------------------------


def consistency_errors(values: dict) -> dict[str, list[str]]:
    """Rules across fields: the budget range and the timeline in order."""
    errors: dict[str, list[str]] = {}
    low, high = values.get("budget_min"), values.get("budget_max")
    if low is not None and high is not None and high < low:
        errors["budget_max"] = [_("The largest budget must not be below the smallest.")]
    start, end = values.get("starts_on"), values.get("ends_on")
    if start is not None and end is not None and end < start:
        errors["ends_on"] = [_("The end date must not be before the start date.")]
    return errors


def _apply(req: PilotRequest, values: dict) -> None:
    children = {k: values.pop(k) for k in ("sectors", "kpis", "criteria") if k in values}
    for name, value in values.items():
        setattr(req, name, value)
    if children and req.id is not None:
        # Old rows go first: new ones reuse their positions (unique per request).
        for name in children:
            getattr(req, name).clear()
        db.session.flush()
    if "sectors" in children:
        req.sectors = [PilotRequestSector(sector=s) for s in children["sectors"]]
    if "kpis" in children:
        req.kpis = [Kpi(position=n, **k) for n, k in enumerate(children["kpis"], 1)]
    if "criteria" in children:
        req.criteria = [
            EvaluationCriterion(position=n, **c) for n, c in enumerate(children["criteria"], 1)
        ]


def create_request(actor: User, data: RequestInput) -> PilotRequest:
    """Draft a request for the actor's city. Flushes the request and its sectors, KPIs and
    criteria. PermissionDenied unless the actor is an active member of a city;
    ValidationError when the budget or the timeline is out of order."""
    if not permissions.can_create_pilot_request(actor):
        raise PermissionDenied(_("Only members of a city request pilots."))
    values = data.model_dump()
    errors = consistency_errors(values)
    if errors:
        raise ValidationError(_("Some fields are invalid."), errors)
    req = PilotRequest(city_id=actor.organization_id, created_by_id=actor.id)
    _apply(req, values)
    db.session.add(req)
    db.session.flush()
    return req


def update_request(actor: User, req_id: int, patch: RequestPatch) -> PilotRequest:
    """Change an editable request (draft or changes requested; the city only). Flushes.

    The row is claimed first with one conditional UPDATE (``status IN editable``), so an
    edit cannot slip in after a concurrent move out of those states. Raises NotFound
    (outsiders), PermissionDenied (officials), Conflict (no longer editable, naming the
    state), ValidationError (budget or timeline out of order)."""
    req = get_request_for_edit(actor, req_id)
    values = {
        k: v
        for k, v in patch.model_dump(exclude_unset=True).items()
        if v is not None or k in NULLABLE
    }
    merged = {
        k: values.get(k, getattr(req, k))
        for k in ("budget_min", "budget_max", "starts_on", "ends_on")
    }
    errors = consistency_errors(merged)
    if errors:
        raise ValidationError(_("Some fields are invalid."), errors)
    claimed = db.session.execute(
        update(PilotRequest)
        .where(PilotRequest.id == req_id, PilotRequest.status.in_(EDITABLE))
        .values(updated_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:
        status = db.session.scalar(select(PilotRequest.status).where(PilotRequest.id == req_id))
        raise Conflict(_(lifecycle.PILOT_REQUEST.conflict_messages[status.value]))
    _apply(req, values)
    db.session.flush()
    return req


def completeness_errors(req: PilotRequest) -> dict[str, list[str]]:
    """What a request still lacks before it can be submitted, every item at once."""
    errors: dict[str, list[str]] = {}
    if not req.title.strip():
        errors["title"] = [_("Give the request a title.")]
    if not req.challenge.strip():
        errors["challenge"] = [_("Describe the challenge.")]
    if not req.sectors:
        errors["sectors"] = [_("Choose at least one sector.")]
    if not req.kpis:
        errors["kpis"] = [_("Name at least one KPI the pilot should move.")]
    if not req.criteria:
        errors["criteria"] = [_("State at least one evaluation criterion.")]
    else:
        total = sum(c.weight for c in req.criteria)
        if total != WEIGHT_TOTAL:
            errors["criteria"] = [
                _(
                    "The criteria weights add up to %(total)d; they must add up to %(needed)d.",
                    total=total,
                    needed=WEIGHT_TOTAL,
                )
            ]
    return errors


def submit_request(actor: User, req_id: int) -> PilotRequest:
    """Submit a complete request for review (draft or changes requested → submitted).
    Flushes the move and notifies the officials. Raises NotFound, PermissionDenied,
    ValidationError listing every missing item, Conflict when it moved meanwhile."""
    req = get_request(actor, req_id)
    if lifecycle.CITY not in permissions.request_roles(actor, req):
        raise PermissionDenied(_("Only the city submits its request."))
    if req.status in EDITABLE:
        errors = completeness_errors(req)
        if errors:
            raise ValidationError(_("The request is not complete yet."), errors)
    now = utcnow()
    transition(
        lifecycle.PILOT_REQUEST,
        PilotRequest,
        req_id,
        expected=req.status,
        to=RequestStatus.SUBMITTED,
        actor=actor,
        roles=permissions.request_roles(actor, req),
        # The first submission dates the request in the pipeline (its "year").
        values={"submitted_at": func.coalesce(PilotRequest.submitted_at, now)},
    )
    notify(
        list_officials(),
        "pilot_request.submitted",
        {"title": req.title, "city": req.city.name},
        request_link(req_id),
    )
    return _loaded(req_id)


def cancel_request(actor: User, req_id: int, reason: str) -> PilotRequest:
    """Cancel a request with a reason (the city at any time before the partnership, an
    official once submitted). Flushes; notifies the city, and the officials when the city
    cancels a request they know. Raises NotFound, PermissionDenied, ValidationError (no
    reason), Conflict."""
    req = get_request(actor, req_id)
    roles = permissions.request_roles(actor, req)
    reason = require_reason(reason)
    from_state = req.status
    transition(
        lifecycle.PILOT_REQUEST,
        PilotRequest,
        req_id,
        expected=from_state,
        to=RequestStatus.CANCELLED,
        actor=actor,
        roles=roles,
        reason=reason,
    )
    params = {"title": req.title, "reason": reason}
    recipients = list_active_people([req.city_id])
    if from_state != RequestStatus.DRAFT and lifecycle.OFFICIAL not in roles:
        recipients += list_officials()
    notify(recipients, "pilot_request.cancelled", params, request_link(req_id))
    end_proposals(actor, req)
    return _loaded(req_id)


# A proposal still waiting for a decision, or selected and waiting for approval.
UNDECIDED = (InterestStatus.SUBMITTED, InterestStatus.SHORTLISTED, InterestStatus.SELECTED)


def end_proposals(actor: User, req: PilotRequest) -> None:
    """After ``req`` was cancelled or rejected: every proposal still undecided moves to
    not_selected (role system, one history entry each) and its organisation is thanked.
    Withdrawn proposals stay withdrawn. The request's own reason is not passed on: it was
    written for the city and the programme. Flushes."""
    rows = db.session.execute(
        select(Interest.id, Interest.status, Interest.organization_id).where(
            Interest.request_id == req.id, Interest.status.in_(UNDECIDED)
        )
    ).all()
    for interest_id, status, org_id in rows:
        transition(
            lifecycle.INTEREST,
            Interest,
            interest_id,
            expected=status,
            to=InterestStatus.NOT_SELECTED,
            actor=actor,
            roles={SYSTEM},
            values={"third_party_id": None},
        )
        notify(
            list_active_people([org_id]),
            "proposal.request_ended",
            {"title": req.title},
            f"/proposals/{interest_id}",
        )


def require_reason(reason: str | None) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            _("Give a reason."), {"reason": [_("Give a reason: the city and the history show it.")]}
        )
    return reason
