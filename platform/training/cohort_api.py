"""API: programmes, cohorts (quotas inside), their moves, sessions and the cohort calendar."""

from __future__ import annotations

from ..access import MEMBER, OFFICIAL, current_actor
from ..api import operation, paginated
from ..pagination import PageQuery
from . import calendar
from . import programmes as services
from .cohort_schemas import (
    CohortIn,
    CohortOut,
    CohortPage,
    CohortPatch,
    CohortQuery,
    CohortTransitionIn,
    ProgrammeIn,
    ProgrammeOut,
    ProgrammePage,
    ProgrammePatch,
    SessionIn,
    SessionList,
    SessionOut,
    SessionPatch,
)
from .models import Cohort, Programme, TrainingSession


def programme_out(p: Programme) -> dict:
    return {
        "id": p.id,
        "title": p.title,
        "year": p.year,
        "summary": p.summary,
        "is_demo": p.is_demo,
        "created_at": p.created_at,
        "updated_at": p.updated_at,
    }


def cohort_out(c: Cohort) -> dict:
    return {
        "id": c.id,
        "program_id": c.programme_id,
        "title": c.title,
        "description": c.description,
        "status": c.status,
        "starts_on": c.starts_on,
        "ends_on": c.ends_on,
        "timezone": c.timezone,
        "place_mode": c.place_mode,
        "address": c.address,
        "online_url": c.online_url,
        "languages": list(c.languages or []),
        "capacity": c.capacity,
        "seats_taken": c.seats_taken,
        "seats_left": max(0, c.capacity - c.seats_taken),
        "admission": c.admission,
        "award_years": list(c.award_years or []),
        "award_categories": list(c.award_categories or []),
        "org_kinds": list(c.org_kinds or []),
        "per_org_limit": c.per_org_limit,
        "application_deadline": c.application_deadline,
        "offer_hours": c.offer_hours,
        "attendance_threshold": c.attendance_threshold,
        "prerequisite_title": c.prerequisite_title,
        "prerequisite_url": c.prerequisite_url,
        "quotas": [
            {
                "region": str(q.region.value),
                "max_seats": q.max_seats,
                "reserved_seats": q.reserved_seats,
                "reserved_until": q.reserved_until,
            }
            for q in c.quotas
        ],
        "is_demo": c.is_demo,
        "created_at": c.created_at,
        "updated_at": c.updated_at,
    }


def session_out(s: TrainingSession) -> dict:
    return {
        "id": s.id,
        "cohort_id": s.cohort_id,
        "kind": s.kind,
        "title": s.title,
        "description": s.description,
        "starts_at": s.starts_at,
        "ends_at": s.ends_at,
        "place": s.place,
    }


def _cohort(cohort_id: int) -> CohortOut:
    return CohortOut.model_validate(cohort_out(services.get_cohort(current_actor(), cohort_id)))


# ---- programmes ------------------------------------------------------------------------------


@operation(
    "/programs",
    "GET",
    summary="Training programmes",
    tag="training",
    access=MEMBER,
    query=PageQuery,
    response=ProgrammePage,
)
def list_programs(query: PageQuery):
    return paginated(services.list_programmes(query), ProgrammePage, programme_out)


@operation(
    "/programs",
    "POST",
    summary="Create a training programme (officials)",
    tag="training",
    access=OFFICIAL,
    body=ProgrammeIn,
    response=ProgrammeOut,
    status=201,
)
def create_program(body: ProgrammeIn):
    return ProgrammeOut.model_validate(
        programme_out(services.create_programme(current_actor(), body))
    )


@operation(
    "/programs/<int:program_id>",
    "GET",
    summary="A training programme",
    tag="training",
    access=MEMBER,
    response=ProgrammeOut,
)
def get_program(program_id: int):
    return ProgrammeOut.model_validate(
        programme_out(services.get_programme(current_actor(), program_id))
    )


@operation(
    "/programs/<int:program_id>",
    "PATCH",
    summary="Change a training programme (officials)",
    tag="training",
    access=OFFICIAL,
    body=ProgrammePatch,
    response=ProgrammeOut,
)
def patch_program(program_id: int, body: ProgrammePatch):
    return ProgrammeOut.model_validate(
        programme_out(services.update_programme(current_actor(), program_id, body))
    )


# ---- cohorts ---------------------------------------------------------------------------------


@operation(
    "/cohorts",
    "GET",
    summary="Cohorts the caller may see (drafts: officials only)",
    tag="training",
    access=MEMBER,
    query=CohortQuery,
    response=CohortPage,
)
def list_cohorts(query: CohortQuery):
    return paginated(services.list_cohorts(current_actor(), query), CohortPage, cohort_out)


@operation(
    "/cohorts",
    "POST",
    summary="Create a cohort, with its regional quotas, as a draft (officials)",
    tag="training",
    access=OFFICIAL,
    body=CohortIn,
    response=CohortOut,
    status=201,
)
def create_cohort(body: CohortIn):
    """422 names each field at fault (dates order, a deadline after the start, reservations
    beyond the capacity, a bad time zone...). ``status`` and the seat counters are not
    accepted."""
    cohort = services.create_cohort(current_actor(), body)
    return _cohort(cohort.id)


@operation(
    "/cohorts/<int:cohort_id>",
    "GET",
    summary="A cohort, with its quotas",
    tag="training",
    access=MEMBER,
    response=CohortOut,
)
def get_cohort(cohort_id: int):
    return _cohort(cohort_id)


@operation(
    "/cohorts/<int:cohort_id>",
    "PATCH",
    summary="Change a cohort; quotas, when sent, replace the cohort's (officials)",
    tag="training",
    access=OFFICIAL,
    body=CohortPatch,
    response=CohortOut,
    errors=(409,),
)
def patch_cohort(cohort_id: int, body: CohortPatch):
    """A capacity below the seats already held is refused (422 on ``capacity``). Raising the
    capacity or changing quotas offers the freed seats to the waitlist."""
    services.update_cohort(current_actor(), cohort_id, body)
    return _cohort(cohort_id)


@operation(
    "/cohorts/<int:cohort_id>/transitions",
    "POST",
    summary="Move a cohort (publish, back to draft, start, complete, cancel with a reason)",
    tag="training",
    access=OFFICIAL,
    body=CohortTransitionIn,
    response=CohortOut,
    errors=(409,),
)
def transition_cohort(cohort_id: int, body: CohortTransitionIn):
    """409 when the move is not possible from the current state (named in the detail) or
    when a cohort with applications would go back to draft; 422 for a cancellation without a
    reason."""
    services.move_cohort(current_actor(), cohort_id, body.to, body.reason)
    return _cohort(cohort_id)


@operation(
    "/cohorts/<int:cohort_id>/calendar.ics",
    "GET",
    summary="The cohort's sessions as an iCalendar file",
    tag="training",
    access=MEMBER,
    produces=("text/calendar",),
)
def cohort_calendar(cohort_id: int):
    cohort = services.get_cohort(current_actor(), cohort_id)
    return calendar.response(calendar.cohort_calendar(cohort), f"cohort-{cohort.id}.ics")


# ---- sessions --------------------------------------------------------------------------------


@operation(
    "/cohorts/<int:cohort_id>/sessions",
    "GET",
    summary="The cohort's schedule",
    tag="training",
    access=MEMBER,
    response=SessionList,
)
def list_cohort_sessions(cohort_id: int):
    cohort = services.get_cohort(current_actor(), cohort_id)
    return SessionList.model_validate({"items": [session_out(s) for s in cohort.sessions]})


@operation(
    "/cohorts/<int:cohort_id>/sessions",
    "POST",
    summary="Add a session to the cohort's schedule (officials)",
    tag="training",
    access=OFFICIAL,
    body=SessionIn,
    response=SessionOut,
    status=201,
    errors=(409,),
)
def create_cohort_session(cohort_id: int, body: SessionIn):
    """Times carry their UTC offset; the session must end after it starts and fall within
    the cohort's dates, give or take a day."""
    return SessionOut.model_validate(
        session_out(services.add_session(current_actor(), cohort_id, body))
    )


@operation(
    "/sessions/<int:session_id>",
    "PATCH",
    summary="Change a session (officials)",
    tag="training",
    access=OFFICIAL,
    body=SessionPatch,
    response=SessionOut,
    errors=(409,),
)
def patch_session(session_id: int, body: SessionPatch):
    return SessionOut.model_validate(
        session_out(services.update_session(current_actor(), session_id, body))
    )


@operation(
    "/sessions/<int:session_id>",
    "DELETE",
    summary="Delete a session (officials)",
    tag="training",
    access=OFFICIAL,
    status=204,
    errors=(409,),
)
def delete_session(session_id: int):
    services.delete_session(current_actor(), session_id)
    return None
