"""Seats: the one place that decides whether a person may hold a seat in a cohort, and that
moves the cohort's seat counter.

Every change of who holds a seat (enrolling, offering a freed seat, withdrawing, an offer
expiring, a capacity or quota change) runs inside one transaction that first calls
`lock_cohort`. Its UPDATE takes the cohort row's lock on PostgreSQL (a second transaction
waits there until the first commits, then reads the counts the first left) and the database's
write lock on SQLite (write requests already begin with BEGIN IMMEDIATE; jobs and CLI
commands use `db.write_intent()`). Under that lock the counts below are exact, and the
arrival ticket is handed out in lock order, so the waitlist is first-come.

Backstops in the database: ``seats_taken <= capacity`` (a check constraint) and one
enrollment per person per cohort (a unique constraint).

The rules for one more seat for a person of ``region`` and ``organization_id``:
1. a seat is free: ``seats_taken < capacity``;
2. their organisation holds fewer than ``per_org_limit`` seats;
3. their region holds fewer than its quota's ``max_seats``;
4. the seats still reserved for *other* regions (``reserved_seats`` not yet filled, while
   ``reserved_until`` has not passed) leave at least one free seat.
"""

from __future__ import annotations

import enum
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import func, select, update
from sqlalchemy.orm.util import identity_key

from ..db import as_utc, db
from ..errors import Conflict, NotFound
from .models import SEAT_HOLDING, Cohort, CohortQuota, Enrollment


class NoSeat(enum.StrEnum):
    """Why a person cannot have a seat now (they are waitlisted instead)."""

    FULL = "full"
    ORGANIZATION_LIMIT = "organization_limit"
    REGION_LIMIT = "region_limit"
    RESERVED = "reserved"  # the free seats are reserved for other regions


@dataclass
class Holders:
    """Who holds the cohort's seats now (enrolled or offered), counted under the lock."""

    total: int = 0
    by_region: Counter = field(default_factory=Counter)
    by_organization: Counter = field(default_factory=Counter)


def lock_cohort(cohort_id: int) -> Cohort:
    """Take the cohort's lock for the rest of the transaction and return the row as it is
    now (reloaded, not a stale copy from the session). Raises NotFound."""
    locked = db.session.execute(
        update(Cohort)
        .where(Cohort.id == cohort_id)
        .values(next_ticket=Cohort.next_ticket)  # no change: the UPDATE is the lock
        .execution_options(synchronize_session=False)
    )
    if locked.rowcount == 0:
        raise NotFound(_("No such cohort."))
    return db.session.scalar(
        select(Cohort).where(Cohort.id == cohort_id).execution_options(populate_existing=True)
    )


def count_holders(cohort_id: int) -> Holders:
    """The seats held per region and per organisation (one query)."""
    rows = db.session.execute(
        select(Enrollment.region, Enrollment.organization_id, func.count())
        .where(Enrollment.cohort_id == cohort_id, Enrollment.status.in_(SEAT_HOLDING))
        .group_by(Enrollment.region, Enrollment.organization_id)
    ).all()
    holders = Holders()
    for region, org_id, n in rows:
        holders.total += n
        holders.by_region[str(region)] += n
        if org_id is not None:
            holders.by_organization[org_id] += n
    return holders


def _active_reservation(quota: CohortQuota, now: datetime) -> int:
    if not quota.reserved_seats:
        return 0
    if quota.reserved_until is not None and as_utc(quota.reserved_until) <= now:
        return 0
    return quota.reserved_seats


def why_no_seat(
    cohort: Cohort,
    holders: Holders,
    region: str,
    organization_id: int | None,
    now: datetime,
) -> NoSeat | None:
    """None when a person of ``region`` / ``organization_id`` may take one more seat now;
    otherwise the first rule that stops them (see the module's docstring)."""
    region = str(region)
    free = cohort.capacity - holders.total
    if free <= 0:
        return NoSeat.FULL
    if (
        cohort.per_org_limit is not None
        and organization_id is not None
        and holders.by_organization[organization_id] >= cohort.per_org_limit
    ):
        return NoSeat.ORGANIZATION_LIMIT
    reserved_for_others = 0
    for quota in cohort.quotas:
        held = holders.by_region[str(quota.region)]
        if str(quota.region) == region:
            if quota.max_seats is not None and held >= quota.max_seats:
                return NoSeat.REGION_LIMIT
            continue
        reserved_for_others += max(0, _active_reservation(quota, now) - held)
    if free - reserved_for_others <= 0:
        return NoSeat.RESERVED
    return None


def take_seat(cohort_id: int) -> None:
    """Count one more seat held. Call under `lock_cohort` after `why_no_seat` said yes; the
    condition (and the check constraint) refuse an overbooking even if a caller forgot."""
    moved = db.session.execute(
        update(Cohort)
        .where(Cohort.id == cohort_id, Cohort.seats_taken < Cohort.capacity)
        .values(seats_taken=Cohort.seats_taken + 1)
        .execution_options(synchronize_session=False)
    )
    if moved.rowcount != 1:
        raise Conflict(_("This cohort is full."))
    _expire(cohort_id)


def free_seat(cohort_id: int) -> None:
    """Count one seat fewer (a holder withdrew, declined, or their offer expired)."""
    moved = db.session.execute(
        update(Cohort)
        .where(Cohort.id == cohort_id, Cohort.seats_taken > 0)
        .values(seats_taken=Cohort.seats_taken - 1)
        .execution_options(synchronize_session=False)
    )
    if moved.rowcount != 1:  # the counter and the rows disagree: never silently
        raise RuntimeError(f"cohort {cohort_id}: no seat to free")
    _expire(cohort_id)


def next_ticket(cohort_id: int) -> int:
    """The next arrival ticket of the cohort (under `lock_cohort`)."""
    ticket = db.session.scalar(select(Cohort.next_ticket).where(Cohort.id == cohort_id))
    db.session.execute(
        update(Cohort)
        .where(Cohort.id == cohort_id)
        .values(next_ticket=Cohort.next_ticket + 1)
        .execution_options(synchronize_session=False)
    )
    _expire(cohort_id)
    return ticket


def _expire(cohort_id: int) -> None:
    """Let a Cohort already in the session read the counters the UPDATEs wrote."""
    loaded = db.session.identity_map.get(identity_key(Cohort, cohort_id))
    if loaded is not None:
        db.session.expire(loaded, ["seats_taken", "next_ticket"])
