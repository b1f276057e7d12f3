"""Training jobs: offers past their expiry end, and their seats go to the next in line;
people whose offer ends within 24 hours are reminded once (every five minutes).

Offers are also expired lazily when someone loads the enrollment or its cohort
(enrollments.expire_due_offers), so nobody sees a live offer that is over; the job is what
moves the waitlist on when nobody looks.
"""

from __future__ import annotations

import logging

from huey import crontab

from ..db import unit_of_work
from ..jobs import huey, job_context
from .enrollments import expire_offers, remind_expiring_offers

log = logging.getLogger("seoul_platform.training")


@huey.periodic_task(crontab(minute="*/5"))
def sweep_offers() -> tuple[int, int]:
    with job_context(), unit_of_work(write=True):
        expired = expire_offers()
    with job_context(), unit_of_work(write=True):
        reminded = remind_expiring_offers()
    if expired or reminded:
        log.info("training offers expired: %d, reminded: %d", expired, reminded)
    return expired, reminded
