"""API: pilot requests — list, draft, read, change, move (transitions), history, review."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from ..access import MEMBER, OFFICIAL, current_actor
from ..accounts.models import User
from ..api import operation, paginated
from ..db import db
from ..lifecycle import history
from . import permissions, pipeline, review
from . import requests as services
from .models import PilotRequest, PilotReview
from .request_schemas import (
    HistoryEntryOut,
    HistoryOut,
    RequestInput,
    RequestOut,
    RequestPage,
    RequestPatch,
    RequestQuery,
    ReviewIn,
    ReviewOut,
    TransitionIn,
)


def request_out(req: PilotRequest, *, with_children: bool = True) -> dict:
    return {
        "id": req.id,
        "city": {
            "id": req.city.id,
            "name": req.city.name,
            "country": req.city.country,
            "region": req.city.region.value,
        },
        "type": req.type,
        "status": req.status,
        "title": req.title,
        "sectors": req.sector_values,
        "challenge": req.challenge,
        "policy_needs": req.policy_needs,
        "technologies": list(req.technologies or []),
        "target_groups": list(req.target_groups or []),
        "budget_min": req.budget_min,
        "budget_max": req.budget_max,
        "currency": req.currency,
        "starts_on": req.starts_on,
        "ends_on": req.ends_on,
        "languages": list(req.languages or []),
        "kpis": [
            {"id": k.id, "name": k.name, "unit": k.unit, "baseline": k.baseline} for k in req.kpis
        ]
        if with_children
        else [],
        "criteria": [
            {"id": c.id, "name": c.name, "description": c.description, "weight": c.weight}
            for c in req.criteria
        ]
        if with_children
        else [],
        "deadline": req.deadline,
        "deadline_reason": req.deadline_reason,
        "submitted_at": req.submitted_at,
        "opened_at": req.opened_at,
        "closed_at": req.closed_at,
        "is_demo": req.is_demo,
        "created_at": req.created_at,
        "updated_at": req.updated_at,
    }


def _out(req: PilotRequest) -> RequestOut:
    return RequestOut.model_validate(request_out(req))


@operation(
    "/pilot-requests",
    "GET",
    summary="Pilot requests the caller may see",
    tag="pilots",
    access=MEMBER,
    query=RequestQuery,
    response=RequestPage,
)
def list_pilot_requests(query: RequestQuery):
    """Their own city's requests in every state, every call once opened, and for officials
    everything submitted or later. KPIs and criteria are left out of the list (read one
    request for them)."""
    page = pipeline.list_visible(current_actor(), query)
    return paginated(page, RequestPage, lambda r: request_out(r, with_children=False))


@operation(
    "/pilot-requests",
    "POST",
    summary="Draft a pilot request (a city member)",
    tag="pilots",
    access=MEMBER,
    body=RequestInput,
    response=RequestOut,
    status=201,
)
def create_pilot_request(body: RequestInput):
    actor = current_actor()
    req = services.create_request(actor, body)
    return _out(services.get_request(actor, req.id))


@operation(
    "/pilot-requests/<int:req_id>",
    "GET",
    summary="A pilot request",
    tag="pilots",
    access=MEMBER,
    response=RequestOut,
)
def get_pilot_request(req_id: int):
    return _out(services.get_request(current_actor(), req_id))


@operation(
    "/pilot-requests/<int:req_id>",
    "PATCH",
    summary="Change a draft (or a request sent back for changes); the city only",
    tag="pilots",
    access=MEMBER,
    body=RequestPatch,
    response=RequestOut,
    errors=(409,),
)
def patch_pilot_request(req_id: int, body: RequestPatch):
    actor = current_actor()
    services.update_request(actor, req_id, body)
    return _out(services.get_request(actor, req_id))


@operation(
    "/pilot-requests/<int:req_id>/transitions",
    "POST",
    summary="Move a pilot request (submit, ask for changes, open or close the call, reject, "
    "cancel)",
    tag="pilots",
    access=MEMBER,
    body=TransitionIn,
    response=RequestOut,
    errors=(409,),
)
def transition_pilot_request(req_id: int, body: TransitionIn):
    """409 when the move is not possible from the request's current state (named in the
    detail), 422 when a required reason or a valid deadline is missing."""
    actor = current_actor()
    review.move_request(actor, req_id, body.to, reason=body.reason, deadline=body.deadline)
    return _out(services.get_request(actor, req_id))


@operation(
    "/pilot-requests/<int:req_id>/history",
    "GET",
    summary="Every move of a pilot request: who, from, to, when, why",
    tag="pilots",
    access=MEMBER,
    response=HistoryOut,
)
def pilot_request_history(req_id: int):
    actor = current_actor()
    req = services.get_request(actor, req_id)  # visibility
    moves = history("pilot_request", req_id)
    ids = {m.actor_id for m in moves if m.actor_id is not None}
    names = dict(db.session.execute(select(User.id, User.name).where(User.id.in_(ids))).all())
    return HistoryOut(
        items=[
            HistoryEntryOut(
                from_state=m.from_state,
                to_state=m.to_state,
                actor=names.get(m.actor_id, "") if m.actor_id else _("Platform"),
                role=m.role,
                reason=m.reason
                if permissions.can_view_move_reason(actor, req, m.from_state)
                else "",
                at=m.at,
            )
            for m in moves
        ]
    )


@operation(
    "/pilot-requests/<int:req_id>/review",
    "PUT",
    summary="Save the calling official's review against the selection criteria",
    tag="pilots",
    access=OFFICIAL,
    body=ReviewIn,
    response=ReviewOut,
    errors=(409,),
)
def put_pilot_request_review(req_id: int, body: ReviewIn):
    actor = current_actor()
    saved: PilotReview = review.save_review(actor, req_id, body)
    return ReviewOut(
        request_id=req_id,
        reviewer=actor.name,
        scores=saved.scores,
        notes=saved.notes,
        summary=saved.summary,
        updated_at=saved.updated_at,
    )
