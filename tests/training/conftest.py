"""Shared training fixtures: a factory that builds programmes, cohorts, sessions and
enrollments directly (rows with consistent seat counters), for tests of one part that need
data another part makes. Tests of the enrollment rules themselves go through the services."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from seoul_platform.db import db as _db
from seoul_platform.db import utcnow
from seoul_platform.lifecycle import SYSTEM, record_start
from seoul_platform.training import lifecycle
from seoul_platform.training.models import (
    SEAT_HOLDING,
    Cohort,
    CohortQuota,
    CohortStatus,
    Enrollment,
    EnrollmentStatus,
    Programme,
    TrainingSession,
)


class TrainingFactory:
    def __init__(self) -> None:
        self._n = 0

    def _next(self) -> int:
        self._n += 1
        return self._n

    def programme(self, **fields) -> Programme:
        n = self._next()
        programme = Programme(
            title=fields.pop("title", f"Capacity-Building Training {2026 + n}"),
            year=fields.pop("year", 2027),
            **fields,
        )
        _db.session.add(programme)
        _db.session.commit()
        return programme

    def cohort(
        self,
        programme: Programme | None = None,
        *,
        status: str = "published",
        capacity: int = 10,
        quotas: list[dict] | None = None,
        **fields,
    ) -> Cohort:
        """A cohort (published by default, applications open for 30 more days)."""
        n = self._next()
        programme = programme or self.programme()
        starts = fields.pop("starts_on", date.today() + timedelta(days=60))
        cohort = Cohort(
            programme_id=programme.id,
            title=fields.pop("title", f"Cohort {n}"),
            status=CohortStatus(status),
            starts_on=starts,
            ends_on=fields.pop("ends_on", starts + timedelta(days=4)),
            capacity=capacity,
            application_deadline=fields.pop("application_deadline", utcnow() + timedelta(days=30)),
            **fields,
        )
        _db.session.add(cohort)
        _db.session.flush()
        for quota in quotas or []:
            _db.session.add(CohortQuota(cohort_id=cohort.id, **quota))
        _db.session.commit()
        return cohort

    def session(self, cohort: Cohort, *, day: int = 0, hours: tuple[int, int] = (9, 12), **fields):
        """A session on the cohort's ``day``-th day, ``hours`` in UTC."""
        on = cohort.starts_on + timedelta(days=day)
        session = TrainingSession(
            cohort_id=cohort.id,
            title=fields.pop("title", f"Session {self._next()}"),
            starts_at=datetime(on.year, on.month, on.day, hours[0], tzinfo=UTC),
            ends_at=datetime(on.year, on.month, on.day, hours[1], tzinfo=UTC),
            **fields,
        )
        _db.session.add(session)
        _db.session.commit()
        return session

    def enrollment(self, cohort: Cohort, user, status: str = "enrolled", **fields) -> Enrollment:
        """A row in ``status`` with its first history entry; a seat-holding status also
        counts on the cohort's counter (refused by the database beyond capacity)."""
        status = EnrollmentStatus(status)
        org = user.organization
        cohort = _db.session.get(Cohort, cohort.id)
        ticket = cohort.next_ticket
        cohort.next_ticket = ticket + 1
        if status in SEAT_HOLDING:
            cohort.seats_taken += 1
        if status == EnrollmentStatus.OFFERED:
            fields.setdefault("offered_at", utcnow())
            fields.setdefault("offer_expires_at", utcnow() + timedelta(hours=cohort.offer_hours))
        enrollment = Enrollment(
            cohort_id=cohort.id,
            user_id=user.id,
            organization_id=org.id if org else None,
            region=fields.pop("region", org.region if org else "asia"),
            status=status,
            ticket=ticket,
            **fields,
        )
        _db.session.add(enrollment)
        _db.session.flush()
        record_start(lifecycle.ENROLLMENT, enrollment.id, status.value, actor=None, role=SYSTEM)
        _db.session.commit()
        return enrollment


@pytest.fixture
def training(db) -> TrainingFactory:
    return TrainingFactory()


@pytest.fixture
def africa_city(make):
    return make.org("city", name="Kigali Test", country="RW", region="africa")


@pytest.fixture
def participant(make, city):
    """A city official (member of the Testville city, Europe) who attends training."""
    return make.user(city, name="Lene Participant")
