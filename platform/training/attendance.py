"""Attendance: officials mark who attended each session, and the rate that completion uses.

The roster of a session is every participant of its cohort who is enrolled or has completed
(`ROSTER_STATES`), in arrival order. A mark is present, absent or excused, one per person and
session (unique in the database); saving marks is an upsert, all or nothing: one unknown or
not-enrolled id refuses the whole list (422) and nothing is stored.

**Attendance rate** = sessions marked *present* / all sessions of the cohort. Excused
absences are recorded (the roster and the completion page show them) but do not count as
attended: a certificate attests that the person took part, and an excused absence is still an
absence. A session not marked yet counts as not attended. A cohort without sessions has no
rate (None) and meets only a threshold of 0. The threshold test is done in integers
(``present * 100 >= threshold * sessions``), so 4 of 5 sessions meets 80 % exactly.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from ..accounts.models import User
from ..db import db, utcnow
from ..errors import NotFound, PermissionDenied, ValidationError
from ..pagination import Page, PageQuery, paginate
from . import permissions
from .models import Attendance, AttendanceStatus, Enrollment, EnrollmentStatus, TrainingSession

ROSTER_STATES = (EnrollmentStatus.ENROLLED, EnrollmentStatus.COMPLETED)
MAX_MARKS = 500  # one PUT: more than any cohort's roster


@dataclass(frozen=True)
class Rate:
    present: int
    excused: int
    sessions: int

    @property
    def percent(self) -> int | None:
        if not self.sessions:
            return None
        return self.present * 100 // self.sessions

    def meets(self, threshold: int) -> bool:
        if not self.sessions:
            return threshold == 0
        return self.present * 100 >= threshold * self.sessions


def _require_official(actor: User | None) -> None:
    if not permissions.can_manage_training(actor):
        raise PermissionDenied(_("Only Seoul officials mark attendance."))


def get_session(actor: User | None, session_id: int) -> TrainingSession:
    _require_official(actor)
    session = db.session.scalar(
        select(TrainingSession)
        .where(TrainingSession.id == session_id)
        .options(joinedload(TrainingSession.cohort))
    )
    if session is None:
        raise NotFound(_("This session does not exist."))
    return session


def roster_statement(cohort_id: int):
    return (
        select(Enrollment)
        .where(Enrollment.cohort_id == cohort_id, Enrollment.status.in_(ROSTER_STATES))
        .options(joinedload(Enrollment.user), joinedload(Enrollment.organization))
        .order_by(Enrollment.ticket, Enrollment.id)
    )


def roster(
    actor: User | None, session_id: int, query: PageQuery
) -> tuple[TrainingSession, Page, dict[int, AttendanceStatus]]:
    """One page of a session's roster and the marks of the people on it (four statements)."""
    session = get_session(actor, session_id)
    page = paginate(roster_statement(session.cohort_id), query)
    return session, page, marks_of(session.id, [e.id for e in page.items])


def marks_of(session_id: int, enrollment_ids: Iterable[int]) -> dict[int, AttendanceStatus]:
    ids = list(enrollment_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        select(Attendance.enrollment_id, Attendance.status).where(
            Attendance.session_id == session_id, Attendance.enrollment_id.in_(ids)
        )
    )
    return {enrollment_id: AttendanceStatus(status) for enrollment_id, status in rows}


def all_marks(actor: User | None, session_id: int) -> tuple[TrainingSession, list[tuple]]:
    """Every mark of a session (API): (enrollment id, status, marked at), by enrollment."""
    session = get_session(actor, session_id)
    rows = db.session.execute(
        select(Attendance.enrollment_id, Attendance.status, Attendance.marked_at)
        .where(Attendance.session_id == session_id)
        .order_by(Attendance.enrollment_id)
    ).all()
    return session, list(rows)


def save_marks(
    actor: User | None, session_id: int, marks: Sequence[tuple[int, AttendanceStatus]]
) -> int:
    """Upsert the marks of one session; all or nothing. Returns how many were written."""
    session = get_session(actor, session_id)
    # Two officials saving one session at once: the second waits here (PostgreSQL; SQLite's
    # write lock already serialises them), then updates the rows the first inserted.
    db.session.execute(
        select(TrainingSession.id).where(TrainingSession.id == session.id).with_for_update()
    )
    if len(marks) > MAX_MARKS:
        raise ValidationError(
            _("Send at most %(num)d marks at once.", num=MAX_MARKS),
            {"marks": [_("Send at most %(num)d marks at once.", num=MAX_MARKS)]},
        )
    wanted: dict[int, AttendanceStatus] = {}
    for enrollment_id, status in marks:
        if enrollment_id in wanted:
            raise ValidationError(
                _("Each person may be marked once."),
                {"marks": [_("Enrollment %(id)d is marked twice.", id=enrollment_id)]},
            )
        wanted[enrollment_id] = AttendanceStatus(status)
    if not wanted:
        return 0
    on_roster = set(
        db.session.scalars(
            select(Enrollment.id).where(
                Enrollment.id.in_(list(wanted)),
                Enrollment.cohort_id == session.cohort_id,
                Enrollment.status.in_(ROSTER_STATES),
            )
        )
    )
    unknown = sorted(set(wanted) - on_roster)
    if unknown:
        shown = ", ".join(str(i) for i in unknown[:10])
        raise ValidationError(
            _("Some people are not enrolled in this cohort: nothing was saved."),
            {"marks": [_("Not enrolled in this cohort: %(ids)s.", ids=shown)]},
        )
    now = utcnow()
    existing = {
        row.enrollment_id: row
        for row in db.session.scalars(
            select(Attendance).where(
                Attendance.session_id == session.id, Attendance.enrollment_id.in_(list(wanted))
            )
        )
    }
    for enrollment_id, status in wanted.items():
        row = existing.get(enrollment_id)
        if row is None:
            db.session.add(
                Attendance(
                    session_id=session.id,
                    enrollment_id=enrollment_id,
                    status=status,
                    marked_by_id=actor.id,
                    marked_at=now,
                )
            )
        elif row.status != status:
            row.status = status
            row.marked_by_id = actor.id
            row.marked_at = now
    db.session.flush()
    return len(wanted)


def session_count(cohort_id: int) -> int:
    return (
        db.session.scalar(
            select(func.count(TrainingSession.id)).where(TrainingSession.cohort_id == cohort_id)
        )
        or 0
    )


def rates(cohort_id: int, enrollment_ids: Iterable[int]) -> dict[int, Rate]:
    """The attendance rate of each given enrollment of the cohort (two statements)."""
    ids = list(enrollment_ids)
    total = session_count(cohort_id)
    counts: dict[int, dict[str, int]] = {i: {} for i in ids}
    if ids:
        rows = db.session.execute(
            select(Attendance.enrollment_id, Attendance.status, func.count())
            .join(TrainingSession, TrainingSession.id == Attendance.session_id)
            .where(TrainingSession.cohort_id == cohort_id, Attendance.enrollment_id.in_(ids))
            .group_by(Attendance.enrollment_id, Attendance.status)
        )
        for enrollment_id, status, n in rows:
            counts[enrollment_id][str(getattr(status, "value", status))] = n
    return {
        i: Rate(
            present=c.get(AttendanceStatus.PRESENT.value, 0),
            excused=c.get(AttendanceStatus.EXCUSED.value, 0),
            sessions=total,
        )
        for i, c in counts.items()
    }
