"""Who may see and do what with pilot requests, proposals and partnerships. One place; views,
the API and services ask here (services pass the roles to `lifecycle.transition`).

Visibility, in short:
- a **draft** is the city's own (officials see a request once it has been submitted);
- a submitted request (and its review) is seen by its city and by officials;
- once a call has been **opened**, every active member sees the request (open calls are what
  companies browse), whatever happens to it later;
- a **proposal** is seen by its own organisation and by officials, and by the request's city
  once the call is closed (proposals are sealed until the deadline, so that no proposer can be
  favoured with an early look); a proposer never sees another's;
- a **partnership workspace** (milestones, KPI values, reports, documents, its conversation)
  is seen by its parties and by officials only.
"""

from __future__ import annotations

from ..accounts.models import User, UserStatus
from . import lifecycle
from .models import Interest, InterestStatus, Partnership, PilotRequest, RequestStatus

SEALED_STATES = frozenset({RequestStatus.OPEN})


def _active(actor: User | None) -> bool:
    return actor is not None and actor.status == UserStatus.ACTIVE


def _member_of(actor: User | None, org_id: int | None) -> bool:
    return _active(actor) and org_id is not None and actor.organization_id == org_id


def request_roles(actor: User | None, req: PilotRequest) -> set[str]:
    """The lifecycle roles ``actor`` holds for ``req`` (empty for outsiders)."""
    roles: set[str] = set()
    if not _active(actor):
        return roles
    if actor.is_official:
        roles.add(lifecycle.OFFICIAL)
    if actor.organization_id == req.city_id:
        roles.add(lifecycle.CITY)
    return roles


def interest_roles(actor: User | None, interest: Interest, req: PilotRequest) -> set[str]:
    roles = request_roles(actor, req)
    if _member_of(actor, interest.organization_id):
        roles.add(lifecycle.PROPOSER)
    return roles


def can_create_pilot_request(actor: User | None) -> bool:
    """City members draft requests (an official drafts nothing on a city's behalf)."""
    from ..members.models import OrgKind

    return (
        _active(actor)
        and actor.organization is not None
        and actor.organization.kind == OrgKind.CITY
    )


def can_view_pilot_request(actor: User | None, req: PilotRequest) -> bool:
    if not _active(actor):
        return False
    if _member_of(actor, req.city_id):
        return True
    if req.submitted_at is None:  # never left the city
        return False
    if actor.is_official:
        return True
    return req.opened_at is not None


def can_edit_pilot_request(actor: User | None, req: PilotRequest) -> bool:
    """The city edits its request while it is a draft or changes were requested."""
    return _member_of(actor, req.city_id) and req.status in (
        RequestStatus.DRAFT,
        RequestStatus.CHANGES_REQUESTED,
    )


def can_review_pilot_request(actor: User | None, req: PilotRequest) -> bool:
    return _active(actor) and actor.is_official and req.submitted_at is not None


def can_propose(actor: User | None, req: PilotRequest) -> bool:
    """Companies and institutions answer an open call; the request's own city does not."""
    from ..members.models import OrgKind, OrgStatus

    return (
        _active(actor)
        and req.status == RequestStatus.OPEN
        and actor.organization is not None
        and actor.organization.status == OrgStatus.ACTIVE
        and actor.organization.kind in (OrgKind.COMPANY, OrgKind.INSTITUTION)
        and actor.organization_id != req.city_id
    )


def can_view_interest(actor: User | None, interest: Interest, req: PilotRequest) -> bool:
    if not _active(actor):
        return False
    if actor.is_official or _member_of(actor, interest.organization_id):
        return True
    # Unsealed for the city only once the call has closed (by its deadline or an official):
    # a call cancelled or rejected while open keeps its proposals sealed.
    return (
        _member_of(actor, req.city_id)
        and req.status not in SEALED_STATES
        and req.closed_at is not None
    )


def can_edit_interest(actor: User | None, interest: Interest, req: PilotRequest) -> bool:
    """The proposer edits its proposal while the call is open (the deadline is also checked
    in the service's UPDATE, so a save racing the deadline cannot slip through)."""
    return (
        _member_of(actor, interest.organization_id)
        and req.status == RequestStatus.OPEN
        and interest.status == InterestStatus.SUBMITTED
    )


def can_score_interest(actor: User | None, interest: Interest, req: PilotRequest) -> bool:
    """The city scores and shortlists once the call is closed."""
    return (
        _member_of(actor, req.city_id)
        and req.status == RequestStatus.CLOSED
        and interest.status in (InterestStatus.SUBMITTED, InterestStatus.SHORTLISTED)
    )


def can_view_partnership(actor: User | None, partnership: Partnership) -> bool:
    if not _active(actor):
        return False
    return actor.is_official or actor.organization_id in partnership.party_ids


def can_edit_partnership(actor: User | None, partnership: Partnership) -> bool:
    """Parties and officials manage milestones, KPI values and reports while it runs."""
    return can_view_partnership(actor, partnership) and partnership.request.status in (
        RequestStatus.IN_PROGRESS,
        RequestStatus.EVALUATION,
    )


# ---- the partnership workspace and its public results (appended by the workspace part) ----


def can_move_partnership(actor: User | None, partnership: Partnership) -> bool:
    """Officials move a partnership through in progress → evaluation → completed."""
    return _active(actor) and actor.is_official


def can_consent_to_results(actor: User | None, partnership: Partnership) -> bool:
    """The city decides whether its outcome may be published (at any stage, withdrawable)."""
    return _member_of(actor, partnership.city_id)


def can_publish_results(actor: User | None, partnership: Partnership) -> bool:
    """Officials publish (or unpublish) a completed outcome the city consented to share."""
    return _active(actor) and actor.is_official


# ---- appended by the requests part ---------------------------------------------------------

# Before a call opens, the reasons in a request's history are between the city and Seoul
# (comments asking for changes, a rejection): members who see the request once it is an open
# call see those moves, not their reasons.
PRIVATE_REASON_STATES = frozenset({"draft", "submitted", "changes_requested"})


def can_view_move_reason(actor: User | None, req: PilotRequest, from_state: str) -> bool:
    """Whether ``actor`` may read the reason of ``req``'s move out of ``from_state``."""
    if not can_view_pilot_request(actor, req):
        return False
    if str(from_state) not in PRIVATE_REASON_STATES:
        return True
    return bool(request_roles(actor, req) & {lifecycle.CITY, lifecycle.OFFICIAL})
