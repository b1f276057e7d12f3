"""Enrollment under concurrency, at the service level: never overbooked, never duplicated.

40 different people into 10 seats → exactly 10 enrolled and 30 waitlisted in arrival order;
20 concurrent applies by one person → one enrollment; quotas and the per-organisation limit
hold; a withdrawal, an offer acceptance and the expiry job racing never seat two people in one
place.

Runs on file SQLite by default and on PostgreSQL when TEST_DATABASE_URL is set. Each thread
has its own app context (its own session) and takes the write intent, as web requests do."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import timedelta

from sqlalchemy import func, select, text, update

from seoul_platform.accounts.models import User
from seoul_platform.audit.models import StateChange
from seoul_platform.db import db as _db
from seoul_platform.db import unit_of_work, utcnow
from seoul_platform.errors import DomainError
from seoul_platform.training import enrollments as svc
from seoul_platform.training import seats
from seoul_platform.training.models import SEAT_HOLDING, Cohort, CohortQuota, Enrollment


def _race(app, workers):
    """Run each callable in its own thread and app context, all released together; the
    outcomes in completion order: "ok", "<status>:<detail>" for a refusal, "error:..." else."""
    # End the test's own transaction first: reading an expired attribute opened one, and
    # after an earlier test's POST this thread may carry the write intent (app.py sets it per
    # request), so that read would hold SQLite's write lock and starve the threads.
    _db.session.commit()
    barrier = threading.Barrier(len(workers))
    outcomes: list[str] = []
    lock = threading.Lock()

    def run(work):
        with app.app_context():
            barrier.wait()
            try:
                with unit_of_work(write=True):
                    work()
                outcome = "ok"
            except DomainError as err:
                outcome = f"{err.status}:{err.detail}"
            except Exception as err:  # any other error fails the test
                outcome = f"error:{type(err).__name__}:{err}"
            finally:
                _db.session.remove()
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=run, args=(w,)) for w in workers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcomes


def _applier(cohort_id, user_id):
    def work():
        svc.apply_to_cohort(_db.session.get(User, user_id), cohort_id)

    return work


def _rows(cohort_id) -> list[Enrollment]:
    _db.session.commit()  # end the test's snapshot (SQLite) to see the threads' commits
    return list(
        _db.session.scalars(
            select(Enrollment)
            .where(Enrollment.cohort_id == cohort_id)
            .order_by(Enrollment.ticket)
            .execution_options(populate_existing=True)
        )
    )


def assert_seats_consistent(cohort_id):
    """The counter equals the holders, within capacity, quotas and the per-org limit; one row
    per person; every row's state is its history's last; nobody waits next to a seat they
    could take."""
    rows = _rows(cohort_id)
    cohort = _db.session.get(Cohort, cohort_id, populate_existing=True)
    holding = [r for r in rows if r.status in SEAT_HOLDING]
    assert cohort.seats_taken == len(holding) <= cohort.capacity
    assert len({r.user_id for r in rows}) == len(rows)
    by_region = Counter(str(r.region) for r in holding)
    for quota in cohort.quotas:
        if quota.max_seats is not None:
            assert by_region[str(quota.region)] <= quota.max_seats
    if cohort.per_org_limit:
        assert max(Counter(r.organization_id for r in holding).values(), default=0) <= (
            cohort.per_org_limit
        )
    for r in rows:
        last = _db.session.scalar(
            select(StateChange.to_state)
            .where(StateChange.subject_type == "enrollment", StateChange.subject_id == r.id)
            .order_by(StateChange.id.desc())
            .limit(1)
        )
        assert last == r.status.value, (r.id, last, r.status)
    holders = seats.count_holders(cohort_id)
    now = utcnow()
    for r in rows:
        if r.status == "waitlisted":
            assert seats.why_no_seat(cohort, holders, str(r.region), r.organization_id, now)
    return rows


def test_postgresql_runs_read_committed(db):
    if db.engine.dialect.name != "postgresql":
        return  # SQLite serialises writers with BEGIN IMMEDIATE instead
    assert db.session.scalar(text("SHOW transaction_isolation")) == "read committed"


def test_forty_people_into_ten_seats(app, db, training, make):
    cohort = training.cohort(capacity=10)
    ids = [make.user(make.org("city", region="europe")).id for _ in range(40)]
    cohort_id = cohort.id
    db.session.commit()
    outcomes = _race(app, [_applier(cohort_id, i) for i in ids])
    assert outcomes == ["ok"] * 40, [o for o in outcomes if o != "ok"]
    rows = assert_seats_consistent(cohort_id)
    assert [r.ticket for r in rows] == list(range(1, 41))
    assert [r.status.value for r in rows] == ["enrolled"] * 10 + ["waitlisted"] * 30
    assert sorted(svc.waitlist_position(r) for r in rows[10:]) == list(range(1, 31))


def test_twenty_clicks_by_one_person_make_one_enrollment(app, db, training, make):
    cohort = training.cohort(capacity=10)
    person = make.user(make.org("city"))
    cohort_id, person_id = cohort.id, person.id
    db.session.commit()
    outcomes = _race(app, [_applier(cohort_id, person_id) for _ in range(20)])
    assert outcomes.count("ok") == 1, outcomes
    assert sorted(set(outcomes) - {"ok"}) == ["409:This person is already enrolled."]
    rows = assert_seats_consistent(cohort_id)
    assert len(rows) == 1 and rows[0].status.value == "enrolled"
    starts = db.session.scalar(
        select(func.count(StateChange.id)).where(StateChange.subject_id == rows[0].id)
    )
    assert starts == 1


def test_quotas_and_the_org_limit_under_concurrency(app, db, training, make):
    cohort = training.cohort(
        capacity=10,
        per_org_limit=2,
        quotas=[
            {"region": "asia", "max_seats": 3},
            {
                "region": "africa",
                "reserved_seats": 3,
                "reserved_until": utcnow() + timedelta(days=1),
            },
        ],
    )
    big = make.org("city", region="europe")
    people = [make.user(big) for _ in range(6)]  # one organisation: at most 2 seats
    people += [make.user(make.org("city", region="asia")) for _ in range(8)]  # at most 3
    people += [make.user(make.org("city", region="europe")) for _ in range(8)]
    people += [make.user(make.org("city", region="africa")) for _ in range(4)]
    ids = [p.id for p in people]
    cohort_id = cohort.id
    db.session.commit()
    outcomes = _race(app, [_applier(cohort_id, i) for i in ids])
    assert outcomes == ["ok"] * len(ids), [o for o in outcomes if o != "ok"]
    rows = assert_seats_consistent(cohort_id)
    holding = [r for r in rows if r.status in SEAT_HOLDING]
    assert len(holding) == 10
    assert sum(1 for r in holding if r.organization_id == big.id) <= 2
    assert sum(1 for r in holding if str(r.region) == "asia") <= 3
    # Africa's three reserved seats were kept for it: at least three Africans hold seats.
    assert sum(1 for r in holding if str(r.region) == "africa") >= 3


def _withdraw(enrollment_id, user_id):
    def work():
        svc.withdraw_enrollment(_db.session.get(User, user_id), enrollment_id)

    return work


def _accept(enrollment_id, user_id):
    def work():
        svc.accept_offer(_db.session.get(User, user_id), enrollment_id)

    return work


def _job():
    svc.expire_offers()


def _setup_race(db, training, make, offer_hours_left):
    """Capacity 2: a enrolled, b offered (expiring ``offer_hours_left`` from now), c, d, e
    waiting."""
    cohort = training.cohort(capacity=2)
    people = [make.user(make.org("city", region="europe")) for _ in range(5)]
    a, b, c, d, e = (training.enrollment(cohort, p, "waitlisted") for p in people)
    for row, status in ((a, "enrolled"), (b, "offered")):
        db.session.execute(
            update(Enrollment)
            .where(Enrollment.id == row.id)
            .values(
                status=status,
                offered_at=utcnow() if status == "offered" else None,
                offer_expires_at=(
                    utcnow() + timedelta(hours=offer_hours_left) if status == "offered" else None
                ),
            )
        )
        db.session.add(
            StateChange(
                subject_type="enrollment",
                subject_id=row.id,
                from_state="waitlisted",
                to_state=status,
                role="system",
                at=utcnow(),
            )
        )
    db.session.execute(update(Cohort).where(Cohort.id == cohort.id).values(seats_taken=2))
    db.session.commit()
    return cohort.id, [(r.id, p.id) for r, p in zip((a, b, c, d, e), people, strict=True)]


def test_withdrawal_acceptance_and_expiry_racing_seat_nobody_twice(app, db, training, make):
    for hours_left in (1.0, -1.0, 0.0003):  # the offer live, past, or ending during the race
        cohort_id, pairs = _setup_race(db, training, make, hours_left)
        (ea, a), (eb, b), *_ = pairs
        outcomes = _race(app, [_withdraw(ea, a), _accept(eb, b), _job, _job])
        assert not [o for o in outcomes if o.startswith("error")], outcomes
        rows = assert_seats_consistent(cohort_id)
        status = {r.id: r.status.value for r in rows}
        assert status[ea] == "withdrawn"
        assert status[eb] in ("enrolled", "expired")
        if hours_left > 0.01:
            assert status[eb] == "enrolled"
        if hours_left < 0:
            assert status[eb] == "expired"
        # Both seats are held again: the freed ones went to the next in line, in order.
        holding = [r for r in rows if r.status in SEAT_HOLDING]
        assert len(holding) == 2
        waiting = [r.ticket for r in rows if r.status.value == "waitlisted"]
        offered = [r.ticket for r in rows if r.status.value == "offered"]
        assert all(t < w for t in offered for w in waiting)


def test_capacity_raise_and_withdrawals_racing(app, db, training, make):
    cohort = training.cohort(capacity=3, quotas=[{"region": "asia", "max_seats": 2}])
    people = [make.user(make.org("city", region=("asia", "europe")[n % 2])) for n in range(10)]
    made = [training.enrollment(cohort, p, "waitlisted") for p in people]
    cohort_id = cohort.id
    db.session.commit()

    def fill():
        svc.fill_free_seats(None, cohort_id)

    def grow():
        locked = seats.lock_cohort(cohort_id)
        locked.capacity = locked.capacity + 2
        _db.session.flush()
        svc.fill_free_seats(None, cohort_id)

    def loosen():
        seats.lock_cohort(cohort_id)
        _db.session.execute(
            update(CohortQuota).where(CohortQuota.cohort_id == cohort_id).values(max_seats=4)
        )
        svc.fill_free_seats(None, cohort_id)

    outcomes = _race(app, [fill, grow, loosen, fill])
    assert outcomes == ["ok"] * 4, outcomes
    rows = assert_seats_consistent(cohort_id)
    assert sum(1 for r in rows if r.status in SEAT_HOLDING) == 5
    offered = [r for r in rows if r.status.value == "offered"]
    assert len(offered) == 5 and len(made) == 10
