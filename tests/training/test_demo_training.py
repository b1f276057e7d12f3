"""The training demo: each cohort's story in the database and on the pages its demo accounts
see, the seat invariants, idempotency, and remove-demo taking all of it (history included)."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import func, select

from seoul_platform import demo
from seoul_platform.accounts.models import User
from seoul_platform.audit.models import StateChange
from seoul_platform.notifications.models import Notification
from seoul_platform.training.demo import PROGRAMME_TITLE
from seoul_platform.training.models import (
    SEAT_HOLDING,
    ActionPlan,
    Attendance,
    Certificate,
    Cohort,
    CohortQuota,
    CohortStatus,
    Enrollment,
    FeedbackResponse,
    Programme,
    TrainingSession,
)
from support import login

TRAINING_MODELS = (
    Programme,
    Cohort,
    CohortQuota,
    TrainingSession,
    Enrollment,
    Attendance,
    ActionPlan,
    Certificate,
    FeedbackResponse,
)
HISTORY = StateChange.subject_type.in_(("cohort", "enrollment", "action_plan"))


def _count(db, model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where)) or 0


def _counts(db) -> dict[str, int]:
    counts = {model.__name__: _count(db, model) for model in TRAINING_MODELS}
    counts["history"] = _count(db, StateChange, HISTORY)
    return counts


def _cohort(db, prefix: str) -> Cohort:
    return db.session.scalar(select(Cohort).where(Cohort.title.startswith(prefix)))


def _statuses(db, cohort: Cohort) -> Counter:
    rows = db.session.scalars(select(Enrollment.status).where(Enrollment.cohort_id == cohort.id))
    return Counter(s.value for s in rows)


def _email_of(db, enrollment: Enrollment) -> str:
    return db.session.get(User, enrollment.user_id).email


def _one_demo_programme_with_four_cohorts(db, seeded):
    (programme,) = db.session.scalars(select(Programme))
    assert programme.title == PROGRAMME_TITLE and programme.is_demo and programme.year == 2027
    cohorts = list(db.session.scalars(select(Cohort)))
    assert len(cohorts) == 4 and all(c.is_demo for c in cohorts)
    assert {c.status for c in cohorts} == {
        CohortStatus.IN_PROGRESS,
        CohortStatus.PUBLISHED,
        CohortStatus.COMPLETED,
    }
    assert "4 training cohorts" in seeded


def _the_cohort_in_progress_has_attendance_and_action_plans(db, seeded):
    cohort = _cohort(db, "Urban data")
    assert cohort.status == CohortStatus.IN_PROGRESS
    assert _statuses(db, cohort) == {"enrolled": 7}
    sessions = list(db.session.scalars(select(TrainingSession).filter_by(cohort_id=cohort.id)))
    marked = {
        a.session_id
        for a in db.session.scalars(
            select(Attendance).where(Attendance.session_id.in_([s.id for s in sessions]))
        )
    }
    assert 0 < len(marked) < len(sessions)  # some sessions behind, some ahead
    assert {s.kind.value for s in sessions} == {
        "lecture",
        "site_visit",
        "peer_exchange",
        "presentation",
    }
    plans = db.session.scalars(
        select(ActionPlan.status)
        .join(Enrollment, Enrollment.id == ActionPlan.enrollment_id)
        .where(Enrollment.cohort_id == cohort.id)
    )
    assert {p.value for p in plans} == {"submitted", "accepted", "draft"}


def _the_full_first_come_cohort_has_a_waitlist_and_a_pending_offer(db, seeded):
    cohort = _cohort(db, "Inclusive mobility")
    assert cohort.admission.value == "first_come" and cohort.quotas
    counts = _statuses(db, cohort)
    assert counts["enrolled"] + counts["offered"] == cohort.capacity == cohort.seats_taken
    assert counts["offered"] == 1 and counts["waitlisted"] >= 2
    offered = db.session.scalar(select(Enrollment).filter_by(cohort_id=cohort.id, status="offered"))
    assert _email_of(db, offered) == "city-admin@demo.seoul.example"
    assert offered.offer_expires_at is not None
    first_waiting = db.session.scalar(
        select(Enrollment)
        .filter_by(cohort_id=cohort.id, status="waitlisted")
        .order_by(Enrollment.ticket)
    )
    assert _email_of(db, first_waiting) == "company-admin@demo.seoul.example"


def _the_reviewed_cohort_has_applications_to_decide(db, seeded):
    cohort = _cohort(db, "Open government")
    assert cohort.admission.value == "reviewed" and cohort.status == CohortStatus.PUBLISHED
    assert _statuses(db, cohort) == {"applied": 5}
    regions = set(
        db.session.scalars(select(Enrollment.region).where(Enrollment.cohort_id == cohort.id))
    )
    assert len(regions) >= 4
    assert all(
        e.motivation for e in db.session.scalars(select(Enrollment).filter_by(cohort_id=cohort.id))
    )


def _the_completed_cohort_has_certificates_and_enough_feedback(db, seeded):
    cohort = _cohort(db, "Climate resilience")
    assert cohort.status == CohortStatus.COMPLETED
    assert _statuses(db, cohort)["completed"] >= 3
    certs = list(
        db.session.scalars(
            select(Certificate)
            .join(Enrollment, Enrollment.id == Certificate.enrollment_id)
            .where(Enrollment.cohort_id == cohort.id)
        )
    )
    assert len(certs) >= 3 and sum(c.revoked_at is not None for c in certs) == 1
    assert all(c.revoked_reason for c in certs if c.revoked_at)
    holders = {_email_of(db, db.session.get(Enrollment, c.enrollment_id)) for c in certs}
    assert "company-admin@demo.seoul.example" in holders
    assert _count(db, FeedbackResponse, FeedbackResponse.cohort_id == cohort.id) >= 3
    # Its records date from the cohort's week, not from the moment the demo was loaded.
    assert all(c.issued_at.date() <= cohort.ends_on for c in certs)


def _seats_never_exceed_capacity_and_the_history_is_complete(db, seeded):
    for cohort in db.session.scalars(select(Cohort)):
        holders = _count(
            db,
            Enrollment,
            Enrollment.cohort_id == cohort.id,
            Enrollment.status.in_(SEAT_HOLDING),
        )
        assert holders == cohort.seats_taken <= cohort.capacity, cohort.title
    for enrollment in db.session.scalars(select(Enrollment)):
        last = db.session.scalar(
            select(StateChange.to_state)
            .where(
                StateChange.subject_type == "enrollment", StateChange.subject_id == enrollment.id
            )
            .order_by(StateChange.id.desc())
            .limit(1)
        )
        assert last == enrollment.status.value


def _the_demo_accounts_see_their_training(app, db):
    city = app.test_client()
    assert login(city, "city-admin@demo.seoul.example", demo.DEMO_PASSWORD).status_code == 302
    mine = city.get("/training/mine").get_data(as_text=True)
    assert "Inclusive mobility" in mine and "Seat offered" in mine
    official = app.test_client()
    assert login(official, "official@demo.seoul.example", demo.DEMO_PASSWORD).status_code == 302
    reviewed = _cohort(db, "Open government")
    page = official.get(f"/training/cohorts/{reviewed.id}/applications")
    assert page.status_code == 200 and page.get_data(as_text=True).count("Applied, waiting") >= 5
    completed = _cohort(db, "Climate resilience")
    results = official.get(f"/training/cohorts/{completed.id}/feedback/results")
    assert results.status_code == 200 and "<svg" in results.get_data(as_text=True)


def test_the_four_stories(app, db, official):
    """One seed (it takes seconds), every story checked on it; a real official exists first,
    so that the demo can be seen to notify no real person."""
    summary = demo.seed_demo()
    db.session.commit()
    _one_demo_programme_with_four_cohorts(db, summary)
    _the_cohort_in_progress_has_attendance_and_action_plans(db, summary)
    _the_full_first_come_cohort_has_a_waitlist_and_a_pending_offer(db, summary)
    _the_reviewed_cohort_has_applications_to_decide(db, summary)
    _the_completed_cohort_has_certificates_and_enough_feedback(db, summary)
    _seats_never_exceed_capacity_and_the_history_is_complete(db, summary)
    _the_demo_accounts_see_their_training(app, db)
    assert _count(db, Notification, Notification.user_id == official.id) == 0
    assert _count(db, Notification, Notification.link.startswith("/training")) > 0


def test_seeding_again_adds_nothing_and_remove_demo_takes_all_of_it(db):
    demo.seed_demo()
    db.session.commit()
    before = _counts(db)
    assert all(before.values())
    demo.seed_demo()
    db.session.commit()
    assert _counts(db) == before
    demo.remove_demo()
    db.session.commit()
    assert _counts(db) == dict.fromkeys(before, 0)
    demo.seed_demo()
    db.session.commit()
    assert _counts(db) == before
