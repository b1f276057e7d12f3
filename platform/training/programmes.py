"""Programmes, cohorts (with their regional quotas), sessions and the cohort's lifecycle.

Officials create and change them; every active member sees published (and later) cohorts,
only officials see drafts (permissions.py). Services flush, never commit (the caller's unit of
work commits). A change of a cohort always starts with `seats.lock_cohort`: capacity and
quotas decide who holds a seat, so they move under the same lock as the seats do; a capacity
below the seats held is refused, and after any change that may free seats (capacity raised,
quotas changed) `enrollments.fill_free_seats` offers them to the waitlist.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from ..accounts.models import User, UserStatus
from ..db import as_utc, db, utcnow
from ..errors import Conflict, NotFound, PermissionDenied, ValidationError
from ..lifecycle import transition
from ..notifications.services import notify
from ..pagination import Page, PageQuery, paginate
from . import enrollments, lifecycle, permissions, seats
from .cohort_schemas import (
    NULLABLE,
    CohortIn,
    CohortPatch,
    CohortQuery,
    ProgrammeIn,
    ProgrammePatch,
    QuotaIn,
    SessionIn,
    SessionPatch,
)
from .models import (
    Cohort,
    CohortQuota,
    CohortStatus,
    Enrollment,
    EnrollmentStatus,
    PlaceMode,
    Programme,
    TrainingSession,
)

# The enrollments told when their cohort is cancelled.
LIVE_ENROLLMENTS = (
    EnrollmentStatus.APPLIED,
    EnrollmentStatus.ENROLLED,
    EnrollmentStatus.WAITLISTED,
    EnrollmentStatus.OFFERED,
)
SESSION_MARGIN = timedelta(days=1)  # sessions may start the day before / end the day after


def cohort_link(cohort_id: int) -> str:
    return f"/training/cohorts/{cohort_id}"


def _require_manager(actor: User | None) -> None:
    if not permissions.can_manage_training(actor):
        raise PermissionDenied(_("Only Seoul officials manage the training."))


# ---- programmes ------------------------------------------------------------------------------


def get_programme(actor: User | None, programme_id: int) -> Programme:
    programme = db.session.get(Programme, programme_id)
    if programme is None:
        raise NotFound(_("Not found"))
    return programme


def list_programmes(query: PageQuery) -> Page:
    stmt = select(Programme).order_by(Programme.year.desc(), Programme.id.desc())
    return paginate(stmt, query)


def create_programme(actor: User, data: ProgrammeIn) -> Programme:
    _require_manager(actor)
    programme = Programme(
        title=data.title, year=data.year, summary=data.summary, created_by_id=actor.id
    )
    db.session.add(programme)
    db.session.flush()
    return programme


def update_programme(actor: User, programme_id: int, data: ProgrammePatch) -> Programme:
    _require_manager(actor)
    programme = get_programme(actor, programme_id)
    for name, value in data.model_dump(exclude_unset=True).items():
        if value is not None:
            setattr(programme, name, value)
    db.session.flush()
    return programme


# ---- cohorts: reading ------------------------------------------------------------------------


def _visible(actor: User | None, stmt):
    if not permissions.is_official(actor):
        stmt = stmt.where(Cohort.status != CohortStatus.DRAFT)
    return stmt


def _loaded(cohort_id: int) -> Cohort | None:
    return db.session.scalar(
        select(Cohort)
        .where(Cohort.id == cohort_id)
        .options(
            joinedload(Cohort.programme),
            selectinload(Cohort.quotas),
            selectinload(Cohort.sessions),
        )
        .execution_options(populate_existing=True)
    )


def get_cohort(actor: User | None, cohort_id: int) -> Cohort:
    """The cohort with its programme, quotas and sessions (three queries). NotFound when it
    does not exist or ``actor`` may not know it does (a draft for a member)."""
    cohort = _loaded(cohort_id)
    if cohort is None or not permissions.can_view_cohort(actor, cohort):
        raise NotFound(_("Not found"))
    return cohort


def list_cohorts(actor: User | None, query: CohortQuery) -> Page:
    stmt = _visible(actor, select(Cohort)).options(selectinload(Cohort.quotas))
    if query.program_id is not None:
        stmt = stmt.where(Cohort.programme_id == query.program_id)
    if query.status is not None:
        stmt = stmt.where(Cohort.status == query.status)
    return paginate(stmt.order_by(Cohort.starts_on, Cohort.id), query)


def cohorts_of(actor: User | None, programme_ids: list[int]) -> dict[int, list[Cohort]]:
    """The cohorts ``actor`` may see of these programmes (one query), by programme."""
    out: dict[int, list[Cohort]] = {pid: [] for pid in programme_ids}
    if not programme_ids:
        return out
    stmt = _visible(actor, select(Cohort)).where(
        Cohort.programme_id.in_(programme_ids),
    )
    if not permissions.is_official(actor):
        stmt = stmt.where(Cohort.status != CohortStatus.CANCELLED)
    for cohort in db.session.scalars(stmt.order_by(Cohort.starts_on, Cohort.id)):
        out[cohort.programme_id].append(cohort)
    return out


def has_enrollments(cohort_id: int) -> bool:
    return bool(
        db.session.scalar(
            select(func.count(Enrollment.id)).where(Enrollment.cohort_id == cohort_id)
        )
    )


# ---- cohorts: checks -------------------------------------------------------------------------


def start_of(cohort: Cohort) -> datetime:
    """The first moment of the cohort's first day, in its time zone (as UTC)."""
    zone = ZoneInfo(cohort.timezone)
    return datetime.combine(cohort.starts_on, time(0), zone).astimezone(UTC)


def _check_cohort(
    cohort: Cohort, quotas: list[QuotaIn] | None, *, check_place: bool = True
) -> None:
    """The rules that span fields; raises ValidationError naming every field at fault.
    ``check_place``: the place mode needs its address / web address (on creation, and when a
    change touches the place)."""
    errors: dict[str, list[str]] = {}
    if cohort.ends_on < cohort.starts_on:
        errors["ends_on"] = [_("The end date must not be before the start date.")]
    if cohort.application_deadline is not None and as_utc(cohort.application_deadline) >= start_of(
        cohort
    ):
        errors["application_deadline"] = [
            _("The application deadline must be before the cohort starts.")
        ]
    seoul = (PlaceMode.SEOUL, PlaceMode.HYBRID)
    if check_place and cohort.place_mode in seoul and not cohort.address:
        errors["address"] = [_("Give the address of the place in Seoul.")]
    online = (PlaceMode.ONLINE, PlaceMode.HYBRID)
    if check_place and cohort.place_mode in online and not cohort.online_url:
        errors["online_url"] = [_("Give the web address of the online sessions.")]
    if cohort.prerequisite_url and not cohort.prerequisite_title:
        errors["prerequisite_title"] = [_("Name the prerequisite module.")]
    if quotas is not None:
        seen: set[str] = set()
        reserved = 0
        for quota in quotas:
            region = str(quota.region)
            if region in seen:
                errors.setdefault("quotas", []).append(
                    _("Give one quota per region (%(region)s twice).", region=region)
                )
            seen.add(region)
            if (
                quota.max_seats is not None
                and quota.reserved_seats is not None
                and quota.reserved_seats > quota.max_seats
            ):
                errors.setdefault("quotas", []).append(
                    _(
                        "The seats reserved for %(region)s exceed its maximum.",
                        region=region,
                    )
                )
            reserved += quota.reserved_seats or 0
        if reserved > cohort.capacity:
            errors.setdefault("quotas", []).append(
                _(
                    "The seats reserved (%(reserved)d) exceed the capacity (%(capacity)d).",
                    reserved=reserved,
                    capacity=cohort.capacity,
                )
            )
    if errors:
        raise ValidationError(_("Some fields are invalid."), errors)


def _quota_rows(cohort_id: int, quotas: list[QuotaIn]) -> list[CohortQuota]:
    return [
        CohortQuota(
            cohort_id=cohort_id,
            region=q.region,
            max_seats=q.max_seats,
            reserved_seats=q.reserved_seats or None,
            reserved_until=q.reserved_until,
        )
        for q in quotas
        if q.max_seats is not None or q.reserved_seats
    ]


def _quotas_as_tuples(quotas) -> list[tuple]:
    return sorted(
        (
            str(q.region),
            q.max_seats,
            q.reserved_seats or None,
            as_utc(q.reserved_until) if q.reserved_until else None,
        )
        for q in quotas
        if q.max_seats is not None or q.reserved_seats
    )


# ---- cohorts: changing -----------------------------------------------------------------------

_COHORT_FIELDS = (
    "title",
    "description",
    "starts_on",
    "ends_on",
    "timezone",
    "place_mode",
    "address",
    "online_url",
    "languages",
    "capacity",
    "admission",
    "award_years",
    "award_categories",
    "org_kinds",
    "per_org_limit",
    "application_deadline",
    "offer_hours",
    "attendance_threshold",
    "prerequisite_title",
    "prerequisite_url",
)


def _plain(value):
    if isinstance(value, list):
        return [str(v) if not isinstance(v, int) else v for v in value]
    return value


def create_cohort(actor: User, data: CohortIn) -> Cohort:
    """A new draft cohort with its quotas."""
    _require_manager(actor)
    get_programme(actor, data.program_id)
    cohort = Cohort(
        programme_id=data.program_id,
        created_by_id=actor.id,
        status=CohortStatus.DRAFT,
        **{name: _plain(getattr(data, name)) for name in _COHORT_FIELDS},
    )
    _check_cohort(cohort, data.quotas)
    db.session.add(cohort)
    db.session.flush()
    for row in _quota_rows(cohort.id, data.quotas):
        db.session.add(row)
    db.session.flush()
    return cohort


def update_cohort(actor: User, cohort_id: int, data: CohortPatch) -> Cohort:
    """Change a cohort. Takes the cohort's lock first; a capacity below the seats held is
    refused (422 on ``capacity``); then, when capacity grew or quotas changed, the free seats
    are offered to the waitlist."""
    _require_manager(actor)
    cohort = seats.lock_cohort(cohort_id)
    if cohort.status in (CohortStatus.COMPLETED, CohortStatus.CANCELLED):
        raise Conflict(_(lifecycle.COHORT.conflict_messages[cohort.status.value]))
    changes = data.model_dump(exclude_unset=True)
    quotas = data.quotas if "quotas" in changes else None
    changes.pop("quotas", None)
    old_capacity = cohort.capacity
    if "capacity" in changes and changes["capacity"] is not None:
        held = cohort.seats_taken
        if changes["capacity"] < held:
            raise ValidationError(
                _("The capacity cannot be below the seats held."),
                {
                    "capacity": [
                        ngettext(
                            "%(num)d person holds a seat: the capacity cannot be lower.",
                            "%(num)d people hold seats: the capacity cannot be lower.",
                            held,
                        )
                    ]
                },
            )
    stored_quotas = list(cohort.quotas)
    quotas_changed = quotas is not None and _quotas_as_tuples(quotas) != _quotas_as_tuples(
        stored_quotas
    )
    # Apply into the loaded row and check before anything is flushed (no autoflush here); on
    # a refusal the unit of work rolls back, so nothing is stored.
    with db.session.no_autoflush:
        for name, value in changes.items():
            if value is None and name not in NULLABLE:
                continue
            setattr(cohort, name, _plain(value))
        _check_cohort(
            cohort,
            quotas if quotas is not None else _as_quota_in(stored_quotas),
            check_place=bool({"place_mode", "address", "online_url"} & set(changes)),
        )
    if quotas_changed:
        cohort.quotas.clear()
        db.session.flush()
        for row in _quota_rows(cohort.id, quotas):
            cohort.quotas.append(row)
    db.session.flush()
    if cohort.capacity > old_capacity or quotas_changed:
        enrollments.fill_free_seats(actor, cohort.id)
    return cohort


def _as_quota_in(quotas: list[CohortQuota]) -> list[QuotaIn]:
    return [
        QuotaIn(
            region=q.region,
            max_seats=q.max_seats,
            reserved_seats=q.reserved_seats,
            reserved_until=q.reserved_until,
        )
        for q in quotas
    ]


def allowed_moves(actor: User | None, cohort: Cohort) -> list[str]:
    if not permissions.can_manage_training(actor):
        return []
    order = [s.value for s in CohortStatus]
    return sorted(
        lifecycle.COHORT.targets(cohort.status.value, {lifecycle.OFFICIAL}), key=order.index
    )


def move_cohort(actor: User, cohort_id: int, to: CohortStatus | str, reason: str = "") -> Cohort:
    """Publish, take back to draft (only while nobody has applied), start, complete or
    cancel (with a reason). Cancelling a published cohort tells everyone who applied, is
    enrolled, waitlisted or offered a seat."""
    _require_manager(actor)
    cohort = seats.lock_cohort(cohort_id)
    to = CohortStatus(to)
    reason = (reason or "").strip()
    if to == CohortStatus.CANCELLED and not reason:
        raise ValidationError(
            _("Give a reason for cancelling."), {"reason": [_("Give a reason for cancelling.")]}
        )
    if (
        to == CohortStatus.DRAFT
        and cohort.status == CohortStatus.PUBLISHED
        and has_enrollments(cohort_id)
    ):
        raise Conflict(_("People have applied to this cohort: it can no longer go back to draft."))
    was = cohort.status
    transition(
        lifecycle.COHORT,
        Cohort,
        cohort_id,
        expected=was.value,
        to=to.value,
        actor=actor,
        roles={lifecycle.OFFICIAL},
        reason=reason,
    )
    if to == CohortStatus.CANCELLED and was == CohortStatus.PUBLISHED:
        people = list(
            db.session.scalars(
                select(User)
                .join(Enrollment, Enrollment.user_id == User.id)
                .where(
                    Enrollment.cohort_id == cohort_id,
                    Enrollment.status.in_(LIVE_ENROLLMENTS),
                    User.status == UserStatus.ACTIVE,
                )
            )
        )
        notify(
            people,
            "training.cohort_cancelled",
            {"title": cohort.title, "reason": reason},
            cohort_link(cohort_id),
        )
    db.session.expire(cohort)
    return cohort


# ---- sessions --------------------------------------------------------------------------------


def get_session(actor: User | None, session_id: int) -> TrainingSession:
    session = db.session.get(TrainingSession, session_id)
    if session is None or not permissions.can_view_cohort(actor, session.cohort):
        raise NotFound(_("Not found"))
    return session


def _check_session(cohort: Cohort, session: TrainingSession) -> None:
    errors: dict[str, list[str]] = {}
    starts, ends = as_utc(session.starts_at), as_utc(session.ends_at)
    if ends <= starts:
        errors["ends_at"] = [_("The session must end after it starts.")]
    zone = ZoneInfo(cohort.timezone)
    first = datetime.combine(cohort.starts_on, time(0), zone) - SESSION_MARGIN
    last = datetime.combine(cohort.ends_on + timedelta(days=1), time(0), zone) + SESSION_MARGIN
    if not first <= starts < last:
        errors["starts_at"] = [
            _(
                "The session must take place within the cohort's dates (%(start)s to %(end)s), "
                "give or take a day.",
                start=cohort.starts_on.isoformat(),
                end=cohort.ends_on.isoformat(),
            )
        ]
    elif ends > last:
        errors["ends_at"] = [_("The session must end by the day after the cohort ends.")]
    if errors:
        raise ValidationError(_("Some fields are invalid."), errors)


def _editable_cohort(cohort_id: int) -> Cohort:
    cohort = db.session.get(Cohort, cohort_id)
    if cohort is None:
        raise NotFound(_("No such cohort."))
    if cohort.status in (CohortStatus.COMPLETED, CohortStatus.CANCELLED):
        raise Conflict(_(lifecycle.COHORT.conflict_messages[cohort.status.value]))
    return cohort


def add_session(actor: User, cohort_id: int, data: SessionIn) -> TrainingSession:
    _require_manager(actor)
    cohort = _editable_cohort(cohort_id)
    session = TrainingSession(
        cohort_id=cohort.id,
        kind=data.kind,
        title=data.title,
        description=data.description,
        starts_at=data.starts_at.astimezone(UTC),
        ends_at=data.ends_at.astimezone(UTC),
        place=data.place,
    )
    _check_session(cohort, session)
    db.session.add(session)
    db.session.flush()
    return session


def update_session(actor: User, session_id: int, data: SessionPatch) -> TrainingSession:
    _require_manager(actor)
    session = get_session(actor, session_id)
    cohort = _editable_cohort(session.cohort_id)
    for name, value in data.model_dump(exclude_unset=True).items():
        if value is None:
            continue
        if isinstance(value, datetime):
            value = value.astimezone(UTC)
        setattr(session, name, value)
    _check_session(cohort, session)
    db.session.flush()
    return session


def delete_session(actor: User, session_id: int) -> int:
    """Delete a session; returns its cohort's id."""
    _require_manager(actor)
    session = get_session(actor, session_id)
    cohort_id = session.cohort_id
    _editable_cohort(cohort_id)
    db.session.delete(session)
    db.session.flush()
    return cohort_id


# ---- times -----------------------------------------------------------------------------------


def local_to_utc(cohort: Cohort, day: date, at: time) -> datetime:
    """A wall-clock time of the cohort's time zone as UTC."""
    return datetime.combine(day, at, ZoneInfo(cohort.timezone)).astimezone(UTC)


def in_zone(cohort: Cohort, moment: datetime) -> datetime:
    return as_utc(moment).astimezone(ZoneInfo(cohort.timezone))


def now() -> datetime:
    return utcnow()
