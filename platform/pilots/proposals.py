"""Proposals (API.md: interests): a company's or institution's answer to an open call.

Why the writes look the way they do:
- the call's deadline is a condition of every write, inside the statement itself (the INSERT
  of a new proposal selects from the still-open request; edits and withdrawals add it to
  their UPDATE), so a save racing the deadline cannot slip through between a check and a
  write;
- "one proposal per organisation per call" is the database's unique constraint; a duplicate
  (twenty clicks at once) is a savepoint rolled back and a 409, never a second row;
- states move only through `lifecycle.transition` with the INTEREST table.

Who sees what is pilots/permissions.py: the proposer's organisation and officials, and the
request's city once the call is closed (sealed until the deadline).
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import exists, func, insert, literal, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from ..accounts.models import User, UserStatus
from ..accounts.services import list_active_people
from ..db import db, utcnow
from ..errors import Conflict, NotFound, PermissionDenied
from ..lifecycle import N_, transition
from ..members.models import OrgKind, OrgStatus
from ..notifications.services import notify
from ..pagination import Page, PageQuery, paginate
from . import lifecycle
from .models import Interest, InterestStatus, PilotRequest, RequestStatus
from .permissions import (
    SEALED_STATES,
    can_edit_interest,
    can_propose,
    can_view_interest,
    interest_roles,
)
from .proposal_schemas import ProposalFields, ProposalPatch
from .requests import close_if_overdue

CALL_CLOSED = N_("The deadline of this call has passed: proposals can no longer be changed.")


def call_open_clause(now=None):
    """SQL: the proposal's request is an open call whose deadline has not passed (correlated
    with the row being updated)."""
    now = now or utcnow()
    return exists().where(
        PilotRequest.id == Interest.request_id,
        PilotRequest.status == RequestStatus.OPEN,
        PilotRequest.deadline > now,
    )


def get_request(actor: User | None, request_id: int) -> PilotRequest:
    """A request the actor may see (its criteria loaded); NotFound otherwise."""
    from .permissions import can_view_pilot_request

    req = db.session.scalar(
        select(PilotRequest)
        .where(PilotRequest.id == request_id)
        .options(selectinload(PilotRequest.criteria), selectinload(PilotRequest.city))
    )
    if req is None or not can_view_pilot_request(actor, req):
        raise NotFound(_("No such pilot request."))
    if close_if_overdue(req):  # a call past its deadline is closed on access, not shown open
        db.session.refresh(req)
    return req


def is_past_deadline(req: PilotRequest) -> bool:
    from ..db import as_utc

    return req.deadline is not None and as_utc(req.deadline) <= utcnow()


def accepts_proposals(actor: User | None, req: PilotRequest) -> bool:
    """``can_propose`` plus what it cannot know alone: the deadline has not passed and the
    actor's organisation is active (vetted)."""
    return (
        can_propose(actor, req)
        and not is_past_deadline(req)
        and actor.organization.status == OrgStatus.ACTIVE
    )


def get_interest(actor: User | None, interest_id: int) -> Interest:
    """A proposal the actor may see, with its request, organisation and scores; NotFound
    otherwise (also when it exists but is sealed or another organisation's)."""
    interest = db.session.scalar(
        select(Interest)
        .where(Interest.id == interest_id)
        .options(
            selectinload(Interest.request).selectinload(PilotRequest.criteria),
            selectinload(Interest.organization),
            selectinload(Interest.scores),
            selectinload(Interest.third_party),
        )
        .execution_options(populate_existing=True)
    )
    if interest is not None and close_if_overdue(interest.request):
        db.session.refresh(interest.request)  # closed on access: the city may now see it
    if interest is None or not can_view_interest(actor, interest, interest.request):
        raise NotFound(_("No such proposal."))
    return interest


def own_interest(actor: User | None, req: PilotRequest) -> Interest | None:
    """The actor's organisation's proposal for ``req``, if any."""
    if actor is None or actor.organization_id is None:
        return None
    return db.session.scalar(
        select(Interest).where(
            Interest.request_id == req.id, Interest.organization_id == actor.organization_id
        )
    )


def submit_proposal(actor: User, request_id: int, data: ProposalFields) -> Interest:
    """The actor's organisation answers the open call ``request_id``.

    One INSERT … SELECT from the request while it is open and before its deadline, inside a
    savepoint; flushes the new row and notifies the city's members that a proposal arrived
    (without naming the proposer: proposals are sealed). Raises NotFound (request hidden),
    PermissionDenied (not a company/institution, or the request's own city), Conflict
    (the call is not open or its deadline passed; the organisation already proposed)."""
    req = get_request(actor, request_id)
    org = actor.organization
    if (
        org is None
        or org.kind not in (OrgKind.COMPANY, OrgKind.INSTITUTION)
        or (org.id == req.city_id)
    ):
        raise PermissionDenied(_("Only companies and institutions may answer a call."))
    if org.status != OrgStatus.ACTIVE:
        raise PermissionDenied(_("Your organisation is not yet approved by a Seoul official."))
    now = utcnow()
    values = {
        "request_id": req.id,
        "organization_id": actor.organization_id,
        "submitted_by_id": actor.id,
        "status": InterestStatus.SUBMITTED.value,
        **data.model_dump(),
        "is_demo": False,
        "created_at": now,
        "updated_at": now,
    }
    names = list(values)
    source = select(*(literal(v, Interest.__table__.c[k].type) for k, v in values.items())).where(
        PilotRequest.id == req.id,
        PilotRequest.status == RequestStatus.OPEN,
        PilotRequest.deadline > now,
    )
    table = Interest.__table__
    try:
        with db.session.begin_nested():
            # RETURNING tells whether the SELECT found the call open (rowcount of an
            # INSERT … SELECT is -1 on psycopg).
            new_id = db.session.execute(
                insert(table)
                .from_select(names, source, include_defaults=False)
                .returning(table.c.id)
            ).scalar()
    except IntegrityError as exc:
        raise Conflict(_("Your organisation has already made a proposal for this call.")) from exc
    if new_id is None:
        raise Conflict(_("This call for proposals is closed."))
    interest = db.session.get(Interest, new_id)
    notify(
        list_active_people([req.city_id]),
        "proposal.received",
        {"title": req.title},
        f"/pilot-requests/{req.id}/proposals",
    )
    return interest


def edit_proposal(actor: User, interest_id: int, patch: ProposalPatch) -> Interest:
    """The proposer changes its submitted proposal before the deadline. Only the fields sent
    change (never the status, organisation or scores: the schema has no such fields). One
    UPDATE conditioned on the status and the open call; flushes. Raises NotFound,
    PermissionDenied (not the proposer), Conflict (withdrawn, decided, or past deadline)."""
    interest = get_interest(actor, interest_id)
    if lifecycle.PROPOSER not in interest_roles(actor, interest, interest.request):
        raise PermissionDenied(_("Only the organisation that made the proposal may change it."))
    fields = {k: v for k, v in patch.model_dump(exclude_unset=True).items() if v is not None}
    if not fields:
        return interest
    moved = db.session.execute(
        update(Interest)
        .where(
            Interest.id == interest.id,
            Interest.status == InterestStatus.SUBMITTED,
            call_open_clause(),
        )
        .values(**fields, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    if moved != 1:
        db.session.expire(interest)
        if interest.status != InterestStatus.SUBMITTED:
            raise Conflict(_(lifecycle.INTEREST.conflict_messages[interest.status.value]))
        raise Conflict(_(CALL_CLOSED))
    db.session.expire(interest)
    db.session.flush()
    return interest


def withdraw_proposal(actor: User, interest_id: int) -> Interest:
    """The proposer withdraws (submitted → withdrawn) before the deadline; flushes the move
    and its history. Nobody is notified: while sealed the city must not learn who proposed,
    and the proposal page and its history show it to the proposer's colleagues. Raises
    NotFound, PermissionDenied, Conflict (state or deadline)."""
    interest = get_interest(actor, interest_id)
    transition(
        lifecycle.INTEREST,
        Interest,
        interest.id,
        expected=InterestStatus.SUBMITTED,
        to=InterestStatus.WITHDRAWN,
        actor=actor,
        roles=interest_roles(actor, interest, interest.request) & {lifecycle.PROPOSER},
        where=[call_open_clause()],
        where_message=CALL_CLOSED,
    )
    return interest


def resubmit_proposal(actor: User, interest_id: int) -> Interest:
    """A withdrawn proposal is submitted again (withdrawn → submitted) before the deadline;
    flushes; the city hears "a proposal was received" again. Raises NotFound,
    PermissionDenied, Conflict."""
    interest = get_interest(actor, interest_id)
    transition(
        lifecycle.INTEREST,
        Interest,
        interest.id,
        expected=InterestStatus.WITHDRAWN,
        to=InterestStatus.SUBMITTED,
        actor=actor,
        roles=interest_roles(actor, interest, interest.request) & {lifecycle.PROPOSER},
        where=[call_open_clause()],
        where_message=CALL_CLOSED,
        values={"submitted_by_id": actor.id, "updated_at": utcnow()},
    )
    req = interest.request
    notify(
        list_active_people([req.city_id]),
        "proposal.received",
        {"title": req.title},
        f"/pilot-requests/{req.id}/proposals",
    )
    return interest


def can_edit(actor: User | None, interest: Interest) -> bool:
    return can_edit_interest(actor, interest, interest.request) and not is_past_deadline(
        interest.request
    )


def can_resubmit(actor: User | None, interest: Interest) -> bool:
    req = interest.request
    return (
        lifecycle.PROPOSER in interest_roles(actor, interest, req)
        and interest.status == InterestStatus.WITHDRAWN
        and req.status == RequestStatus.OPEN
        and not is_past_deadline(req)
    )


# ---- lists ---------------------------------------------------------------------------------


def list_own_proposals(actor: User, query: PageQuery) -> Page[Interest]:
    """The actor's organisation's proposals, newest first, with their calls (one page)."""
    stmt = (
        select(Interest)
        .where(Interest.organization_id == (actor.organization_id or -1))
        .options(selectinload(Interest.request).selectinload(PilotRequest.city))
        .order_by(Interest.created_at.desc(), Interest.id.desc())
    )
    return paginate(stmt, query)


def can_list_proposals(actor: User | None, req: PilotRequest) -> bool:
    """Officials always; the request's city once the call is closed."""
    if actor is None or actor.status != UserStatus.ACTIVE:
        return False
    if actor.is_official:
        return True
    return actor.organization_id == req.city_id and req.status not in SEALED_STATES


def list_request_proposals(actor: User, request_id: int, query: PageQuery) -> Page[Interest]:
    """The proposals of one request, for officials and (after the deadline) the city;
    a proposer gets only its own (the API contract); anyone else NotFound. Withdrawn
    proposals are left out for the city (they were taken back before the deadline)."""
    req = get_request(actor, request_id)
    stmt = select(Interest).where(Interest.request_id == req.id)
    if not can_list_proposals(actor, req):
        org = actor.organization
        if org is None or org.kind == OrgKind.CITY:  # sealed, or another city's call
            raise NotFound(_("No such pilot request."))
        stmt = stmt.where(Interest.organization_id == actor.organization_id)
    elif not actor.is_official:
        stmt = stmt.where(Interest.status != InterestStatus.WITHDRAWN)
    stmt = stmt.options(
        selectinload(Interest.organization),
        selectinload(Interest.scores),
        selectinload(Interest.request).selectinload(PilotRequest.criteria),
    ).order_by(Interest.created_at, Interest.id)
    return paginate(stmt, query)


@dataclass(frozen=True)
class ProposalCounts:
    received: int  # submitted, shortlisted or decided: not withdrawn


def count_proposals(req: PilotRequest) -> ProposalCounts:
    """How many proposals a call has received (withdrawn ones not counted): one query."""
    n = db.session.scalar(
        select(func.count(Interest.id)).where(
            Interest.request_id == req.id,
            Interest.status != InterestStatus.WITHDRAWN,
        )
    )
    return ProposalCounts(received=n or 0)
