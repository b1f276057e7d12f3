"""API: proposals (interests), their scores and shortlist, the city's selection, the
official's approval creating the partnership, and a minimal read of a partnership.

Each handler parses (operation() validates the body), lets the service check object-level
access (NotFound for what the caller may not know exists) and shapes a response that shows
scores and the third partner only to those who may see them.
"""

from __future__ import annotations

from ..access import MEMBER, OFFICIAL, current_actor
from ..api import operation, paginated
from ..pagination import PageQuery
from . import proposal_scores, proposals, selection
from .models import Interest, Partnership
from .proposal_schemas import (
    ApprovalIn,
    InterestOut,
    InterestPage,
    OrgRef,
    PartnershipOut,
    ProposalFields,
    ProposalPatch,
    ScoreOut,
    ScoresIn,
    SelectionIn,
    SelectionOut,
    SendBackIn,
    ShortlistIn,
)

TAG = "pilots"


def _org(org) -> OrgRef | None:
    if org is None:
        return None
    return OrgRef(id=org.id, name=org.name, kind=org.kind.value)


def interest_out(interest: Interest, actor=None) -> InterestOut:
    actor = actor or current_actor()
    req = interest.request
    scores = total = third = None
    if proposal_scores.can_see_scores(actor, req):
        summary = proposal_scores.score_summary(req.criteria, interest.scores)
        scores = [
            ScoreOut(
                criterion_id=line.criterion_id,
                criterion=line.criterion,
                weight=line.weight,
                score=line.score,
                note=line.note,
            )
            for line in summary.lines
        ]
        total = summary.total
        third = _org(interest.third_party)
    return InterestOut(
        id=interest.id,
        request_id=req.id,
        request_title=req.title,
        organization=_org(interest.organization),
        status=interest.status.value,
        approach=interest.approach,
        team=interest.team,
        references=interest.references,
        cost_amount=interest.cost_amount,
        currency=interest.currency,
        duration_months=interest.duration_months,
        created_at=interest.created_at,
        updated_at=interest.updated_at,
        scores=scores,
        weighted_total=total,
        third_party=third,
    )


def partnership_out(partnership: Partnership) -> PartnershipOut:
    return PartnershipOut(
        id=partnership.id,
        request_id=partnership.request_id,
        interest_id=partnership.interest_id,
        status=partnership.request.status.value,
        city=_org(partnership.city),
        partner=_org(partnership.partner),
        third_party=_org(partnership.third_party),
        approved_by_id=partnership.approved_by_id,
        started_at=partnership.started_at,
        completed_at=partnership.completed_at,
    )


def _fresh(actor, interest_id: int) -> InterestOut:
    return interest_out(proposals.get_interest(actor, interest_id), actor)


@operation(
    "/pilot-requests/<int:request_id>/interests",
    "GET",
    summary="Proposals for a request (officials; the city after the deadline; a proposer "
    "only its own)",
    tag=TAG,
    access=MEMBER,
    query=PageQuery,
    response=InterestPage,
)
def list_interests(request_id: int, query: PageQuery):
    actor = current_actor()
    page = proposals.list_request_proposals(actor, request_id, query)
    return paginated(page, InterestPage, lambda i: interest_out(i, actor))


@operation(
    "/pilot-requests/<int:request_id>/interests",
    "POST",
    summary="Submit a proposal to an open call (companies and institutions)",
    tag=TAG,
    access=MEMBER,
    body=ProposalFields,
    response=InterestOut,
    status=201,
    errors=(409,),
)
def create_interest(request_id: int, body: ProposalFields):
    actor = current_actor()
    interest = proposals.submit_proposal(actor, request_id, body)
    return _fresh(actor, interest.id)


@operation(
    "/interests/<int:interest_id>",
    "GET",
    summary="A proposal (its organisation, officials, the city after the deadline)",
    tag=TAG,
    access=MEMBER,
    response=InterestOut,
)
def get_interest(interest_id: int):
    return _fresh(current_actor(), interest_id)


@operation(
    "/interests/<int:interest_id>",
    "PATCH",
    summary="Change a submitted proposal before the deadline (the proposer)",
    tag=TAG,
    access=MEMBER,
    body=ProposalPatch,
    response=InterestOut,
    errors=(409,),
)
def patch_interest(interest_id: int, body: ProposalPatch):
    actor = current_actor()
    proposals.edit_proposal(actor, interest_id, body)
    return _fresh(actor, interest_id)


@operation(
    "/interests/<int:interest_id>/withdraw",
    "POST",
    summary="Withdraw a proposal before the deadline (the proposer)",
    tag=TAG,
    access=MEMBER,
    response=InterestOut,
    errors=(409,),
)
def withdraw_interest(interest_id: int):
    actor = current_actor()
    proposals.withdraw_proposal(actor, interest_id)
    return _fresh(actor, interest_id)


@operation(
    "/interests/<int:interest_id>/resubmit",
    "POST",
    summary="Submit a withdrawn proposal again before the deadline (the proposer)",
    tag=TAG,
    access=MEMBER,
    response=InterestOut,
    errors=(409,),
)
def resubmit_interest(interest_id: int):
    actor = current_actor()
    proposals.resubmit_proposal(actor, interest_id)
    return _fresh(actor, interest_id)


@operation(
    "/interests/<int:interest_id>/scores",
    "POST",
    summary="Score a proposal against the request's criteria (the city, after the deadline)",
    tag=TAG,
    access=MEMBER,
    body=ScoresIn,
    response=InterestOut,
    errors=(409,),
)
def score_interest(interest_id: int, body: ScoresIn):
    actor = current_actor()
    proposal_scores.score_proposal(actor, interest_id, body)
    return _fresh(actor, interest_id)


@operation(
    "/interests/<int:interest_id>/shortlist",
    "POST",
    summary="Put a proposal on the shortlist or take it off (the city, after the deadline)",
    tag=TAG,
    access=MEMBER,
    body=ShortlistIn,
    response=InterestOut,
    errors=(409,),
)
def shortlist_interest(interest_id: int, body: ShortlistIn):
    actor = current_actor()
    proposal_scores.set_shortlisted(actor, interest_id, body.shortlisted)
    return _fresh(actor, interest_id)


@operation(
    "/pilot-requests/<int:request_id>/selection",
    "POST",
    summary="Select a partner, optionally naming a third partner institution (the city)",
    tag=TAG,
    access=MEMBER,
    body=SelectionIn,
    response=SelectionOut,
    errors=(409,),
)
def select_partner(request_id: int, body: SelectionIn):
    actor = current_actor()
    interest = selection.select_partner(actor, request_id, body.interest_id, body.third_party_id)
    return SelectionOut(
        request_id=request_id,
        status="partner_selected",
        interest_id=interest.id,
        third_party_id=body.third_party_id,
    )


@operation(
    "/pilot-requests/<int:request_id>/selection/send-back",
    "POST",
    summary="Send the city's selection back with a reason (officials)",
    tag=TAG,
    access=OFFICIAL,
    body=SendBackIn,
    response=SelectionOut,
    errors=(409,),
)
def send_back_selection(request_id: int, body: SendBackIn):
    actor = current_actor()
    selected = selection.selected_interest(proposals.get_request(actor, request_id))
    selection.send_back_selection(actor, request_id, body.reason)
    return SelectionOut(
        request_id=request_id,
        status="closed",
        interest_id=selected.id if selected else None,
        third_party_id=None,
    )


@operation(
    "/pilot-requests/<int:request_id>/partnership",
    "POST",
    summary="Approve the city's selection, creating the partnership (officials)",
    tag=TAG,
    access=OFFICIAL,
    body=ApprovalIn,
    response=PartnershipOut,
    status=201,
    errors=(409,),
)
def approve_partnership(request_id: int, body: ApprovalIn):
    actor = current_actor()
    third = body.third_party_id if "third_party_id" in body.model_fields_set else selection.UNSET
    partnership = selection.approve_selection(actor, request_id, body.company_id, third)
    return partnership_out(partnership)


@operation(
    "/partnerships/<int:partnership_id>",
    "GET",
    summary="A partnership: its parties and state (parties and officials)",
    tag=TAG,
    access=MEMBER,
    response=PartnershipOut,
)
def get_partnership(partnership_id: int):
    return partnership_out(selection.get_partnership(current_actor(), partnership_id))
