"""Calendars (.ics, RFC 5545, written with ``icalendar``): one per cohort, one per person.

Every session is a VEVENT whose DTSTART/DTEND are UTC instants (``...Z``: no calendar
program can misread them), with ``X-WR-TIMEZONE`` naming the cohort's zone so programs that
honour it display the times there. UIDs are stable (``session-<id>@`` + UID_HOST), so
importing the file again updates the events instead of duplicating them.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC

from flask import Response
from icalendar import Calendar, Event
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..accounts.models import User
from ..db import as_utc, db, utcnow
from .models import Cohort, Enrollment, EnrollmentStatus, PlaceMode, TrainingSession

PRODID = "-//Seoul Smart City Prize Platform//Training//EN"
UID_HOST = "training.seoul-smart-city-prize"  # the UIDs' domain: stable whatever the address
CALENDAR_STATES = (EnrollmentStatus.ENROLLED, EnrollmentStatus.COMPLETED)


def _location(cohort: Cohort, session: TrainingSession) -> str:
    if session.place:
        return session.place
    if cohort.place_mode == PlaceMode.ONLINE:
        return cohort.online_url
    return cohort.address


def build(
    name: str,
    sessions: Iterable[TrainingSession],
    timezone: str | None = None,
    host: str = UID_HOST,
) -> bytes:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    if timezone:
        cal.add("x-wr-timezone", timezone)
    stamp = utcnow().astimezone(UTC)
    for session in sessions:
        cohort = session.cohort
        event = Event()
        event.add("uid", f"session-{session.id}@{host}")
        event.add("dtstamp", stamp)
        event.add("dtstart", as_utc(session.starts_at).astimezone(UTC))
        event.add("dtend", as_utc(session.ends_at).astimezone(UTC))
        event.add("summary", f"{session.title} — {cohort.title}")
        description = session.description or ""
        if cohort.timezone:
            description = (description + "\n\n" if description else "") + (
                f"Time zone of the cohort: {cohort.timezone}"
            )
        event.add("description", description)
        location = _location(cohort, session)
        if location:
            event.add("location", location)
        if cohort.online_url and cohort.place_mode != PlaceMode.SEOUL:
            event.add("url", cohort.online_url)
        event.add("categories", [str(session.kind.value)])
        cal.add_component(event)
    return cal.to_ical()


def cohort_calendar(cohort: Cohort) -> bytes:
    sessions = list(
        db.session.scalars(
            select(TrainingSession)
            .where(TrainingSession.cohort_id == cohort.id)
            .options(joinedload(TrainingSession.cohort))
            .order_by(TrainingSession.starts_at, TrainingSession.id)
        )
    )
    return build(cohort.title, sessions, cohort.timezone)


def person_calendar(user: User, name: str) -> bytes:
    """The sessions of the cohorts ``user`` is enrolled in or completed (one query)."""
    sessions = list(
        db.session.scalars(
            select(TrainingSession)
            .join(Enrollment, Enrollment.cohort_id == TrainingSession.cohort_id)
            .where(Enrollment.user_id == user.id, Enrollment.status.in_(CALENDAR_STATES))
            .options(joinedload(TrainingSession.cohort))
            .order_by(TrainingSession.starts_at, TrainingSession.id)
        )
    )
    return build(name, sessions)


def response(body: bytes, filename: str) -> Response:
    return Response(
        body,
        mimetype="text/calendar",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "X-Content-Type-Options": "nosniff",
        },
    )
