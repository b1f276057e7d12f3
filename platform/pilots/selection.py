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

from flask_babel import gettext as _
from sqlalchemy import select

from ..accounts.models import User
from ..accounts.services import list_active_people, list_officials
from ..db import db
from ..errors import Conflict, NotFound, PermissionDenied, ValidationError
from ..lifecycle import SYSTEM, transition
from ..members.models import Organization, OrgKind, OrgStatus
from ..notifications.services import notify
from . import lifecycle
from .models import (
    Interest,
    InterestStatus,
    Partnership,
    PilotRequest,
    RequestStatus,
)
from .permissions import request_roles
from .proposals import get_request

IN_THE_RUNNING = (InterestStatus.SUBMITTED, InterestStatus.SHORTLISTED)
UNSET = object()  # "the caller did not say" (an API body without third_party_id)


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
        list_officials(),
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
            list_active_people([org_id]),
            "proposal.not_selected",
            {"title": req.title, "city": req.city.name},
            f"/proposals/{other_id}",
        )
    for org_id in partnership.party_ids:
        notify(
            list_active_people([org_id]),
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
        list_active_people([req.city_id]),
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
