"""API: enrollments — apply, read, decide (one or in bulk), withdraw, accept or decline an
offer, confirm the prerequisite, my enrollments, a cohort's applications and its mix.

Who sees what is the services' and training/permissions.py's: an enrollment is visible to its
person, their organisation's admins and officials (NotFound for everyone else, so ids do not
reveal who applied); lists of a cohort's applicants and its mix are for officials. Offers past
their expiry are expired lazily (`enrollments.expire_due_offers`) wherever one is read or acted
on, so nobody accepts an offer the periodic job has not caught up with yet.
"""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from ..access import MEMBER, OFFICIAL, current_actor
from ..api import operation, paginated
from ..db import db
from ..errors import NotFound
from . import enrollments as services
from .enrollment_schemas import (
    BulkDecisionIn,
    BulkDecisionOut,
    CohortEnrollmentQuery,
    DecisionIn,
    EnrollmentIn,
    EnrollmentList,
    EnrollmentOut,
    EnrollmentPage,
    MixOut,
)
from .models import Cohort, Enrollment, EnrollmentStatus

# ---- helpers shared with the pages ----------------------------------------------------------


def waitlist_positions(rows: Iterable[Enrollment]) -> dict[int, int]:
    """The 1-based waitlist position of each waitlisted enrollment of ``rows``, in one query
    whatever their number (pages and lists must not ask once per row)."""
    ids = [e.id for e in rows if e.status == EnrollmentStatus.WAITLISTED]
    if not ids:
        return {}
    ahead = aliased(Enrollment)
    position = (
        select(func.count(ahead.id))
        .where(
            ahead.cohort_id == Enrollment.cohort_id,
            ahead.status == EnrollmentStatus.WAITLISTED,
            ahead.ticket <= Enrollment.ticket,
        )
        .correlate(Enrollment)
        .scalar_subquery()
    )
    rows = db.session.execute(select(Enrollment.id, position).where(Enrollment.id.in_(ids))).all()
    return {row[0]: row[1] for row in rows}


def expire_for_enrollment(enrollment_id: int) -> None:
    """Expire the due offers of the enrollment's cohort (no error for an unknown id: the
    service that follows answers 404)."""
    cohort_id = db.session.scalar(
        select(Enrollment.cohort_id).where(Enrollment.id == enrollment_id)
    )
    if cohort_id is not None:
        services.expire_due_offers(cohort_id)


def expire_my_offers(actor) -> None:
    """Expire the due offers of the cohorts where ``actor`` holds an offer (one query when
    they hold none)."""
    cohort_ids = db.session.scalars(
        select(Enrollment.cohort_id).where(
            Enrollment.user_id == actor.id, Enrollment.status == EnrollmentStatus.OFFERED
        )
    ).all()
    for cohort_id in sorted(set(cohort_ids)):
        services.expire_due_offers(cohort_id)


def enrollment_out(e: Enrollment, position: int | None = None) -> dict:
    user, org = e.user, e.organization
    return {
        "id": e.id,
        "cohort_id": e.cohort_id,
        "cohort_title": e.cohort.title,
        "person": {"id": user.id, "name": user.name} if user is not None else None,
        "organization": {
            "id": org.id,
            "name": org.name,
            "country": org.country,
            "region": str(org.region.value),
        }
        if org is not None
        else None,
        "region": str(getattr(e.region, "value", e.region)),
        "status": e.status,
        "ticket": e.ticket,
        "waitlist_position": position if e.status == EnrollmentStatus.WAITLISTED else None,
        "motivation": e.motivation or "",
        "applied_by_self": e.applied_by_id is None or e.applied_by_id == e.user_id,
        "offered_at": e.offered_at,
        "offer_expires_at": e.offer_expires_at if e.status == EnrollmentStatus.OFFERED else None,
        "prerequisite_confirmed_at": e.prerequisite_confirmed_at,
        "decided_at": e.decided_at,
        "created_at": e.created_at,
        "updated_at": e.updated_at,
    }


def _one(enrollment_id: int) -> EnrollmentOut:
    e = services.get_enrollment(current_actor(), enrollment_id)
    return EnrollmentOut.model_validate(enrollment_out(e, waitlist_positions([e]).get(e.id)))


MIX_DIMENSIONS = ("region", "award_category", "org_kind", "country")


def mix_rows(mix: dict) -> dict[str, list[dict]]:
    """``cohort_mix``'s ``{group: {dimension: {value: n}}}`` turned into rows per dimension,
    ``[{"value", "counts": {group: n}}]`` sorted by value: the tables officials read."""
    out: dict[str, list[dict]] = {}
    for dimension in MIX_DIMENSIONS:
        values: dict[str, dict[str, int]] = {}
        for group, entry in (mix or {}).items():
            for value, n in dict(entry.get(dimension) or {}).items():
                values.setdefault(str(value), dict.fromkeys(mix, 0))[str(group)] = int(n)
        out[dimension] = [{"value": v, "counts": values[v]} for v in sorted(values)]
    return out


def mix_totals(mix: dict) -> dict[str, int]:
    return {str(group): int(entry.get("total", 0)) for group, entry in (mix or {}).items()}


# ---- operations -------------------------------------------------------------------------------


@operation(
    "/cohorts/<int:cohort_id>/enrollments",
    "POST",
    summary="Apply to a cohort (for oneself, or an org admin for a colleague)",
    tag="training",
    access=MEMBER,
    body=EnrollmentIn,
    response=EnrollmentOut,
    status=201,
    errors=(409,),
)
def apply_to_cohort(cohort_id: int, body: EnrollmentIn):
    """A first-come cohort enrolls at once while a seat is free within its quotas and
    per-organisation limit (``status`` = ``enrolled``), else waitlists (``waitlisted``, with
    ``waitlist_position``); a reviewed cohort collects the application (``applied``).
    ``user_id`` names a colleague (org admins only). 422 lists every eligibility reason
    (codes in ``errors``); 409 when the person already has an enrollment in an active state
    (the state is named) or was rejected. Withdrawn, declined or expired: applying again
    puts them at the back of the line."""
    actor = current_actor()
    e = services.apply_to_cohort(actor, cohort_id, user_id=body.user_id, motivation=body.motivation)
    db.session.flush()
    return _one(e.id)


@operation(
    "/cohorts/<int:cohort_id>/enrollments",
    "GET",
    summary="A cohort's enrollments in ticket order (officials; beyond the API.md contract)",
    tag="training",
    access=OFFICIAL,
    query=CohortEnrollmentQuery,
    response=EnrollmentPage,
)
def list_cohort_enrollments(cohort_id: int, query: CohortEnrollmentQuery):
    """Officials only. Paginated (``page``, ``per_page``) in arrival order; ``status``
    filters (e.g. ``applied`` for the applications to decide)."""
    services.expire_due_offers(cohort_id)
    page = services.list_cohort_enrollments(current_actor(), cohort_id, query, status=query.status)
    positions = waitlist_positions(page.items)
    return paginated(page, EnrollmentPage, lambda e: enrollment_out(e, positions.get(e.id)))


@operation(
    "/cohorts/<int:cohort_id>/decisions",
    "POST",
    summary="Decide several applications at once (officials; beyond the API.md contract)",
    tag="training",
    access=OFFICIAL,
    body=BulkDecisionIn,
    response=BulkDecisionOut,
)
def decide_cohort_enrollments(cohort_id: int, body: BulkDecisionIn):
    """One decision (accept, reject with a reason, waitlist) for up to 100 enrollments of
    the cohort, under one lock of the cohort. Each id is answered on its own (``ok`` and a
    message: accepted, or why not — no seat, organisation limit, regional quota, reserved
    seats, a state that does not allow it); the ones that succeed are kept."""
    services.expire_due_offers(cohort_id)
    results = services.decide_enrollments(
        current_actor(), cohort_id, body.ids, body.decision, body.reason
    )
    return BulkDecisionOut(
        items=[
            {"id": i, "ok": bool(ok), "message": str(message or "")} for i, ok, message in results
        ]
    )


@operation(
    "/cohorts/<int:cohort_id>/mix",
    "GET",
    summary="A cohort's mix by region, award category, kind of organisation and country "
    "(officials; beyond the API.md contract)",
    tag="training",
    access=OFFICIAL,
    response=MixOut,
)
def cohort_mix(cohort_id: int):
    """Officials only: for each dimension, how many hold a seat (enrolled or offered), have
    applied, or wait on the list. Counts only, never names."""
    if db.session.get(Cohort, cohort_id) is None:
        raise NotFound(_("No such cohort."))
    mix = services.cohort_mix(cohort_id)
    return MixOut(cohort_id=cohort_id, totals=mix_totals(mix), dimensions=mix_rows(mix))


@operation(
    "/enrollments/<int:enrollment_id>",
    "GET",
    summary="An enrollment (its person, their organisation's admins, officials)",
    tag="training",
    access=MEMBER,
    response=EnrollmentOut,
)
def get_enrollment(enrollment_id: int):
    """404 for anyone else. An offer past its expiry is expired first."""
    expire_for_enrollment(enrollment_id)
    return _one(enrollment_id)


@operation(
    "/enrollments/<int:enrollment_id>/decision",
    "POST",
    summary="Accept, reject (with a reason) or waitlist an application (officials)",
    tag="training",
    access=OFFICIAL,
    body=DecisionIn,
    response=EnrollmentOut,
    errors=(409,),
)
def decide_enrollment(enrollment_id: int, body: DecisionIn):
    """409 names the current state when it does not allow the decision, or says why no seat
    can be given (full, organisation limit, regional quota, reserved seats); 422 when a
    rejection has no reason."""
    expire_for_enrollment(enrollment_id)
    services.decide_enrollment(current_actor(), enrollment_id, body.decision, body.reason)
    return _one(enrollment_id)


def _act(enrollment_id: int, service) -> EnrollmentOut:
    expire_for_enrollment(enrollment_id)
    service(current_actor(), enrollment_id)
    return _one(enrollment_id)


@operation(
    "/enrollments/<int:enrollment_id>/withdraw",
    "POST",
    summary="Withdraw (the person or their organisation's admin)",
    tag="training",
    access=MEMBER,
    response=EnrollmentOut,
    errors=(409,),
)
def withdraw_enrollment(enrollment_id: int):
    """A freed seat is offered to the next eligible person on the waitlist. 409 names the
    state when there is nothing to withdraw."""
    return _act(enrollment_id, services.withdraw_enrollment)


@operation(
    "/enrollments/<int:enrollment_id>/accept-offer",
    "POST",
    summary="Accept an offered seat before it expires",
    tag="training",
    access=MEMBER,
    response=EnrollmentOut,
    errors=(409,),
)
def accept_offer(enrollment_id: int):
    """409 when there is no offer (any more): expired, declined, or never made."""
    return _act(enrollment_id, services.accept_offer)


@operation(
    "/enrollments/<int:enrollment_id>/decline-offer",
    "POST",
    summary="Decline an offered seat (beyond the API.md contract)",
    tag="training",
    access=MEMBER,
    response=EnrollmentOut,
    errors=(409,),
)
def decline_offer(enrollment_id: int):
    """The seat goes to the next eligible person on the waitlist. 409 when there is no
    offer (any more)."""
    return _act(enrollment_id, services.decline_offer)


@operation(
    "/enrollments/<int:enrollment_id>/prerequisite",
    "POST",
    summary="Confirm the cohort's prerequisite module is done (beyond the API.md contract)",
    tag="training",
    access=MEMBER,
    response=EnrollmentOut,
    errors=(409,),
)
def confirm_prerequisite(enrollment_id: int):
    """The person (or their organisation's admin) confirms the self-paced module before the
    in-person part."""
    return _act(enrollment_id, services.confirm_prerequisite)


@operation(
    "/me/enrollments",
    "GET",
    summary="The caller's own enrollments (beyond the API.md contract)",
    tag="training",
    access=MEMBER,
    response=EnrollmentList,
)
def my_enrollments():
    """Every cohort the caller applied to, with status, waitlist position and any offer."""
    expire_my_offers(current_actor())
    rows = list(services.list_my_enrollments(current_actor()))
    positions = waitlist_positions(rows)
    return EnrollmentList(items=[enrollment_out(e, positions.get(e.id)) for e in rows])
