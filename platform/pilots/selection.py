"""After the deadline: the city scores and shortlists proposals and selects a partner; an
official approves the selection (creating the partnership) or sends it back.

The request's moves (closed → partner_selected → in_progress, or back to closed) are the
compare-and-set of the PILOT_REQUEST table, and they come first in each use case: of ten
officials approving at once exactly one moves the request, and only that one goes on to
create the partnership, decide the other proposals and notify — the others get a Conflict
naming the state before anything else is written. The proposals' moves follow as role
``system``.

The third partner named by the city is kept on the selected proposal
(``Interest.third_party_id``) until approval copies it onto the Partnership.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import exists, select, update
from sqlalchemy.exc import IntegrityError

from ..accounts.models import User, UserStatus
from ..db import db, utcnow
from ..errors import Conflict, NotFound, PermissionDenied, ValidationError
from ..lifecycle import SYSTEM, transition
from ..members.models import Organization, OrgKind, OrgStatus
from ..notifications.services import notify
from . import lifecycle
from .models import (
    EvaluationCriterion,
    Interest,
    InterestScore,
    InterestStatus,
    Partnership,
    PilotRequest,
    RequestStatus,
)
from .permissions import can_score_interest, request_roles
from .proposal_schemas import ScoresIn
from .proposals import active_members, get_interest, get_request

IN_THE_RUNNING = (InterestStatus.SUBMITTED, InterestStatus.SHORTLISTED)
UNSET = object()  # "the caller did not say" (an API body without third_party_id)


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
            active_members(interest.organization_id),
            "proposal.shortlisted",
            {"title": req.title, "city": req.city.name},
            f"/proposals/{interest.id}",
        )
    return interest


# ---- the city's selection -----------------------------------------------------------------


def eligible_third_parties(req: PilotRequest, partner_id: int | None = None) -> list[Organization]:
    """Active institutions that may join as third partner (not the city or the partner)."""
    stmt = select(Organization).where(
        Organization.kind == OrgKind.INSTITUTION,
        Organization.status == OrgStatus.ACTIVE,
        Organization.id != req.city_id,
    )
    if partner_id is not None:
        stmt = stmt.where(Organization.id != partner_id)
    return list(db.session.scalars(stmt.order_by(Organization.name)))


def _third_party(req: PilotRequest, partner_id: int, third_party_id: int | None):
    if third_party_id is None:
        return None
    org = db.session.get(Organization, third_party_id)
    if (
        org is None
        or org.kind != OrgKind.INSTITUTION
        or org.status != OrgStatus.ACTIVE
        or org.id in (req.city_id, partner_id)
    ):
        raise ValidationError(
            _("Some fields are invalid."),
            {"third_party_id": [_("Choose an active institution other than the partners.")]},
        )
    return org


def officials() -> list[User]:
    return list(
        db.session.scalars(
            select(User).where(User.is_official.is_(True), User.status == UserStatus.ACTIVE)
        )
    )


def select_partner(
    actor: User, request_id: int, interest_id: int, third_party_id: int | None = None
) -> Interest:
    """The city selects a proposal of its closed call: the request moves closed →
    partner_selected (role city), the proposal → selected (role system) and keeps the
    third partner named, if any; officials are asked to approve. Flushes both moves and
    the notifications. Raises NotFound (request or proposal hidden or of another request),
    PermissionDenied (not the city), ValidationError (third party), Conflict (states)."""
    req = get_request(actor, request_id)
    interest = db.session.get(Interest, interest_id)
    if interest is None or interest.request_id != req.id:
        raise NotFound(_("No such proposal."))
    roles = request_roles(actor, req)
    if lifecycle.CITY not in roles:
        if lifecycle.OFFICIAL not in roles:
            raise NotFound(_("No such pilot request."))
        raise PermissionDenied(_("Only the city that made the request selects its partner."))
    if req.status != RequestStatus.CLOSED:  # early, clear answer; the UPDATE decides races
        raise Conflict(_(lifecycle.PILOT_REQUEST.conflict_messages[req.status.value]))
    if interest.status not in IN_THE_RUNNING:
        raise Conflict(_(lifecycle.INTEREST.conflict_messages[interest.status.value]))
    third = _third_party(req, interest.organization_id, third_party_id)
    transition(
        lifecycle.PILOT_REQUEST,
        PilotRequest,
        req.id,
        expected=RequestStatus.CLOSED,
        to=RequestStatus.PARTNER_SELECTED,
        actor=actor,
        roles=roles & {lifecycle.CITY},
    )
    transition(
        lifecycle.INTEREST,
        Interest,
        interest.id,
        expected=interest.status,
        to=InterestStatus.SELECTED,
        actor=actor,
        roles={SYSTEM},
        values={"third_party_id": third.id if third else None},
    )
    notify(
        officials(),
        "selection.made",
        {"city": req.city.name, "title": req.title},
        f"/pilot-requests/{req.id}/approval",
    )
    return interest


def selected_interest(req: PilotRequest) -> Interest | None:
    return db.session.scalar(
        select(Interest).where(
            Interest.request_id == req.id, Interest.status == InterestStatus.SELECTED
        )
    )


def _official_roles(actor: User, req: PilotRequest) -> set[str]:
    roles = request_roles(actor, req)
    if lifecycle.OFFICIAL not in roles:
        raise PermissionDenied(_("Only Seoul officials approve a selection."))
    return roles & {lifecycle.OFFICIAL}


def approve_selection(
    actor: User,
    request_id: int,
    company_id: int | None = None,
    third_party_id: int | object | None = UNSET,
) -> Partnership:
    """An official approves the city's selection: the request moves partner_selected →
    in_progress (role official) and the Partnership is created (city, the selected
    organisation, the third partner the city named); every other proposal in the running
    becomes not_selected (role system) and its organisation is thanked; the three parties
    are told of the partnership. ``company_id`` / ``third_party_id`` (API), when given,
    must match the selection. Flushes all of it. Raises NotFound, PermissionDenied,
    Conflict (no longer partner_selected: names the state; or a mismatch)."""
    req = get_request(actor, request_id)
    roles = _official_roles(actor, req)
    chosen = selected_interest(req)
    if chosen is not None and company_id is not None and company_id != chosen.organization_id:
        raise Conflict(_("The city selected another organisation's proposal."))
    if (
        chosen is not None
        and third_party_id is not UNSET
        and third_party_id != chosen.third_party_id
    ):
        raise Conflict(_("The city named another third partner (or none)."))
    transition(
        lifecycle.PILOT_REQUEST,
        PilotRequest,
        req.id,
        expected=RequestStatus.PARTNER_SELECTED,
        to=RequestStatus.IN_PROGRESS,
        actor=actor,
        roles=roles,
    )
    if chosen is None:  # a partner_selected request always has one; guard the invariant
        raise Conflict(_("This request has no selected proposal."))
    partnership = Partnership(
        request_id=req.id,
        interest_id=chosen.id,
        city_id=req.city_id,
        partner_id=chosen.organization_id,
        third_party_id=chosen.third_party_id,
        approved_by_id=actor.id,
    )
    db.session.add(partnership)
    db.session.flush()
    others = db.session.execute(
        select(Interest.id, Interest.status, Interest.organization_id).where(
            Interest.request_id == req.id,
            Interest.id != chosen.id,
            Interest.status.in_(IN_THE_RUNNING),
        )
    ).all()
    for other_id, status, org_id in others:
        transition(
            lifecycle.INTEREST,
            Interest,
            other_id,
            expected=status,
            to=InterestStatus.NOT_SELECTED,
            actor=actor,
            roles={SYSTEM},
        )
        notify(
            active_members(org_id),
            "proposal.not_selected",
            {"title": req.title, "city": req.city.name},
            f"/proposals/{other_id}",
        )
    for org_id in partnership.party_ids:
        notify(
            active_members(org_id),
            "partnership.approved",
            {"title": req.title},
            f"/proposals/{chosen.id}",
        )
    return partnership


def send_back_selection(actor: User, request_id: int, reason: str) -> PilotRequest:
    """An official does not approve the selection: partner_selected → closed (role
    official, the reason recorded), the selected proposal back to shortlisted (role system,
    its third partner forgotten); the city's members are told why. Flushes. Raises
    NotFound, PermissionDenied, ValidationError (no reason), Conflict (state)."""
    req = get_request(actor, request_id)
    roles = _official_roles(actor, req)
    if not reason.strip():
        raise ValidationError(
            _("Some fields are invalid."), {"reason": [_("Say why the selection goes back.")]}
        )
    chosen = selected_interest(req)
    transition(
        lifecycle.PILOT_REQUEST,
        PilotRequest,
        req.id,
        expected=RequestStatus.PARTNER_SELECTED,
        to=RequestStatus.CLOSED,
        actor=actor,
        roles=roles,
        reason=reason,
    )
    if chosen is not None:
        transition(
            lifecycle.INTEREST,
            Interest,
            chosen.id,
            expected=InterestStatus.SELECTED,
            to=InterestStatus.SHORTLISTED,
            actor=actor,
            roles={SYSTEM},
            values={"third_party_id": None},
        )
    notify(
        active_members(req.city_id),
        "selection.sent_back",
        {"title": req.title, "reason": reason.strip()[:300]},
        f"/pilot-requests/{req.id}/proposals",
    )
    return req


def get_partnership(actor: User, partnership_id: int) -> Partnership:
    """A partnership its parties and officials see; NotFound for anyone else."""
    from .permissions import can_view_partnership

    partnership = db.session.get(Partnership, partnership_id)
    if partnership is None or not can_view_partnership(actor, partnership):
        raise NotFound(_("No such partnership."))
    return partnership


def can_score(actor: User | None, interest: Interest) -> bool:
    return can_score_interest(actor, interest, interest.request)
