"""Enrollment: applying, officials' decisions, the waitlist and its time-limited offers.

(Built by the enrollment part; other parts call only the functions declared here.)
"""

from __future__ import annotations

from ..accounts.models import User
from .models import Enrollment


def fill_free_seats(actor: User | None, cohort_id: int) -> list[Enrollment]:
    """Offer every seat that is free now (within quotas and per-organisation limits) to the
    next eligible people on the waitlist, in ticket order; returns the new offers. Call
    inside the unit of work, after `seats.lock_cohort(cohort_id)`, whenever seats may have
    been freed: capacity raised, a quota loosened, a reservation passed, a holder gone."""
    return []
