"""The programmes service: the cohort's lock comes first on every change, a capacity below the
seats held is refused, freed seats go to the waitlist (enrollments.fill_free_seats, called
after raising capacity or changing quotas), the cohort's moves and its cancellation notices,
and sessions kept within the cohort's dates."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from seoul_platform.audit.models import StateChange
from seoul_platform.errors import Conflict, PermissionDenied, ValidationError
from seoul_platform.notifications.models import Notification
from seoul_platform.training import enrollments, seats
from seoul_platform.training import programmes as services
from seoul_platform.training.cohort_schemas import CohortPatch, QuotaIn, SessionIn
from seoul_platform.training.models import Cohort, CohortStatus


@pytest.fixture
def calls(monkeypatch):
    """Record the calls of fill_free_seats and of lock_cohort, in order."""
    log: list[tuple[str, int]] = []
    real_lock = seats.lock_cohort

    def lock(cohort_id):
        log.append(("lock", cohort_id))
        return real_lock(cohort_id)

    def fill(actor, cohort_id):
        log.append(("fill", cohort_id))
        return []

    monkeypatch.setattr(seats, "lock_cohort", lock)
    monkeypatch.setattr(enrollments, "fill_free_seats", fill)
    return log


def test_raising_capacity_locks_first_then_fills_free_seats(db, training, official, calls):
    cohort = training.cohort(capacity=5)
    services.update_cohort(official, cohort.id, CohortPatch(capacity=8))
    db.session.commit()
    assert calls == [("lock", cohort.id), ("fill", cohort.id)]
    assert db.session.get(Cohort, cohort.id).capacity == 8


def test_lowering_capacity_or_renaming_does_not_fill(db, training, official, calls):
    cohort = training.cohort(capacity=5)
    services.update_cohort(official, cohort.id, CohortPatch(capacity=4, title="Renamed"))
    assert calls == [("lock", cohort.id)]


def test_changing_quotas_or_a_reservation_fills(db, training, official, calls):
    cohort = training.cohort(capacity=6, quotas=[{"region": "africa", "reserved_seats": 2}])
    db.session.expire_all()
    services.update_cohort(
        official,
        cohort.id,
        CohortPatch(
            quotas=[
                QuotaIn(
                    region="africa",
                    reserved_seats=2,
                    reserved_until=datetime.now(UTC) + timedelta(days=1),
                )
            ]
        ),
    )
    assert calls == [("lock", cohort.id), ("fill", cohort.id)]
    calls.clear()
    same = db.session.get(Cohort, cohort.id).quotas[0].reserved_until
    services.update_cohort(
        official,
        cohort.id,
        CohortPatch(quotas=[QuotaIn(region="africa", reserved_seats=2, reserved_until=same)]),
    )
    assert calls == [("lock", cohort.id)]  # nothing changed: no offers


def test_capacity_below_the_seats_held_is_refused_before_anything_moves(
    db, training, official, make, city, calls
):
    cohort = training.cohort(capacity=4)
    for k in range(3):
        training.enrollment(cohort, make.user(city, name=f"Holder {k}"))
    with pytest.raises(ValidationError) as refused:
        services.update_cohort(official, cohort.id, CohortPatch(capacity=2))
    assert "3 people hold seats" in refused.value.errors["capacity"][0]
    assert calls == [("lock", cohort.id)]
    db.session.rollback()
    assert db.session.get(Cohort, cohort.id).capacity == 4


def test_only_officials_change_cohorts(db, training, city_member):
    cohort = training.cohort()
    with pytest.raises(PermissionDenied):
        services.update_cohort(city_member, cohort.id, CohortPatch(capacity=20))


def test_cancelling_a_published_cohort_tells_the_people_in_it(db, training, official, make, city):
    cohort = training.cohort(capacity=3)
    states = ["applied", "enrolled", "waitlisted", "offered", "withdrawn", "rejected"]
    people = {s: make.user(city, name=f"Person {s}") for s in states}
    for state, person in people.items():
        training.enrollment(cohort, person, status=state)
    services.move_cohort(official, cohort.id, "cancelled", "The venue is closed.")
    db.session.commit()
    told = {
        n.user_id
        for n in db.session.scalars(
            select(Notification).where(Notification.kind == "training.cohort_cancelled")
        )
    }
    assert told == {people[s].id for s in ("applied", "enrolled", "waitlisted", "offered")}
    move = db.session.scalars(select(StateChange).where(StateChange.subject_type == "cohort")).one()
    assert (move.from_state, move.to_state, move.reason) == (
        "published",
        "cancelled",
        "The venue is closed.",
    )


def test_the_cohort_lifecycle(db, training, official, make, city):
    cohort = training.cohort(status="draft")
    services.move_cohort(official, cohort.id, "published")
    services.move_cohort(official, cohort.id, "draft")  # nobody applied yet
    services.move_cohort(official, cohort.id, "published")
    training.enrollment(cohort, make.user(city, name="Applicant"), status="applied")
    with pytest.raises(Conflict):
        services.move_cohort(official, cohort.id, "draft")
    with pytest.raises(ValidationError):
        services.move_cohort(official, cohort.id, "cancelled", "  ")
    services.move_cohort(official, cohort.id, "in_progress")
    with pytest.raises(Conflict):
        services.move_cohort(official, cohort.id, "cancelled", "Too late")
    services.move_cohort(official, cohort.id, "completed")
    db.session.commit()
    assert db.session.get(Cohort, cohort.id).status == CohortStatus.COMPLETED
    assert services.allowed_moves(official, db.session.get(Cohort, cohort.id)) == []


def test_sessions_stay_within_the_cohort_dates_in_its_zone(db, training, official):
    cohort = training.cohort(timezone="Pacific/Auckland")
    day = cohort.starts_on
    inside = SessionIn(
        title="Day before",
        starts_at=datetime(day.year, day.month, day.day, 9, tzinfo=UTC) - timedelta(days=1),
        ends_at=datetime(day.year, day.month, day.day, 10, tzinfo=UTC) - timedelta(days=1),
    )
    services.add_session(official, cohort.id, inside)
    too_early = SessionIn(
        title="Far too early",
        starts_at=datetime(day.year, day.month, day.day, 9, tzinfo=UTC) - timedelta(days=3),
        ends_at=datetime(day.year, day.month, day.day, 10, tzinfo=UTC) - timedelta(days=3),
    )
    with pytest.raises(ValidationError) as early:
        services.add_session(official, cohort.id, too_early)
    assert "starts_at" in early.value.errors
    backwards = SessionIn(
        title="Backwards",
        starts_at=datetime(day.year, day.month, day.day, 10, tzinfo=UTC),
        ends_at=datetime(day.year, day.month, day.day, 9, tzinfo=UTC),
    )
    with pytest.raises(ValidationError) as order:
        services.add_session(official, cohort.id, backwards)
    assert "ends_at" in order.value.errors


def test_reservations_beyond_capacity_are_refused_on_patch(db, training, official):
    cohort = training.cohort(capacity=3)
    with pytest.raises(ValidationError) as refused:
        services.update_cohort(
            official,
            cohort.id,
            CohortPatch(quotas=[QuotaIn(region="asia", reserved_seats=4)]),
        )
    assert "quotas" in refused.value.errors
