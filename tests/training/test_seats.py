"""The seat rules (training/seats.py): capacity, the per-organisation limit, regional
maximums and reservations; the counter's database backstop; the cohort lock."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.exc import IntegrityError

from seoul_platform.db import db, unit_of_work, utcnow
from seoul_platform.errors import Conflict, NotFound
from seoul_platform.training import seats
from seoul_platform.training.models import Cohort, CohortQuota
from seoul_platform.training.seats import Holders, NoSeat


def _cohort(capacity=4, per_org_limit=None, quotas=()):
    cohort = Cohort(capacity=capacity, per_org_limit=per_org_limit)
    cohort.quotas = [CohortQuota(**q) for q in quotas]
    return cohort


def _holders(**regions):
    holders = Holders()
    for region, n in regions.items():
        holders.by_region[region] = n
        holders.total += n
    return holders


NOW = utcnow()


def test_a_free_seat_is_given():
    assert seats.why_no_seat(_cohort(), _holders(asia=3), "asia", 1, NOW) is None


def test_a_full_cohort_gives_none():
    assert seats.why_no_seat(_cohort(), _holders(asia=4), "africa", 1, NOW) == NoSeat.FULL


def test_the_per_organisation_limit():
    holders = _holders(europe=2)
    holders.by_organization[7] = 2
    cohort = _cohort(per_org_limit=2)
    assert seats.why_no_seat(cohort, holders, "europe", 7, NOW) == NoSeat.ORGANIZATION_LIMIT
    assert seats.why_no_seat(cohort, holders, "europe", 8, NOW) is None


def test_a_regional_maximum():
    cohort = _cohort(quotas=[{"region": "asia", "max_seats": 2}])
    assert seats.why_no_seat(cohort, _holders(asia=2), "asia", 1, NOW) == NoSeat.REGION_LIMIT
    assert seats.why_no_seat(cohort, _holders(asia=2), "europe", 1, NOW) is None


def test_seats_reserved_for_another_region_until_their_date():
    reserve = {"region": "africa", "reserved_seats": 2, "reserved_until": NOW + timedelta(days=1)}
    cohort = _cohort(capacity=4, quotas=[reserve])
    # Two seats free, both reserved for Africa: Asia waits, Africa gets one.
    assert seats.why_no_seat(cohort, _holders(asia=2), "asia", 1, NOW) == NoSeat.RESERVED
    assert seats.why_no_seat(cohort, _holders(asia=2), "africa", 1, NOW) is None
    # One African seat filled: one still reserved, one free for anyone.
    assert seats.why_no_seat(cohort, _holders(asia=1, africa=1), "asia", 1, NOW) is None
    # After the date the reservation lapses.
    later = NOW + timedelta(days=2)
    assert seats.why_no_seat(cohort, _holders(asia=2), "asia", 1, later) is None


@pytest.fixture
def stored(db, training):
    return training.cohort(capacity=1)


def test_the_counter_cannot_pass_the_capacity(stored):
    with unit_of_work():
        seats.lock_cohort(stored.id)
        seats.take_seat(stored.id)
    with pytest.raises(Conflict), unit_of_work():
        seats.lock_cohort(stored.id)
        seats.take_seat(stored.id)
    assert db.session.get(Cohort, stored.id).seats_taken == 1
    # The database refuses it too, whoever writes.
    cohort = db.session.get(Cohort, stored.id)
    cohort.seats_taken = 2
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_the_lock_returns_the_fresh_row_and_tickets_follow(stored):
    with unit_of_work():
        stale = db.session.get(Cohort, stored.id)
        db.session.execute(
            Cohort.__table__.update().where(Cohort.id == stored.id).values(capacity=7)
        )
        assert seats.lock_cohort(stored.id).capacity == 7
        assert stale.capacity == 7
        assert [seats.next_ticket(stored.id) for _ in range(3)] == [1, 2, 3]
    assert db.session.get(Cohort, stored.id).next_ticket == 4
    with pytest.raises(NotFound), unit_of_work():
        seats.lock_cohort(stored.id + 1000)


def test_count_holders_groups_by_region_and_organisation(stored, training, make, city, company):
    big = training.cohort(capacity=5)
    for org, status in [(city, "enrolled"), (city, "offered"), (company, "enrolled")]:
        training.enrollment(big, make.user(org), status)
    training.enrollment(big, make.user(company), "waitlisted")
    holders = seats.count_holders(big.id)
    assert holders.total == 3
    assert holders.by_region == {"europe": 2, "asia": 1}
    assert holders.by_organization == {city.id: 2, company.id: 1}
    assert db.session.get(Cohort, big.id).seats_taken == 3
