"""CSV exports of a cohort for officials: the roster, the attendance sheet and the feedback
aggregates. Each is a generator of text chunks (streamed by the views and the API), starting
with a byte-order mark as the pilots exports do (Excel then reads UTF-8), every cell through
`csv_cells.safe_cell` (no spreadsheet formula from a name), dates in ISO 8601.

Queries: the roster reads the enrollments in batches of `BATCH` by ticket (one query each,
names and organisations joined in); the attendance sheet reads the sessions once, then per
batch the participants and their attendance rows; the feedback export is the summary's three
queries. So the cost does not grow with the rows a test adds below `BATCH`, and memory stays
flat on a 5,000-person waitlist.

The feedback export has aggregates only, never a row per person, and withholds them below
the anonymity threshold exactly as the results page does.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select

from ..accounts.models import User
from ..csv_cells import BOM, csv_rows
from ..db import as_utc, db
from ..errors import PermissionDenied
from ..members.models import Organization
from . import feedback, permissions
from .models import (
    Attendance,
    AttendanceStatus,
    Enrollment,
    EnrollmentStatus,
    TrainingSession,
)

BATCH = 500

ROSTER_COLUMNS = (
    "name",
    "organisation",
    "country",
    "region",
    "kind",
    "status",
    "ticket",
    "applied_at",
    "waitlist_position",
)


def _iso(value: datetime | None) -> str:
    return as_utc(value).isoformat() if value is not None else ""


def _value(enum_or_str) -> str:
    return getattr(enum_or_str, "value", enum_or_str) or ""


def export_cohort(actor: User | None, cohort_id: int):
    """The cohort to export, for officials only (PermissionDenied otherwise, NotFound for
    an unknown cohort)."""
    if not permissions.is_official(actor):
        raise PermissionDenied(_("Only Seoul officials export a cohort's lists."))
    return feedback.get_cohort(actor, cohort_id)


def roster_csv(cohort_id: int) -> Iterator[str]:
    """Everyone who applied, in arrival (ticket) order; the waitlist position counts the
    waitlisted in that order (1 = next in line)."""
    yield BOM + csv_rows([ROSTER_COLUMNS])
    last_ticket = 0
    position = 0
    while True:
        rows = db.session.execute(
            select(
                Enrollment.ticket,
                Enrollment.status,
                Enrollment.created_at,
                User.name,
                Organization.name,
                Organization.country,
                Organization.region,
                Organization.kind,
                Enrollment.region,
            )
            .outerjoin(User, User.id == Enrollment.user_id)
            .outerjoin(Organization, Organization.id == Enrollment.organization_id)
            .where(Enrollment.cohort_id == cohort_id, Enrollment.ticket > last_ticket)
            .order_by(Enrollment.ticket)
            .limit(BATCH)
        ).all()
        if not rows:
            return
        out = []
        for ticket, status, created, name, org, country, region, kind, own_region in rows:
            waitlisted = _value(status) == EnrollmentStatus.WAITLISTED.value
            if waitlisted:
                position += 1
            out.append(
                [
                    name or "",
                    org or "",
                    country or "",
                    _value(own_region or region),
                    _value(kind),
                    _value(status),
                    ticket,
                    _iso(created),
                    position if waitlisted else "",
                ]
            )
        yield csv_rows(out)
        last_ticket = rows[-1][0]


def attendance_csv(cohort_id: int) -> Iterator[str]:
    """One row per participant (enrolled or completed, in ticket order), one column per
    session (present, absent, excused, or empty when not marked), then the attendance rate:
    sessions present / sessions of the cohort, in per cent (empty without sessions)."""
    sessions = list(
        db.session.execute(
            select(TrainingSession.id, TrainingSession.title, TrainingSession.starts_at)
            .where(TrainingSession.cohort_id == cohort_id)
            .order_by(TrainingSession.starts_at, TrainingSession.id)
        )
    )
    headings = [f"{_iso(starts)} {title}" for _sid, title, starts in sessions]
    yield BOM + csv_rows([["name", "organisation", *headings, "attendance_rate"]])
    session_ids = [sid for sid, _title, _starts in sessions]
    last_ticket = 0
    while True:
        people = db.session.execute(
            select(Enrollment.id, Enrollment.ticket, User.name, Organization.name)
            .outerjoin(User, User.id == Enrollment.user_id)
            .outerjoin(Organization, Organization.id == Enrollment.organization_id)
            .where(
                Enrollment.cohort_id == cohort_id,
                Enrollment.status.in_(feedback.PARTICIPATING),
                Enrollment.ticket > last_ticket,
            )
            .order_by(Enrollment.ticket)
            .limit(BATCH)
        ).all()
        if not people:
            return
        marks: dict[tuple[int, int], str] = {}
        for enrollment_id, session_id, status in db.session.execute(
            select(Attendance.enrollment_id, Attendance.session_id, Attendance.status).where(
                Attendance.enrollment_id.in_([p[0] for p in people])
            )
        ):
            marks[(enrollment_id, session_id)] = _value(status)
        out = []
        for enrollment_id, _ticket, name, org in people:
            cells = [marks.get((enrollment_id, sid), "") for sid in session_ids]
            present = sum(1 for c in cells if c == AttendanceStatus.PRESENT.value)
            rate = round(100 * present / len(session_ids), 1) if session_ids else ""
            out.append([name or "", org or "", *cells, rate])
        yield csv_rows(out)
        last_ticket = people[-1][1]


FEEDBACK_COLUMNS = ("question", "answered", "mean", "1", "2", "3", "4", "5")


def feedback_csv(summary: feedback.Summary) -> Iterator[str]:
    """The cohort's aggregates: the counts, then one row per question (mean and distribution,
    empty below the anonymity threshold), then the recommend counts. No comments and no rows
    per person (comments are read on the results page)."""
    rows: list[list[object]] = [
        ["responses", summary.responses],
        ["participants", summary.participants],
        ["response_rate", "" if summary.rate is None else round(100 * summary.rate, 1)],
        ["min_responses", feedback.MIN_RESPONSES],
        [],
        list(FEEDBACK_COLUMNS),
    ]
    for q in summary.questions:
        if summary.shown:
            mean = "" if q.mean is None else round(q.mean, 2)
            rows.append([q.key, q.answered, mean, *(q.distribution[n] for n in feedback.SCALE)])
        else:
            rows.append([q.key, "", "", "", "", "", "", ""])
    rows.append([])
    rows.append(["recommend_yes", summary.recommend_yes if summary.shown else ""])
    rows.append(["recommend_no", summary.recommend_no if summary.shown else ""])
    yield BOM + csv_rows(rows)
