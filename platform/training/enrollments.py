"""Enrollment: applying, officials' decisions, the waitlist and its time-limited offers.

Every function that may change who holds a seat takes `seats.lock_cohort` first in its
transaction (after, at most, reading the immutable ``cohort_id`` of an enrollment), then
counts and moves the counter; so on PostgreSQL (READ COMMITTED: each statement sees what the
previous lock holder committed) and on SQLite (BEGIN IMMEDIATE) the counts are exact and the
arrival tickets follow lock order.

The waitlist is kept **saturated**: after every service here, no waitlisted person could take
a free seat (`fill_free_seats` has offered it to the first of them, in ticket order, that the
quotas and the per-organisation limit allow). So a newcomer to a first-come cohort enrols only
when everyone ahead is blocked by a limit that does not block them (first-come within quotas).

Services flush only; they raise NotFound, PermissionDenied, ValidationError and Conflict.
"""

from __future__ import annotations

import secrets
from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import and_, exists, func, or_, select, update
from sqlalchemy.orm import joinedload

from ..accounts.models import User, UserStatus
from ..db import as_utc, db, utcnow
from ..errors import Conflict, DomainError, NotFound, PermissionDenied, ValidationError
from ..lifecycle import SYSTEM, record_start, transition
from ..members.models import Award, Organization
from ..notifications.services import notify
from ..pagination import Page, PageQuery, paginate
from . import eligibility, lifecycle, permissions, seats
from .models import (
    SEAT_HOLDING,
    AdmissionMode,
    Cohort,
    CohortStatus,
    Enrollment,
    EnrollmentStatus,
)
from .seats import NoSeat

S = EnrollmentStatus

# A row in one of these states is a live application: applying again is a Conflict.
ACTIVE = (S.APPLIED, S.ENROLLED, S.WAITLISTED, S.OFFERED, S.COMPLETED)
# From these one may apply again (a new ticket: the back of the line).
REAPPLY = (S.WITHDRAWN, S.DECLINED, S.EXPIRED)
# Cohorts whose freed seats are offered to the waitlist.
OFFERING = (CohortStatus.PUBLISHED, CohortStatus.IN_PROGRESS)
DECISIONS = ("accept", "reject", "waitlist")

# The groups of cohort_mix.
MIX_GROUPS = {
    "seated": (S.ENROLLED, S.OFFERED, S.COMPLETED),
    "applied": (S.APPLIED,),
    "waitlisted": (S.WAITLISTED,),
}


def enrollment_link(enrollment_id: int) -> str:
    return f"/training/enrollments/{enrollment_id}"


def no_seat_message(reason: NoSeat) -> str:
    """Why there is no seat, for a person (the Conflict of an official's accept)."""
    return {
        NoSeat.FULL: _("The cohort is full."),
        NoSeat.ORGANIZATION_LIMIT: _(
            "Their organisation already holds as many seats as the cohort allows."
        ),
        NoSeat.REGION_LIMIT: _("Their region has reached its maximum number of seats."),
        NoSeat.RESERVED: _("The free seats are reserved for other regions."),
    }[NoSeat(reason)]


def _format_time(value: datetime) -> str:
    return as_utc(value).strftime("%Y-%m-%d %H:%M UTC")


def _recipients(*people: User | None) -> list[User]:
    return [p for p in people if p is not None and p.status == UserStatus.ACTIVE]


def _system_actor(actor: User | None) -> User | None:
    # System moves record an official who caused them (a capacity raise); never another
    # participant (a withdrawal must not name the withdrawn person in the next one's history).
    return actor if permissions.is_official(actor) else None


def _load(enrollment_id: int) -> Enrollment | None:
    return db.session.scalar(
        select(Enrollment)
        .where(Enrollment.id == enrollment_id)
        .options(
            joinedload(Enrollment.user),
            joinedload(Enrollment.organization),
            joinedload(Enrollment.cohort),
        )
        .execution_options(populate_existing=True)
    )


def _lock_for(enrollment_id: int) -> tuple[Cohort, Enrollment]:
    """Lock the cohort of an enrollment, then load the enrollment fresh. NotFound."""
    cohort_id = db.session.scalar(
        select(Enrollment.cohort_id).where(Enrollment.id == enrollment_id)
    )
    if cohort_id is None:
        raise NotFound(_("Not found"))
    cohort = seats.lock_cohort(cohort_id)
    enrollment = _load(enrollment_id)
    if enrollment is None:
        raise NotFound(_("Not found"))
    return cohort, enrollment


def _visible(actor: User | None, enrollment: Enrollment | None) -> Enrollment:
    if enrollment is None or not permissions.can_view_enrollment(actor, enrollment):
        raise NotFound(_("Not found"))
    return enrollment


# ---- reading ---------------------------------------------------------------------------------


def waitlist_position(enrollment: Enrollment) -> int | None:
    """1-based place among the cohort's waitlisted people by ticket; None if not waitlisted."""
    if enrollment.status != S.WAITLISTED:
        return None
    return db.session.scalar(
        select(func.count(Enrollment.id)).where(
            Enrollment.cohort_id == enrollment.cohort_id,
            Enrollment.status == S.WAITLISTED,
            Enrollment.ticket <= enrollment.ticket,
        )
    )


def get_enrollment(actor: User | None, enrollment_id: int) -> Enrollment:
    """The enrollment with its person, organisation and cohort; NotFound for anyone who may
    not see it. An offer past its expiry is expired first (lazily, under the cohort lock)."""
    enrollment = _visible(actor, _load(enrollment_id))
    if (
        enrollment.status == S.OFFERED
        and enrollment.offer_expires_at is not None
        and as_utc(enrollment.offer_expires_at) <= utcnow()
    ):
        expire_due_offers(enrollment.cohort_id)
        enrollment = _visible(actor, _load(enrollment_id))
    return enrollment


def find_enrollment(cohort_id: int, user_id: int) -> Enrollment | None:
    """A person's row in a cohort, if any (no permission check: for pages that already know
    the viewer is that person or acts for them)."""
    return db.session.scalar(
        select(Enrollment)
        .where(Enrollment.cohort_id == cohort_id, Enrollment.user_id == user_id)
        .execution_options(populate_existing=True)  # as it is now, under the cohort lock
    )


def list_my_enrollments(actor: User | None) -> list[Enrollment]:
    """The actor's own enrollments, with their cohorts, the latest cohort first."""
    if actor is None or actor.status != UserStatus.ACTIVE:
        return []
    return list(
        db.session.scalars(
            select(Enrollment)
            .join(Cohort, Cohort.id == Enrollment.cohort_id)
            .where(Enrollment.user_id == actor.id)
            .options(joinedload(Enrollment.cohort))
            .order_by(Cohort.starts_on.desc(), Enrollment.id.desc())
        )
    )


def _statuses(status) -> list[EnrollmentStatus] | None:
    if status is None or status == "":
        return None
    try:
        return [S(status)] if isinstance(status, str) else [S(s) for s in status]
    except ValueError:
        raise ValidationError(_("Some fields are invalid."), {"status": [_("Not found")]}) from None


def list_cohort_enrollments(
    actor: User | None,
    cohort_id: int,
    query: PageQuery | None = None,
    status: str | Iterable[str] | None = None,
) -> Page[Enrollment]:
    """One page of a cohort's enrollments in ticket order (officials), optionally of one
    status or several; person and organisation loaded with them."""
    if not permissions.can_manage_training(actor):
        raise PermissionDenied(_("Only Seoul officials see a cohort's applicants."))
    if db.session.get(Cohort, cohort_id) is None:
        raise NotFound(_("No such cohort."))
    stmt = (
        select(Enrollment)
        .where(Enrollment.cohort_id == cohort_id)
        .options(joinedload(Enrollment.user), joinedload(Enrollment.organization))
        .order_by(Enrollment.ticket)
    )
    wanted = _statuses(status)
    if wanted:
        stmt = stmt.where(Enrollment.status.in_(wanted))
    return paginate(stmt, query or PageQuery())


def cohort_mix(cohort_id: int) -> dict:
    """The cohort's mix per status group (seated: enrolled, offered or completed; applied;
    waitlisted): ``{group: {"total", "region", "award_category", "org_kind", "country"}}``,
    each a ``{value: count}``. A person counts once per award category their organisation or
    they hold (so categories may add up to more than the total). Two queries."""
    group_of = {status.value: group for group, members in MIX_GROUPS.items() for status in members}
    mix = {
        group: {
            "total": 0,
            "region": defaultdict(int),
            "award_category": defaultdict(int),
            "org_kind": defaultdict(int),
            "country": defaultdict(int),
        }
        for group in MIX_GROUPS
    }
    wanted = list(group_of)
    rows = db.session.execute(
        select(
            Enrollment.status,
            Enrollment.region,
            Organization.kind,
            Organization.country,
            func.count(Enrollment.id),
        )
        .outerjoin(Organization, Organization.id == Enrollment.organization_id)
        .where(Enrollment.cohort_id == cohort_id, Enrollment.status.in_(wanted))
        .group_by(Enrollment.status, Enrollment.region, Organization.kind, Organization.country)
    ).all()
    for status, region, kind, country, n in rows:
        entry = mix[group_of[str(getattr(status, "value", status))]]
        entry["total"] += n
        entry["region"][str(getattr(region, "value", region))] += n
        entry["org_kind"][str(getattr(kind, "value", kind)) if kind else ""] += n
        entry["country"][country or ""] += n
    awards = db.session.execute(
        select(Enrollment.status, Award.category, func.count(func.distinct(Enrollment.id)))
        .join(
            Award,
            or_(
                and_(
                    Enrollment.organization_id.is_not(None),
                    Award.organization_id == Enrollment.organization_id,
                ),
                Award.laureate_user_id == Enrollment.user_id,
            ),
        )
        .where(Enrollment.cohort_id == cohort_id, Enrollment.status.in_(wanted))
        .group_by(Enrollment.status, Award.category)
    ).all()
    for status, category, n in awards:
        entry = mix[group_of[str(getattr(status, "value", status))]]
        entry["award_category"][str(getattr(category, "value", category)) if category else ""] += n
    return {
        group: {k: dict(v) if isinstance(v, defaultdict) else v for k, v in entry.items()}
        for group, entry in mix.items()
    }


# ---- applying --------------------------------------------------------------------------------


def _person(actor: User | None, user_id: int | None) -> User:
    if actor is None or actor.status != UserStatus.ACTIVE:
        raise PermissionDenied(_("Sign in with an active account to apply."))
    if user_id is None or user_id == actor.id:
        return actor
    person = db.session.get(User, user_id)
    if person is None:
        raise NotFound(_("No such person."))
    if not permissions.acts_for(actor, person):
        raise PermissionDenied(
            _("You may apply for yourself or, as an admin of their organisation, a colleague.")
        )
    return person


def apply_to_cohort(
    actor: User | None,
    cohort_id: int,
    *,
    user_id: int | None = None,
    motivation: str = "",
) -> Enrollment:
    """Apply ``user_id`` (default: the actor; an org admin may apply for a colleague).

    First-come cohorts enrol at once when a seat is free for the person within the quotas and
    the per-organisation limit, else waitlist (the reason recorded in the history); reviewed
    cohorts collect the application (applied). Raises NotFound (no such cohort, or a draft),
    PermissionDenied, ValidationError (not eligible: every reason's code in ``errors``),
    Conflict (already applied, enrolled, waitlisted... or rejected)."""
    cohort = seats.lock_cohort(cohort_id)
    if not permissions.can_view_cohort(actor, cohort):
        raise NotFound(_("No such cohort."))
    person = _person(actor, user_id)
    now = utcnow()
    existing = find_enrollment(cohort_id, person.id)
    if existing is not None and existing.status not in REAPPLY:
        raise Conflict(_(lifecycle.ENROLLMENT.conflict_messages[existing.status.value]))
    reasons = eligibility.reasons_not_eligible(person, cohort, now)
    if reasons:
        raise ValidationError(
            _("This person cannot apply to this cohort."),
            {reason.code: [reason.message] for reason in reasons},
        )

    # Offers first: seats freed meanwhile (an expired offer, a reservation past its date) go
    # to those already in line before a newcomer is placed.
    _expire_due(cohort, now)
    fill_free_seats(actor, cohort_id)

    org = person.organization
    region = org.region
    org_id = org.id
    reason = ""
    if cohort.admission == AdmissionMode.REVIEWED:
        status = S.APPLIED
    else:
        blocked = seats.why_no_seat(cohort, seats.count_holders(cohort_id), region, org_id, now)
        status = S.WAITLISTED if blocked else S.ENROLLED
        reason = blocked.value if blocked else ""
    values = {
        "ticket": seats.next_ticket(cohort_id),
        "motivation": motivation.strip(),
        "region": region,
        "organization_id": org_id,
        "applied_by_id": actor.id if actor.id != person.id else None,
        "offered_at": None,
        "offer_expires_at": None,
        "offer_reminded_at": None,
        "decided_at": None,
        "decided_by_id": None,
        "prerequisite_confirmed_at": None,
        "letter_code": secrets.token_urlsafe(24) if status == S.ENROLLED else None,
    }
    if status == S.ENROLLED:
        seats.take_seat(cohort_id)
    if existing is None:
        enrollment = Enrollment(cohort_id=cohort_id, user_id=person.id, status=status, **values)
        db.session.add(enrollment)
        db.session.flush()
        record_start(
            lifecycle.ENROLLMENT,
            enrollment.id,
            status.value,
            actor=actor,
            role=lifecycle.PARTICIPANT,
            reason=reason,
        )
    else:
        transition(
            lifecycle.ENROLLMENT,
            Enrollment,
            existing.id,
            expected=existing.status,
            to=status,
            actor=actor,
            roles={lifecycle.PARTICIPANT},
            reason=reason,
            values=values,
        )
        enrollment = existing
    enrollment = _load(enrollment.id)
    _notify_placed(enrollment, also=actor)
    return enrollment


def _notify_placed(enrollment: Enrollment, also: User | None = None) -> None:
    """Tell the person (and an admin who applied for them) where they stand now."""
    people = _recipients(enrollment.user, also if also is not enrollment.user else None)
    link = enrollment_link(enrollment.id)
    title = enrollment.cohort.title
    if enrollment.status == S.ENROLLED:
        notify(people, "training.enrolled", {"cohort": title}, link, about=enrollment.user)
    elif enrollment.status == S.WAITLISTED:
        notify(
            people,
            "training.waitlisted",
            {"cohort": title, "position": waitlist_position(enrollment) or 0},
            link,
            about=enrollment.user,
        )
    elif enrollment.status == S.APPLIED:
        notify(people, "training.applied", {"cohort": title}, link, about=enrollment.user)


# ---- officials' decisions --------------------------------------------------------------------


def _decide(
    actor: User, cohort: Cohort, enrollment: Enrollment, decision: str, reason: str
) -> Enrollment:
    now = utcnow()
    current = enrollment.status
    done = {"decided_at": now, "decided_by_id": actor.id}
    if decision == "accept":
        if current not in (S.APPLIED, S.WAITLISTED):
            raise Conflict(_(lifecycle.ENROLLMENT.conflict_messages[current.value]))
        blocked = seats.why_no_seat(
            cohort,
            seats.count_holders(cohort.id),
            enrollment.region,
            enrollment.organization_id,
            now,
        )
        if blocked:
            raise Conflict(_("No seat for this person: %(why)s", why=no_seat_message(blocked)))
        transition(
            lifecycle.ENROLLMENT,
            Enrollment,
            enrollment.id,
            expected=current,
            to=S.ENROLLED,
            actor=actor,
            roles={lifecycle.OFFICIAL},
            reason=reason,
            values={**done, "letter_code": secrets.token_urlsafe(24)},
        )
        seats.take_seat(cohort.id)
    elif decision == "reject":
        if not reason.strip():
            raise ValidationError(
                _("Some fields are invalid."), {"reason": [_("Give a reason for rejecting.")]}
            )
        transition(
            lifecycle.ENROLLMENT,
            Enrollment,
            enrollment.id,
            expected=current,
            to=S.REJECTED,
            actor=actor,
            roles={lifecycle.OFFICIAL},
            reason=reason,
            values=done,
        )
    elif decision == "waitlist":
        transition(
            lifecycle.ENROLLMENT,
            Enrollment,
            enrollment.id,
            expected=current,
            to=S.WAITLISTED,
            actor=actor,
            roles={lifecycle.OFFICIAL},
            reason=reason,
            values=done,
        )
    else:
        raise ValidationError(
            _("Some fields are invalid."), {"decision": [_("Choose accept, reject or waitlist.")]}
        )
    enrollment = _load(enrollment.id)
    people = _recipients(enrollment.user)
    if enrollment.status == S.REJECTED:
        notify(
            people,
            "training.rejected",
            {"cohort": cohort.title, "reason": reason.strip()},
            enrollment_link(enrollment.id),
            about=enrollment.user,
        )
    else:
        _notify_placed(enrollment)
    if enrollment.status == S.WAITLISTED:
        # Waitlisted next to a seat they could take: it is offered to the line at once.
        fill_free_seats(actor, cohort.id)
        enrollment = _load(enrollment.id)
    return enrollment


def _official(actor: User | None) -> User:
    if not permissions.can_manage_training(actor):
        raise PermissionDenied(_("Only Seoul officials decide applications."))
    return actor


def decide_enrollment(
    actor: User | None, enrollment_id: int, decision: str, reason: str = ""
) -> Enrollment:
    """An official accepts (needs a seat: Conflict explaining why none), rejects (needs a
    reason) or waitlists an application (or a waitlisted person). Non-officials who may not
    see the enrollment get NotFound, those who may get PermissionDenied."""
    cohort, enrollment = _lock_for(enrollment_id)
    _visible(actor, enrollment)
    _official(actor)
    return _decide(actor, cohort, enrollment, decision, reason)


def decide_enrollments(
    actor: User | None,
    cohort_id: int,
    ids: Iterable[int],
    decision: str,
    reason: str = "",
) -> list[tuple[int, bool, str]]:
    """The same decision for many enrollments of one cohort, under one lock, in ticket
    order; each is done or refused on its own: ``[(id, ok, message)]`` in ticket order
    (unknown ids last)."""
    _official(actor)
    cohort = seats.lock_cohort(cohort_id)
    if decision not in DECISIONS:
        raise ValidationError(
            _("Some fields are invalid."), {"decision": [_("Choose accept, reject or waitlist.")]}
        )
    if decision == "reject" and not reason.strip():
        raise ValidationError(
            _("Some fields are invalid."), {"reason": [_("Give a reason for rejecting.")]}
        )
    wanted = list(dict.fromkeys(int(i) for i in ids))
    rows = {
        e.id: e
        for e in db.session.scalars(
            select(Enrollment).where(Enrollment.id.in_(wanted), Enrollment.cohort_id == cohort_id)
        )
    }
    ordered = sorted(rows.values(), key=lambda e: e.ticket)
    done_message = {
        "accept": _("Enrolled."),
        "reject": _("Rejected."),
        "waitlist": _("Waitlisted."),
    }[decision]
    results: list[tuple[int, bool, str]] = []
    for enrollment in ordered:
        try:
            with db.session.begin_nested():
                _decide(actor, cohort, _load(enrollment.id), decision, reason)
        except DomainError as err:
            results.append((enrollment.id, False, err.detail))
        else:
            results.append((enrollment.id, True, done_message))
    results.extend((i, False, _("Not found")) for i in wanted if i not in rows)
    return results


# ---- the participant's moves -----------------------------------------------------------------


def _participant(actor: User | None, enrollment: Enrollment) -> None:
    _visible(actor, enrollment)
    if lifecycle.PARTICIPANT not in permissions.enrollment_roles(actor, enrollment):
        raise PermissionDenied(_("Only the participant or their organisation's admin may."))


def withdraw_enrollment(actor: User | None, enrollment_id: int) -> Enrollment:
    """The participant (or their organisation's admin) leaves: applied, waitlisted, offered
    or enrolled → withdrawn. A seat they held goes to the next in line."""
    cohort, enrollment = _lock_for(enrollment_id)
    _participant(actor, enrollment)
    held = enrollment.status in SEAT_HOLDING
    transition(
        lifecycle.ENROLLMENT,
        Enrollment,
        enrollment.id,
        expected=enrollment.status,
        to=S.WITHDRAWN,
        actor=actor,
        roles=permissions.enrollment_roles(actor, enrollment),
        values={"letter_code": None, "offer_expires_at": None},
    )
    if held:
        seats.free_seat(cohort.id)
        fill_free_seats(actor, cohort.id)
    return _load(enrollment_id)


def accept_offer(actor: User | None, enrollment_id: int) -> Enrollment:
    """The participant takes the seat offered to them (before it expires): enrolled."""
    cohort, enrollment = _lock_for(enrollment_id)
    _participant(actor, enrollment)
    now = utcnow()
    if _expire_due(cohort, now):
        fill_free_seats(actor, cohort.id)
        enrollment = _load(enrollment_id)
    transition(
        lifecycle.ENROLLMENT,
        Enrollment,
        enrollment.id,
        expected=S.OFFERED,
        to=S.ENROLLED,
        actor=actor,
        roles={lifecycle.PARTICIPANT},
        values={"letter_code": secrets.token_urlsafe(24), "decided_at": now},
        where=[Enrollment.offer_expires_at > now],
        where_message=lifecycle.ENROLLMENT.conflict_messages["expired"],
    )
    enrollment = _load(enrollment_id)
    _notify_placed(enrollment)
    return enrollment


def decline_offer(actor: User | None, enrollment_id: int) -> Enrollment:
    """The participant declines the seat offered to them; it goes to the next in line."""
    cohort, enrollment = _lock_for(enrollment_id)
    _participant(actor, enrollment)
    transition(
        lifecycle.ENROLLMENT,
        Enrollment,
        enrollment.id,
        expected=S.OFFERED,
        to=S.DECLINED,
        actor=actor,
        roles={lifecycle.PARTICIPANT},
        values={"offer_expires_at": None},
    )
    seats.free_seat(cohort.id)
    fill_free_seats(actor, cohort.id)
    return _load(enrollment_id)


def confirm_prerequisite(actor: User | None, enrollment_id: int) -> Enrollment:
    """The participant confirms they completed the cohort's prerequisite module (once; a
    second confirmation keeps the first time)."""
    enrollment = _visible(actor, _load(enrollment_id))
    _participant(actor, enrollment)
    cohort = enrollment.cohort
    if not (cohort.prerequisite_title or cohort.prerequisite_url):
        raise Conflict(_("This cohort has no prerequisite to confirm."))
    if enrollment.status not in (S.APPLIED, S.WAITLISTED, S.OFFERED, S.ENROLLED):
        raise Conflict(_(lifecycle.ENROLLMENT.conflict_messages[enrollment.status.value]))
    db.session.execute(
        update(Enrollment)
        .where(Enrollment.id == enrollment_id, Enrollment.prerequisite_confirmed_at.is_(None))
        .values(prerequisite_confirmed_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return _load(enrollment_id)


# ---- the waitlist's offers -------------------------------------------------------------------


def fill_free_seats(actor: User | None, cohort_id: int) -> list[Enrollment]:
    """Offer every seat that is free now (within quotas and per-organisation limits) to the
    next eligible people on the waitlist, in ticket order; returns the new offers. Call
    inside the unit of work, after `seats.lock_cohort(cohort_id)`, whenever seats may have
    been freed: capacity raised, a quota loosened, a reservation passed, a holder gone.

    Offers hold seats (``take_seat``) for the cohort's ``offer_hours``; each person offered is
    told until when. Takes the lock itself too (a no-op when the caller holds it), so a
    caller who forgot cannot deadlock against a locker or pass anyone over."""
    cohort = seats.lock_cohort(cohort_id)
    if cohort.status not in OFFERING:
        return []
    holders = seats.count_holders(cohort_id)
    if holders.total >= cohort.capacity:
        return []
    waiting = list(
        db.session.scalars(
            select(Enrollment)
            .where(Enrollment.cohort_id == cohort_id, Enrollment.status == S.WAITLISTED)
            .options(joinedload(Enrollment.user))
            .order_by(Enrollment.ticket)
        )
    )
    now = utcnow()
    expires = now + timedelta(hours=cohort.offer_hours)
    system_actor = _system_actor(actor)
    offers: list[Enrollment] = []
    for enrollment in waiting:
        if holders.total >= cohort.capacity:
            break
        region = str(enrollment.region)
        if seats.why_no_seat(cohort, holders, region, enrollment.organization_id, now):
            continue  # blocked by a quota or the organisation's limit: the next may fit
        transition(
            lifecycle.ENROLLMENT,
            Enrollment,
            enrollment.id,
            expected=S.WAITLISTED,
            to=S.OFFERED,
            actor=system_actor,
            roles={SYSTEM},
            values={"offered_at": now, "offer_expires_at": expires, "offer_reminded_at": None},
        )
        seats.take_seat(cohort_id)
        holders.total += 1
        holders.by_region[region] += 1
        if enrollment.organization_id is not None:
            holders.by_organization[enrollment.organization_id] += 1
        notify(
            _recipients(enrollment.user),
            "training.offer_made",
            {"cohort": cohort.title, "expires": _format_time(expires)},
            enrollment_link(enrollment.id),
            about=enrollment.user,
        )
        offers.append(enrollment)
    return offers


def _expire_due(cohort: Cohort, now: datetime) -> int:
    """Expire the cohort's offers past their time (under its lock); frees their seats but
    does not offer them again (the caller does). Returns how many expired."""
    due = list(
        db.session.scalars(
            select(Enrollment)
            .where(
                Enrollment.cohort_id == cohort.id,
                Enrollment.status == S.OFFERED,
                Enrollment.offer_expires_at <= now,
            )
            .options(joinedload(Enrollment.user))
            .order_by(Enrollment.ticket)
        )
    )
    expired = 0
    for enrollment in due:
        try:
            transition(
                lifecycle.ENROLLMENT,
                Enrollment,
                enrollment.id,
                expected=S.OFFERED,
                to=S.EXPIRED,
                actor=None,
                roles={SYSTEM},
                where=[Enrollment.offer_expires_at <= now],
            )
        except (Conflict, NotFound):
            continue
        seats.free_seat(cohort.id)
        notify(
            _recipients(enrollment.user),
            "training.offer_expired",
            {"cohort": cohort.title},
            enrollment_link(enrollment.id),
            about=enrollment.user,
        )
        expired += 1
    return expired


def _due_filter(now: datetime):
    return and_(Enrollment.status == S.OFFERED, Enrollment.offer_expires_at <= now)


def expire_due_offers(cohort_id: int, now: datetime | None = None) -> int:
    """The lazy expiry a page or API call runs on access: one cheap read first, and only when
    an offer of this cohort is past its time, the lock, the expiry and the next offers.
    Returns how many expired."""
    now = now or utcnow()
    if not db.session.scalar(
        select(exists().where(Enrollment.cohort_id == cohort_id, _due_filter(now)))
    ):
        return 0
    cohort = seats.lock_cohort(cohort_id)
    expired = _expire_due(cohort, now)
    if expired:
        fill_free_seats(None, cohort_id)
    return expired


def expire_offers(now: datetime | None = None) -> int:
    """Every offer past its expiry → expired, its seat offered to the next in line (the
    periodic job). Also offers seats that are free while people wait (a reservation that
    passed its date frees seats without any event). Cohorts are locked in id order."""
    now = now or utcnow()
    due = set(db.session.scalars(select(Enrollment.cohort_id).where(_due_filter(now)).distinct()))
    waiting = set(
        db.session.scalars(
            select(Cohort.id).where(
                Cohort.status.in_(OFFERING),
                Cohort.seats_taken < Cohort.capacity,
                exists().where(
                    Enrollment.cohort_id == Cohort.id, Enrollment.status == S.WAITLISTED
                ),
            )
        )
    )
    expired = 0
    for cohort_id in sorted(due | waiting):
        cohort = seats.lock_cohort(cohort_id)
        expired += _expire_due(cohort, now)
        fill_free_seats(None, cohort_id)
    return expired


def remind_expiring_offers(now: datetime | None = None) -> int:
    """Once per offer, tell the person when less than 24 hours are left (offers made for
    a longer time only: a shorter offer's own message says when it ends). Returns how many."""
    now = now or utcnow()
    horizon = now + timedelta(hours=lifecycle.OFFER_REMINDER_HOURS)
    candidates = db.session.execute(
        select(Enrollment.id, Enrollment.offered_at, Enrollment.offer_expires_at).where(
            Enrollment.status == S.OFFERED,
            Enrollment.offer_reminded_at.is_(None),
            Enrollment.offer_expires_at > now,
            Enrollment.offer_expires_at <= horizon,
        )
    ).all()
    sent = 0
    for enrollment_id, offered_at, expires_at in candidates:
        window = as_utc(expires_at) - as_utc(offered_at or expires_at)
        if window <= timedelta(hours=lifecycle.OFFER_REMINDER_HOURS):
            continue
        claimed = db.session.execute(
            update(Enrollment)
            .where(
                Enrollment.id == enrollment_id,
                Enrollment.status == S.OFFERED,
                Enrollment.offer_reminded_at.is_(None),
            )
            .values(offer_reminded_at=now)
            .execution_options(synchronize_session=False)
        ).rowcount
        if claimed != 1:
            continue
        enrollment = _load(enrollment_id)
        notify(
            _recipients(enrollment.user),
            "training.offer_expiring",
            {"cohort": enrollment.cohort.title, "expires": _format_time(expires_at)},
            enrollment_link(enrollment_id),
            about=enrollment.user,
        )
        sent += 1
    return sent
