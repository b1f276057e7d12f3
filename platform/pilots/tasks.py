"""Pilot jobs: calls for proposals past their deadline move to "closed" (every ten minutes).

Requests are also closed lazily when someone loads one (requests.close_if_overdue) and the
open-calls list leaves out calls past their deadline, so the job is what makes the stored
state, the pipeline and the city's notification follow even when nobody looks.
"""

from __future__ import annotations

import logging

from huey import crontab

from ..db import unit_of_work
from ..jobs import huey, job_context
from .requests import close_overdue_requests

log = logging.getLogger("seoul_platform.pilots")


@huey.periodic_task(crontab(minute="*/10"))
def close_overdue_calls() -> int:
    with job_context(), unit_of_work(write=True):
        closed = close_overdue_requests()
    if closed:
        log.info("calls for proposals closed at their deadline: %d", closed)
    return closed
