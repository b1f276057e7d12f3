"""The waitlist's time-limited offers: a freed seat goes to the next eligible person in line
(skipping those a quota or their organisation's limit blocks), accepting enrols, declining or
letting it expire offers it to the next; a capacity raise offers seats; expiry by the
periodic job and lazily on access; one reminder 24 hours before the end."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from seoul_platform.db import db as _db
from seoul_platform.db import unit_of_work, utcnow
from seoul_platform.errors import Conflict, PermissionDenied
from seoul_platform.lifecycle import history
from seoul_platform.notifications.models import Notification
from seoul_platform.training import enrollments as svc
from seoul_platform.training import seats
from seoul_platform.training.models import Cohort, Enrollment


def run(fn, *args, **kwargs):
    with unit_of_work(write=True):
        return fn(*args, **kwargs)


def apply(person, cohort):
    return run(svc.apply_to_cohort, person, cohort.id).id


def row(enrollment_id) -> Enrollment:
    _db.session.commit()
    return _db.session.get(Enrollment, enrollment_id, populate_existing=True)


def status_of(enrollment_id) -> str:
    return row(enrollment_id).status.value


def seats_taken(cohort) -> int:
    _db.session.commit()
    return _db.session.get(Cohort, cohort.id, populate_existing=True).seats_taken


def notes(kind):
    _db.session.commit()
    return _db.session.scalars(
        select(Notification).where(Notification.kind == kind).order_by(Notification.id)
    ).all()


def age_offer(enrollment_id, hours_left: float):
    """Move an offer's expiry to ``hours_left`` from now (negative: past)."""
    _db.session.execute(
        update(Enrollment)
        .where(Enrollment.id == enrollment_id)
        .values(
            offer_expires_at=utcnow() + timedelta(hours=hours_left),
            offered_at=utcnow() + timedelta(hours=hours_left - 48),
        )
    )
    _db.session.commit()


@pytest.fixture
def line(db, training, make):
    """A one-seat first-come cohort: a holds it, b, c, d wait in that order."""
    cohort = training.cohort(capacity=1, offer_hours=48)
    people = [make.user(make.org("city", region="europe")) for _ in range(4)]
    ids = [apply(p, cohort) for p in people]
    return cohort, people, ids


def test_a_withdrawal_offers_the_seat_to_the_next_in_line(line):
    cohort, (a, b, c, d), (ea, eb, ec, ed) = line  # noqa: RUF059
    run(svc.withdraw_enrollment, a, ea)
    offer = row(eb)
    assert offer.status.value == "offered"
    assert offer.offer_expires_at - offer.offered_at == timedelta(hours=48)
    assert row(ea).letter_code is None
    assert seats_taken(cohort) == 1
    (made,) = notes("training.offer_made")
    assert made.user_id == b.id and made.params["cohort"] == cohort.title
    assert made.params["expires"].endswith("UTC")
    moved = history("enrollment", eb)[-1]
    assert (moved.from_state, moved.to_state, moved.role, moved.actor_id) == (
        "waitlisted",
        "offered",
        "system",
        None,  # not the person who withdrew
    )
    assert svc.waitlist_position(row(ec)) == 1


def test_accept_decline_and_expiry_move_the_offer_along(line):
    cohort, (a, b, c, d), (ea, eb, ec, ed) = line
    run(svc.withdraw_enrollment, a, ea)
    run(svc.decline_offer, b, eb)
    assert [status_of(i) for i in (eb, ec, ed)] == ["declined", "offered", "waitlisted"]
    age_offer(ec, -1)
    assert run(svc.expire_offers) == 1
    assert [status_of(i) for i in (ec, ed)] == ["expired", "offered"]
    assert [n.user_id for n in notes("training.offer_expired")] == [c.id]
    enrolled = run(svc.accept_offer, d, ed)
    assert enrolled.status.value == "enrolled" and len(enrolled.letter_code) >= 32
    assert seats_taken(cohort) == 1
    assert [n.user_id for n in notes("training.enrolled")] == [a.id, d.id]
    assert [(h.from_state, h.to_state) for h in history("enrollment", ec)] == [
        ("", "waitlisted"),
        ("waitlisted", "offered"),
        ("offered", "expired"),
    ]
    # Nobody is left waiting: nothing more to offer, and the seat counter is right.
    assert run(svc.expire_offers) == 0


def test_an_offer_past_its_time_cannot_be_accepted(line):
    cohort, (a, b, c, d), (ea, eb, ec, ed) = line  # noqa: RUF059
    run(svc.withdraw_enrollment, a, ea)
    age_offer(eb, -0.01)
    with pytest.raises(Conflict, match="expired"):
        run(svc.accept_offer, b, eb)
    # The refusal rolled back; the lazy expiry on access does it for real.
    assert status_of(eb) == "offered"
    assert svc.get_enrollment(b, eb).status.value == "expired"
    _db.session.commit()
    assert status_of(ec) == "offered"


def test_only_the_participant_answers_an_offer(line, official, make):
    cohort, (a, b, c, d), (ea, eb, ec, ed) = line  # noqa: RUF059
    run(svc.withdraw_enrollment, a, ea)
    with pytest.raises(PermissionDenied):
        run(svc.accept_offer, official, eb)
    with pytest.raises(Conflict, match="on the waitlist"):
        run(svc.accept_offer, c, ec)
    with pytest.raises(PermissionDenied):
        run(svc.withdraw_enrollment, official, ec)


def test_the_next_offer_skips_those_blocked_by_limits(db, training, make):
    cohort = training.cohort(
        capacity=3, per_org_limit=1, quotas=[{"region": "asia", "max_seats": 1}]
    )
    big = make.org("city", region="europe")
    asia = [make.org("city", region="asia") for _ in range(2)]
    holder_big, holder_asia, holder_x = (
        make.user(big),
        make.user(asia[0]),
        make.user(make.org("city", region="europe")),
    )
    colleague, asian, free = (
        make.user(big),
        make.user(asia[1]),
        make.user(make.org("city", region="oceania")),
    )
    ids = [apply(p, cohort) for p in (holder_big, holder_asia, holder_x, colleague, asian, free)]
    got = [status_of(i) for i in ids]
    assert got == ["enrolled"] * 3 + ["waitlisted"] * 3, got
    run(svc.withdraw_enrollment, holder_x, ids[2])
    # The colleague (org limit) and the Asian city (regional maximum) are passed over.
    assert [status_of(i) for i in ids[3:]] == ["waitlisted", "waitlisted", "offered"]
    # When the organisation's holder leaves, its colleague is next.
    run(svc.withdraw_enrollment, holder_big, ids[0])
    assert status_of(ids[3]) == "offered"


def test_raising_the_capacity_offers_seats_in_order(line):
    cohort, people, (ea, eb, ec, ed) = line  # noqa: RUF059
    with unit_of_work(write=True):
        locked = seats.lock_cohort(cohort.id)
        locked.capacity = 3
        _db.session.flush()
        offers = svc.fill_free_seats(None, cohort.id)
    assert [o.id for o in offers] == [eb, ec]
    assert [status_of(i) for i in (eb, ec, ed)] == ["offered", "offered", "waitlisted"]
    assert seats_taken(cohort) == 3


def test_a_draft_or_completed_cohort_makes_no_offers(line):
    cohort, people, ids = line  # noqa: RUF059
    with unit_of_work(write=True):
        locked = seats.lock_cohort(cohort.id)
        locked.capacity = 3
        locked.status = "completed"
        _db.session.flush()
        assert svc.fill_free_seats(None, cohort.id) == []


def test_lazy_expiry_writes_nothing_when_nothing_is_due(line, db):
    cohort, (a, b, c, d), (ea, eb, ec, ed) = line  # noqa: RUF059
    run(svc.withdraw_enrollment, a, ea)
    db.session.commit()
    writes = []

    from sqlalchemy import event

    def before(conn, cursor, statement, *args):
        if statement.lstrip().upper().startswith(("UPDATE", "INSERT", "DELETE")):
            writes.append(statement)

    event.listen(db.engine, "before_cursor_execute", before)
    try:
        assert svc.expire_due_offers(cohort.id) == 0
    finally:
        event.remove(db.engine, "before_cursor_execute", before)
    assert writes == []
    age_offer(eb, -1)
    assert run(svc.expire_due_offers, cohort.id) == 1
    assert [status_of(i) for i in (eb, ec)] == ["expired", "offered"]


def test_one_reminder_24_hours_before_the_end(line):
    cohort, (a, b, c, d), (ea, eb, ec, ed) = line  # noqa: RUF059
    run(svc.withdraw_enrollment, a, ea)
    assert run(svc.remind_expiring_offers) == 0  # 48 hours left
    age_offer(eb, 23)
    assert run(svc.remind_expiring_offers) == 1
    assert run(svc.remind_expiring_offers) == 0
    later = utcnow() + timedelta(hours=1)
    assert run(svc.remind_expiring_offers, later) == 0
    (reminder,) = notes("training.offer_expiring")
    assert reminder.user_id == b.id and reminder.params["expires"].endswith("UTC")
    assert row(eb).offer_reminded_at is not None


def test_a_short_offer_gets_no_separate_reminder(db, training, make):
    cohort = training.cohort(capacity=1, offer_hours=12)
    a, b = make.user(make.org("city", region="europe")), make.user(make.org("city"))
    ea, eb = apply(a, cohort), apply(b, cohort)
    run(svc.withdraw_enrollment, a, ea)
    assert status_of(eb) == "offered"
    assert run(svc.remind_expiring_offers) == 0


def test_the_periodic_task_expires_and_reminds(line, app):
    from seoul_platform.jobs import huey
    from seoul_platform.training.tasks import sweep_offers

    cohort, (a, b, c, d), (ea, eb, ec, ed) = line  # noqa: RUF059
    assert "sweep_offers" in {t.name for t in huey._registry.periodic_tasks}
    run(svc.withdraw_enrollment, a, ea)
    age_offer(eb, -1)
    _db.session.commit()
    assert sweep_offers.call_local() == (1, 0)
    assert [status_of(i) for i in (eb, ec)] == ["expired", "offered"]
    age_offer(ec, 10)
    assert sweep_offers.call_local() == (0, 1)


def test_the_job_offers_seats_a_lapsed_reservation_freed(db, training, make):
    from seoul_platform.training.models import CohortQuota

    cohort = training.cohort(
        capacity=1,
        quotas=[
            {
                "region": "africa",
                "reserved_seats": 1,
                "reserved_until": utcnow() + timedelta(days=1),
            }
        ],
    )
    eu = make.user(make.org("city", region="europe"))
    ee = apply(eu, cohort)
    assert status_of(ee) == "waitlisted"
    _db.session.execute(update(CohortQuota).values(reserved_until=utcnow() - timedelta(seconds=1)))
    _db.session.commit()
    assert run(svc.expire_offers) == 0
    assert status_of(ee) == "offered"
