"""A hypothesis state machine over the real enrollment services: people apply to a first-come
and a reviewed cohort, officials accept, reject and waitlist, people withdraw, accept and
decline offers, offers expire, capacity and a regional quota change. After every step:

- ``seats_taken`` equals the enrolled plus the offered, within the capacity;
- regional maximums and the per-organisation limit hold;
- the waitlist order is respected: nobody is offered a seat while an earlier waitlisted person
  who could have taken it is passed over, and nobody waits next to a seat they could take;
- one row, hence one state, per person per cohort; offers have an expiry, enrolled a letter;
- every state change is in the history (a chain from the first state to the current one).

TRAINING_MACHINE_EXAMPLES (default 20) sets the number of examples."""

from __future__ import annotations

import itertools
import os
from collections import Counter
from datetime import timedelta

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import delete, select, update

from seoul_platform.accounts.models import User
from seoul_platform.audit.models import StateChange
from seoul_platform.db import db as _db
from seoul_platform.db import unit_of_work, utcnow
from seoul_platform.errors import DomainError
from seoul_platform.notifications.models import Notification
from seoul_platform.training import enrollments as svc
from seoul_platform.training import seats
from seoul_platform.training.models import (
    SEAT_HOLDING,
    Cohort,
    CohortQuota,
    Enrollment,
    Programme,
)

EXAMPLES = int(os.environ.get("TRAINING_MACHINE_EXAMPLES", "20"))
PEOPLE = 7
COHORTS = ("first_come", "reviewed")


def _attempt(fn, *args, **kwargs):
    """Run one service call in its own unit of work; a refusal is a normal outcome."""
    try:
        with unit_of_work(write=True):
            fn(*args, **kwargs)
    except DomainError:
        pass
    finally:
        _db.session.expire_all()


def _holding_snapshot(cohort_id) -> dict[int, str]:
    return dict(
        _db.session.execute(
            select(Enrollment.id, Enrollment.status).where(Enrollment.cohort_id == cohort_id)
        ).all()
    )


class EnrollmentMachine(RuleBasedStateMachine):
    people: list[int] = []
    official_id: int = 0
    programme_id: int = 0

    def __init__(self):
        super().__init__()
        for model in (Notification, StateChange, Enrollment, CohortQuota, Cohort):
            _db.session.execute(delete(model))
        cohorts = {}
        for mode in COHORTS:
            cohort = Cohort(
                programme_id=self.programme_id,
                title=f"Machine {mode}",
                status="published",
                starts_on=(utcnow() + timedelta(days=60)).date(),
                ends_on=(utcnow() + timedelta(days=64)).date(),
                capacity=3,
                admission=mode,
                per_org_limit=2,
                application_deadline=utcnow() + timedelta(days=30),
                offer_hours=48,
            )
            _db.session.add(cohort)
            _db.session.flush()
            _db.session.add(CohortQuota(cohort_id=cohort.id, region="asia", max_seats=2))
            cohorts[mode] = cohort.id
        _db.session.commit()
        self.cohorts = cohorts
        self.before: dict[str, dict[int, str]] = {}

    # ---- helpers -----------------------------------------------------------------------------

    def _user(self, user_id):
        return _db.session.get(User, user_id)

    def _row(self, mode, person) -> Enrollment | None:
        return _db.session.scalar(
            select(Enrollment).where(
                Enrollment.cohort_id == self.cohorts[mode],
                Enrollment.user_id == self.people[person],
            )
        )

    def _pick(self, mode, states, k) -> Enrollment | None:
        """The k-th (cyclically) row of the cohort in one of ``states``, in ticket order."""
        rows = list(
            _db.session.scalars(
                select(Enrollment)
                .where(Enrollment.cohort_id == self.cohorts[mode], Enrollment.status.in_(states))
                .order_by(Enrollment.ticket)
            )
        )
        return rows[k % len(rows)] if rows else None

    def _snapshot(self):
        _db.session.commit()
        self.before = {mode: _holding_snapshot(cid) for mode, cid in self.cohorts.items()}

    # ---- rules -------------------------------------------------------------------------------

    @initialize(order=st.permutations(range(PEOPLE)), arrivals=st.integers(3, PEOPLE))
    def a_crowd_applies(self, order, arrivals):
        """Most people apply to both cohorts at the start (the others may later)."""
        self._snapshot()
        for person in order[:arrivals]:
            for cohort_id in self.cohorts.values():
                _attempt(svc.apply_to_cohort, self._user(self.people[person]), cohort_id)

    @rule(mode=st.sampled_from(COHORTS), person=st.integers(0, PEOPLE - 1))
    def apply(self, mode, person):
        self._snapshot()
        _attempt(svc.apply_to_cohort, self._user(self.people[person]), self.cohorts[mode])

    @rule(
        mode=st.sampled_from(COHORTS),
        k=st.integers(0, PEOPLE - 1),
        decision=st.sampled_from(["accept", "reject", "waitlist"]),
    )
    def decide(self, mode, k, decision):
        row = self._pick(mode, ["applied", "waitlisted", "offered", "enrolled"], k)
        if row is None:
            return
        self._snapshot()
        official = self._user(self.official_id)
        _attempt(svc.decide_enrollment, official, row.id, decision, "Machine says no.")

    @rule(mode=st.sampled_from(COHORTS), k=st.integers(0, PEOPLE - 1))
    def withdraw(self, mode, k):
        row = self._pick(mode, ["applied", "waitlisted", "offered", "enrolled"], k)
        if row is None:
            return
        self._snapshot()
        _attempt(svc.withdraw_enrollment, self._user(row.user_id), row.id)

    @rule(mode=st.sampled_from(COHORTS), k=st.integers(0, PEOPLE - 1))
    def accept_offer(self, mode, k):
        row = self._pick(mode, ["offered", "waitlisted"], k)
        if row is None:
            return
        self._snapshot()
        _attempt(svc.accept_offer, self._user(row.user_id), row.id)

    @rule(mode=st.sampled_from(COHORTS), k=st.integers(0, PEOPLE - 1))
    def decline_offer(self, mode, k):
        row = self._pick(mode, ["offered"], k)
        if row is None:
            return
        self._snapshot()
        _attempt(svc.decline_offer, self._user(row.user_id), row.id)

    @rule(mode=st.sampled_from(COHORTS), lazily=st.booleans())
    def expire(self, mode, lazily):
        """The first offer of the cohort runs out; the job or a page notices."""
        cohort_id = self.cohorts[mode]
        offered = _db.session.scalar(
            select(Enrollment.id)
            .where(Enrollment.cohort_id == cohort_id, Enrollment.status == "offered")
            .order_by(Enrollment.ticket)
            .limit(1)
        )
        if offered is None:
            return
        _db.session.execute(
            update(Enrollment)
            .where(Enrollment.id == offered)
            .values(offer_expires_at=utcnow() - timedelta(seconds=1))
        )
        self._snapshot()
        if lazily:
            _attempt(svc.expire_due_offers, cohort_id)
        else:
            _attempt(svc.expire_offers)

    @rule(mode=st.sampled_from(COHORTS), capacity=st.integers(0, 5))
    def change_capacity(self, mode, capacity):
        """As the cohorts part does: refused below the seats held, else the waitlist is
        offered what was added."""
        cohort_id = self.cohorts[mode]
        self._snapshot()

        def change():
            cohort = seats.lock_cohort(cohort_id)
            if capacity < cohort.seats_taken:
                return
            cohort.capacity = capacity
            _db.session.flush()
            svc.fill_free_seats(self._user(self.official_id), cohort_id)

        _attempt(change)

    @rule(
        mode=st.sampled_from(COHORTS),
        max_seats=st.one_of(st.none(), st.integers(0, 3)),
        reserved=st.integers(0, 2),
        reservation_live=st.booleans(),
    )
    def change_quota(self, mode, max_seats, reserved, reservation_live):
        """Asia's maximum and a reservation for Africa; a maximum below the seats Asia holds
        is refused (like a capacity below the seats held)."""
        cohort_id = self.cohorts[mode]
        self._snapshot()

        def change():
            seats.lock_cohort(cohort_id)
            held = seats.count_holders(cohort_id)
            if max_seats is not None and max_seats < held.by_region["asia"]:
                return
            _db.session.execute(
                update(CohortQuota)
                .where(CohortQuota.cohort_id == cohort_id, CohortQuota.region == "asia")
                .values(max_seats=max_seats)
            )
            africa = _db.session.scalar(
                select(CohortQuota).where(
                    CohortQuota.cohort_id == cohort_id, CohortQuota.region == "africa"
                )
            )
            if africa is None:
                africa = CohortQuota(cohort_id=cohort_id, region="africa")
                _db.session.add(africa)
            africa.reserved_seats = reserved
            africa.reserved_until = utcnow() + timedelta(days=1 if reservation_live else -1)
            _db.session.flush()
            _db.session.expire_all()
            svc.fill_free_seats(self._user(self.official_id), cohort_id)

        _attempt(change)

    # ---- invariants --------------------------------------------------------------------------

    @invariant()
    def seats_quotas_order_and_history(self):
        _db.session.commit()
        _db.session.expire_all()
        now = utcnow()
        for mode, cohort_id in self.cohorts.items():
            cohort = _db.session.get(Cohort, cohort_id)
            rows = list(
                _db.session.scalars(
                    select(Enrollment)
                    .where(Enrollment.cohort_id == cohort_id)
                    .order_by(Enrollment.ticket)
                )
            )
            chains: dict[int, list[tuple[str, str]]] = {}
            for subject_id, src, to in _db.session.execute(
                select(StateChange.subject_id, StateChange.from_state, StateChange.to_state)
                .where(
                    StateChange.subject_type == "enrollment",
                    StateChange.subject_id.in_([r.id for r in rows]),
                )
                .order_by(StateChange.id)
            ):
                chains.setdefault(subject_id, []).append((src, to))
            holding = [r for r in rows if r.status in SEAT_HOLDING]
            assert cohort.seats_taken == len(holding) <= cohort.capacity, mode
            by_region = Counter(str(r.region) for r in holding)
            for quota in cohort.quotas:
                if quota.max_seats is not None:
                    assert by_region[str(quota.region)] <= quota.max_seats, (mode, quota.region)
            by_org = Counter(r.organization_id for r in holding)
            assert max(by_org.values(), default=0) <= cohort.per_org_limit, mode
            assert len({r.user_id for r in rows}) == len(rows)
            for r in rows:
                if r.status == "offered":
                    assert r.offer_expires_at is not None
                if r.status == "enrolled":
                    assert r.letter_code and len(r.letter_code) >= 32
                chain = chains.get(r.id, [])
                assert chain and chain[0][0] == ""
                for (_, to), (src, _) in itertools.pairwise(chain):
                    assert src == to, chain
                assert chain[-1][1] == r.status.value, (chain, r.status)
                if r.id in self.before.get(mode, {}) and self.before[mode][r.id] != r.status:
                    assert len(chain) >= 2
            # Nobody waits next to a seat they could take.
            holders = seats.count_holders(cohort_id)
            waiting = [r for r in rows if r.status == "waitlisted"]
            for w in waiting:
                assert seats.why_no_seat(cohort, holders, str(w.region), w.organization_id, now), (
                    mode,
                    w.ticket,
                )
            # A new offer passed over nobody earlier who could have had it.
            before = self.before.get(mode, {})
            for x in holding:
                if x.status != "offered" or before.get(x.id) == "offered":
                    continue
                without = seats.Holders(
                    total=holders.total - 1,
                    by_region=holders.by_region.copy(),
                    by_organization=holders.by_organization.copy(),
                )
                without.by_region[str(x.region)] -= 1
                if x.organization_id is not None:
                    without.by_organization[x.organization_id] -= 1
                for w in waiting:
                    if w.ticket < x.ticket:
                        assert seats.why_no_seat(
                            cohort, without, str(w.region), w.organization_id, now
                        ), (mode, "passed over", w.ticket, x.ticket)


def test_the_enrollment_state_machine(db, make):
    regions = ["asia", "asia", "europe", "europe", "africa", "oceania", "europe"]
    shared = make.org("city", region="europe")
    people = []
    for n, region in enumerate(regions):
        # Persons 2, 3 and 6 share an organisation (the per-organisation limit is 2).
        org = shared if n in (2, 3, 6) else make.org("city", region=region)
        people.append(make.user(org).id)
    programme = Programme(title="Machine", year=2027)
    db.session.add(programme)
    db.session.commit()
    EnrollmentMachine.people = people
    EnrollmentMachine.official_id = make.user(official=True).id
    EnrollmentMachine.programme_id = programme.id
    run_state_machine_as_test(
        EnrollmentMachine,
        settings=settings(
            max_examples=EXAMPLES,
            stateful_step_count=20,
            deadline=None,
            suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
            database=None,
        ),
    )
