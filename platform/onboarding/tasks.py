"""Onboarding jobs: invitations past their expiry move to "expired" (hourly).

Links are refused once past expiry whether or not this has run (the check is made on use);
the job makes the stored state, the invitations page and the history say so too.
"""

from __future__ import annotations

import logging

from huey import crontab

from ..db import unit_of_work
from ..jobs import huey, job_context
from .invitations import expire_overdue_invitations

log = logging.getLogger("seoul_platform.onboarding")


@huey.periodic_task(crontab(minute="7"))
def expire_invitations() -> int:
    with job_context(), unit_of_work(write=True):
        expired = expire_overdue_invitations()
    if expired:
        log.info("invitations expired: %d", expired)
    return expired
