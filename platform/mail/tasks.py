"""Mail jobs: deliver one message as soon as it is committed; sweep the outbox every minute.

A delivery is three steps (delivery.py): claim (committed at once, so no other worker can take
the message), the SMTP conversation outside any transaction (a slow server never holds the
database's write lock), and the outcome. Each message has its own transactions: one that
fails — even with an unexpected exception — never stops the others. Retries are not Huey's:
the row's ``next_attempt_at`` is the schedule, so a queue that loses a job loses nothing.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field

from flask import current_app
from huey import crontab

from ..db import unit_of_work
from ..jobs import huey, job_context
from . import delivery

log = logging.getLogger("seoul_platform.mail")


@dataclass
class SweepReport:
    attempted: int = 0
    statuses: dict[str, int] = field(default_factory=dict)
    stopped_early: bool = False  # the SMTP server did not answer; the rest stay queued
    abandoned: int = 0  # claims of killed workers that had used the last attempt: failed

    def __str__(self) -> str:
        counts = ", ".join(f"{n} {s}" for s, n in sorted(self.statuses.items())) or "nothing due"
        text = f"attempted {self.attempted}: {counts}"
        if self.abandoned:
            text += f"; {self.abandoned} abandoned on the last attempt, failed"
        return text + (" (SMTP unavailable, stopped)" if self.stopped_early else "")


def smtp_configured() -> bool:
    return bool(current_app.config.get("SMTP_HOST"))


def deliver(message_id: int) -> tuple[str, delivery.Outcome] | None:
    """Claim, send and record one message (needs an app context). None when there is no SMTP
    server (the outbox is the delivery), or the message is not due, or another worker has it."""
    if not smtp_configured():
        return None
    with unit_of_work(write=True):
        claim = delivery.claim_email(message_id)
    if claim is None:
        return None
    try:
        outcome = delivery.send_claimed(claim, current_app.config)
    except Exception as exc:  # a bug in one message's delivery must not leave it claimed
        log.exception("mail %s: unexpected error while sending", message_id)
        outcome = delivery.Outcome(False, f"{type(exc).__name__}", unavailable=False)
    with unit_of_work(write=True):
        status = delivery.record_outcome(claim, outcome)
    return status, outcome


def sweep(limit: int = 100, budget: float = 45.0) -> SweepReport:
    """Deliver every due message, in batches of ``limit``, each message on its own, for at
    most ``budget`` seconds (the next sweep starts a minute later). Stops early when the SMTP
    server is unreachable: the remaining messages stay queued for the next sweep."""
    report = SweepReport()
    if not smtp_configured():
        return report
    deadline = time.monotonic() + budget
    with unit_of_work(write=True):
        report.abandoned = delivery.fail_abandoned()
    while time.monotonic() < deadline:
        with unit_of_work():
            due = delivery.list_due_ids(limit=limit)
        for message_id in due:
            try:
                result = deliver(message_id)
            except Exception:  # e.g. a database error on this row: log it, go on
                log.exception("mail %s: delivery failed", message_id)
                continue
            if result is None:
                continue
            status, outcome = result
            report.attempted += 1
            report.statuses[status] = report.statuses.get(status, 0) + 1
            if outcome.unavailable:
                report.stopped_early = True
                return report
            if time.monotonic() >= deadline:
                return report
        if len(due) < limit:  # the outbox has nothing more that is due
            break
    return report


@huey.task()
def deliver_email(message_id: int) -> None:
    """Enqueued after the commit that queued (or retried) the message."""
    with job_context():
        deliver(message_id)


@huey.periodic_task(crontab(minute="*"))
def sweep_outbox() -> None:
    """Every minute: retries that are due, claims left by a killed worker, missed jobs."""
    with job_context():
        report = sweep()
    if report.attempted:
        log.info("mail sweep: %s", report)
