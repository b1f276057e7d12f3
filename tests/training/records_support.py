"""Helpers of the training-records tests: a cohort with sessions and enrolled people, marks,
and an accepted plan, built directly (the services under test are called by the tests)."""

from __future__ import annotations

from datetime import date

from seoul_platform.db import db as _db
from seoul_platform.training.models import (
    ActionPlan,
    ActionPlanStatus,
    Attendance,
    AttendanceStatus,
)


def cohort_with_sessions(training, n_sessions=5, **fields):
    fields.setdefault("capacity", 50)
    cohort = training.cohort(status="in_progress", **fields)
    sessions = [
        training.session(cohort, day=k % 4, hours=(9 + k, 10 + k)) for k in range(n_sessions)
    ]
    return cohort, sessions


def mark(sessions, enrollment, statuses):
    for session, status in zip(sessions, statuses, strict=False):
        _db.session.add(
            Attendance(
                session_id=session.id,
                enrollment_id=enrollment.id,
                status=AttendanceStatus(status),
            )
        )
    _db.session.commit()


def accepted_plan(enrollment, status="accepted"):
    plan = ActionPlan(
        enrollment_id=enrollment.id,
        goal="Open data portal",
        steps=[{"action": "Draft the policy", "due": date(2027, 9, 1).isoformat()}],
        status=ActionPlanStatus(status),
    )
    _db.session.add(plan)
    _db.session.commit()
    return plan
