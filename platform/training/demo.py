"""Demo data for Training: the programme "Capacity-Building Training 2027 (demo)" with four
cohorts, each telling one part of the story.

- **Urban data and digital twins** — in progress: sessions behind and ahead, attendance marked
  for the past ones, action plans submitted (one accepted, one a draft).
- **Inclusive mobility** — first come, full: four seats taken (at most two for Asia), a
  waitlist, and a pending time-limited offer. ``city-admin@demo.seoul.example`` holds the
  offer (accept or decline it on /training/mine) for 72 hours after loading, after which it
  expires like any offer and goes to ``company-admin@demo.seoul.example``, first on the
  waitlist.
- **Open government and data ethics** — reviewed, open for applications: five applications
  for officials to decide, from cities and institutions of five regions, with two seats kept
  for Africa until the deadline. Companies are not eligible, so ``company-admin`` sees why.
- **Climate resilience planning** — completed: attendance, accepted action plans,
  certificates (``company-admin`` holds one; one other was revoked with a reason) and four
  feedback answers, enough for the aggregates to show.

Called from ``seoul_platform.demo`` (``seed_training`` after the pilots, ``remove_training``
before the demo organisations go); like it, it only adds and flushes. Every move goes through
the training services as the demo official and the demo members, so history, notifications
and checks are the real ones. The services refuse to act on the past (applications close
before a cohort starts), so the past cohorts are walked *now* without a deadline and their
timestamps moved back afterwards, for the demo only (``_backdate``). Dates are relative to
today, so the data stays fresh. Idempotency: nothing is added when the programme exists.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import delete, or_, select, update

from ..accounts.models import User
from ..audit.models import StateChange
from ..db import db, utcnow
from . import action_plans, attendance, certificates, enrollments, feedback, programmes
from .cohort_schemas import CohortIn, ProgrammeIn, QuotaIn, SessionIn
from .feedback_schemas import FeedbackIn
from .models import (
    SEAT_HOLDING,
    ActionPlan,
    Attendance,
    AttendanceStatus,
    Certificate,
    Cohort,
    CohortQuota,
    Enrollment,
    FeedbackResponse,
    Programme,
    TrainingSession,
)
from .record_schemas import ActionPlanIn

__all__ = ["PROGRAMME_TITLE", "remove_training", "seed_training"]

PROGRAMME_TITLE = "Capacity-Building Training 2027 (demo)"
OFFICIAL = "official@demo.seoul.example"
SEOUL = ZoneInfo("Asia/Seoul")
VENUE = "Seoul Global Center, 38 Jong-ro, Jongno-gu, Seoul"


def _mail(slug: str) -> str:
    return f"{slug}@demo.seoul.example"


CITY_ADMIN = _mail("city-admin")
COMPANY_ADMIN = _mail("company-admin")
INSTITUTION = _mail("institution-member")


def _p(slug: str) -> str:
    return _mail(f"{slug}.pilots")


SUMMARY = (
    "Two weeks a year in Seoul and online for the prize's winning cities, companies and "
    "institutions: how the Seoul Metropolitan Government plans, buys, runs and evaluates its "
    "city services, with site visits, exchanges between peers and a plan for home."
)

# Each cohort: its fields (days relative to today), its sessions (day from the start, local
# start hour, hours, kind, title, place) and its people in order of arrival.
COHORTS: list[dict[str, Any]] = [
    {
        "key": "in_progress",
        "fields": {
            "title": "Urban data and digital twins — winter cohort (demo)",
            "description": (
                "How a city turns sensor, transport and permit data into a model it can plan "
                "with, and who keeps it honest. For data and planning teams."
            ),
            "place_mode": "seoul",
            "address": VENUE,
            "languages": ["en", "ko"],
            "capacity": 12,
            "admission": "first_come",
            "per_org_limit": 2,
            "attendance_threshold": 75,
        },
        "start": -3,
        "days": 6,
        "sessions": [
            (0, 10, 2, "lecture", "How Seoul's digital twin is built and governed", VENUE),
            (1, 14, 3, "site_visit", "Visit to the city's transport operations centre",
             "TOPIS, Seoul City Hall annex"),
            (2, 10, 2, "peer_exchange", "Data sharing agreements: what worked at home", VENUE),
            (4, 10, 2, "lecture", "Procuring data platforms without lock-in", VENUE),
            (5, 14, 2, "presentation", "Participants present their action plans", VENUE),
        ],
        "people": [
            (INSTITUTION, "Our institute advises three city councils on open data; we want "
             "to bring back a governance model for their shared platform."),
            (_p("hanbit"), "We are starting a district-level digital twin next year."),
            (_p("porto"), "Flood modelling needs the data our departments keep apart."),
            (_p("kivuli"), "Energy access planning for informal settlements."),
            (_p("nahr"), "Leak detection data sits in three systems; we need one picture."),
            (_p("sarnowo"), "Our climate programme needs measurable baselines."),
            (_p("cedar"), "We want to learn how Seoul involves residents in its models."),
        ],
    },
    {
        "key": "full",
        "fields": {
            "title": "Inclusive mobility — spring cohort (demo)",
            "description": (
                "Accessible buses, demand-responsive transport and fare data for people who "
                "are left out of the network today."
            ),
            "place_mode": "seoul",
            "address": VENUE,
            "languages": ["en"],
            "capacity": 4,
            "admission": "first_come",
            "per_org_limit": 1,
            "offer_hours": 72,
            "quotas": [{"region": "asia", "max_seats": 2}],
        },
        "start": 45,
        "days": 5,
        "deadline": 30,
        "sessions": [
            (0, 10, 2, "lecture", "Seoul's accessible transport policy", VENUE),
            (1, 10, 4, "site_visit", "Riding the night owl buses and the call taxis",
             "Seoul Bus Management Office"),
            (3, 14, 2, "peer_exchange", "Fares, data and people without smartphones", VENUE),
        ],
        "people": [
            (_p("eurocity"), "We build ticketing back offices for European transport operators."),
            (_p("hanul"), "Our digital twin models passenger flows for operators."),
            (_p("tidewater"), "Our sensors count boardings at accessible stops."),
            (_p("wadi"), "We are redesigning our bus network this year."),
            (CITY_ADMIN, "Lindholm Bay is piloting on-demand minibuses for older residents."),
            (COMPANY_ADMIN, "We run the minibus pilot's booking line and want to improve it."),
            (_p("atlas"), "Solar charging for electric minibuses in our region."),
        ],
        "withdraw": _p("wadi"),
    },
    {
        "key": "reviewed",
        "fields": {
            "title": "Open government and data ethics — reviewed cohort (demo)",
            "description": (
                "Publishing what a city decides and why, consent and data protection in "
                "smart city projects, and how residents can check both."
            ),
            "place_mode": "seoul",
            "address": VENUE,
            "languages": ["en", "ko"],
            "capacity": 6,
            "admission": "reviewed",
            "org_kinds": ["city", "institution"],
            "per_org_limit": 1,
            "quotas": [
                {"region": "africa", "reserved_seats": 2},
                {"region": "asia", "max_seats": 2},
            ],
        },
        "start": 75,
        "days": 5,
        "deadline": 40,
        "reserve_until": 40,
        "sessions": [
            (0, 10, 2, "lecture", "Seoul's open data and its civic oversight", VENUE),
            (2, 14, 2, "peer_exchange", "Consent in city services: cases from the cohort", VENUE),
        ],
        "people": [
            (_p("sahel"), "Our civil registry goes digital next year; residents must trust it."),
            (_p("tamarind"), "We publish risk maps and want residents to be able to check them."),
            (_p("cedar"), "Our council asked for an algorithm register."),
            (_p("nahr"), "We share water data with a regional authority and need rules for it."),
            (_p("andean"), "Our observatory publishes mobility data from five cities."),
        ],
    },
    {
        "key": "completed",
        "fields": {
            "title": "Climate resilience planning — autumn cohort (demo)",
            "description": (
                "Heat, floods and landslides: early warning, risk maps and the budgets that "
                "keep them running."
            ),
            "place_mode": "seoul",
            "address": VENUE,
            "languages": ["en"],
            "capacity": 10,
            "admission": "first_come",
            "attendance_threshold": 75,
        },
        "start": -20,
        "days": 5,
        "sessions": [
            (0, 10, 2, "lecture", "Seoul's heat wave and flood response", VENUE),
            (1, 14, 3, "site_visit", "The Han River flood control centre",
             "Han River Flood Control Office"),
            (2, 10, 2, "peer_exchange", "Early warning for people without phones", VENUE),
            (4, 10, 3, "presentation", "Action plans: what each of us will do at home", VENUE),
        ],
        "people": [
            (COMPANY_ADMIN, "Our booking line also warns riders when services stop in storms."),
            (_p("southerncross"), "We build alerting tools for councils."),
            (_p("brightgrid"), "Our models forecast heat stress by neighbourhood."),
            (_p("pacifica"), "Drone surveys after landslides."),
            (_p("falaj"), "Flood sensors for wadis."),
        ],
        # present / absent / excused per session, in the order of "people"
        "attendance": [
            "pppp", "pppa", "ppep", "papa", "pppp",
        ],
        "plans": ["accept", "accept", "accept", "submit", "accept"],
        "revoke": (
            _p("brightgrid"),
            "Issued in error: an attendance mark was corrected after the cohort.",
        ),
        "feedback": [
            ({"overall": 5, "content": 5, "speakers": 4, "organisation": 5, "relevance": 4},
             "The site visit made the rest of the week concrete.", True),
            ({"overall": 4, "content": 4, "speakers": 4, "organisation": 3, "relevance": 5},
             "More time for the peer exchange, please.", True),
            ({"overall": 4, "content": 3, "speakers": 5, "organisation": 4, "relevance": 4},
             "Interpretation into French would help colleagues from West Africa.", True),
            ({"overall": 3, "content": 4, "speakers": 3, "organisation": 4, "relevance": 3},
             "", False),
        ],
    },
]  # fmt: skip

PLAN = {
    "goal": (
        "Bring one practice from the training into our own service within a year, and "
        "report on it to the council."
    ),
    "steps": [
        ("Present what we learnt to the department heads", 30),
        ("Agree a small pilot with one district", 90),
        ("Report the first results to the council", 240),
    ],
}


def _user(email: str) -> User:
    user = db.session.scalar(select(User).where(User.email == email))
    if user is None:  # demo.py creates every account these stories act as
        raise LookupError(f"demo account {email} is missing")
    return user


def _day(offset: int) -> date:
    return date.today() + timedelta(days=offset)


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=SEOUL).astimezone(UTC)


def _cohort_input(programme_id: int, spec: dict) -> CohortIn:
    fields = dict(spec["fields"])
    starts = _day(spec["start"])
    quotas = [
        QuotaIn(
            **q,
            reserved_until=_at(_day(spec["reserve_until"]), 23)
            if q.get("reserved_seats")
            else None,
        )
        for q in fields.pop("quotas", [])
    ]
    deadline = _at(_day(spec["deadline"]), 18) if "deadline" in spec else None
    return CohortIn(
        program_id=programme_id,
        starts_on=starts,
        ends_on=starts + timedelta(days=spec["days"] - 1),
        application_deadline=deadline,
        quotas=quotas,
        **fields,
    )


def _add_sessions(official: User, cohort: Cohort, spec: dict) -> list[TrainingSession]:
    made = []
    for day, hour, hours, kind, title, place in spec["sessions"]:
        on = cohort.starts_on + timedelta(days=day)
        made.append(
            programmes.add_session(
                official,
                cohort.id,
                SessionIn(
                    kind=kind,
                    title=title,
                    starts_at=_at(on, hour),
                    ends_at=_at(on, hour + hours),
                    place=place,
                ),
            )
        )
    return made


def _apply_all(cohort: Cohort, spec: dict) -> dict[str, Enrollment]:
    placed = {}
    for email, motivation in spec["people"]:
        person = _user(email)
        placed[email] = enrollments.apply_to_cohort(person, cohort.id, motivation=motivation)
    return placed


def _plan_input(start: date) -> ActionPlanIn:
    return ActionPlanIn.model_validate(
        {
            "goal": PLAN["goal"],
            "steps": [
                {"action": action, "due": (start + timedelta(days=d)).isoformat()}
                for action, d in PLAN["steps"]
            ],
        }
    )


def _write_plan(person: User, enrollment: Enrollment, cohort: Cohort, what: str, official: User):
    action_plans.save_draft(person, enrollment.id, _plan_input(cohort.ends_on))
    if what in ("submit", "accept"):
        action_plans.submit(person, enrollment.id)
    if what == "accept":
        action_plans.review(official, enrollment.id, "accept", "Clear steps; good luck.")


MARKS = {"p": AttendanceStatus.PRESENT, "a": AttendanceStatus.ABSENT, "e": AttendanceStatus.EXCUSED}


def _in_progress(official: User, cohort: Cohort, spec: dict) -> None:
    sessions = _add_sessions(official, cohort, spec)
    placed = _apply_all(cohort, spec)
    started = now = utcnow()
    programmes.move_cohort(official, cohort.id, "in_progress")
    past = [s for s in sessions if s.ends_at.replace(tzinfo=UTC) <= now]
    ids = [e.id for e in placed.values()]
    for n, session in enumerate(past):
        # Most present; a few absences, and one excused absence in the second session.
        marks = [
            (eid, AttendanceStatus.ABSENT if (k + n) % 5 == 3 else AttendanceStatus.PRESENT)
            for k, eid in enumerate(ids)
        ]
        if n == 1:
            marks[-1] = (ids[-1], AttendanceStatus.EXCUSED)
        attendance.save_marks(official, session.id, marks)
    people = [email for email, _m in spec["people"]]
    _write_plan(_user(people[0]), placed[people[0]], cohort, "submit", official)
    _write_plan(_user(people[1]), placed[people[1]], cohort, "accept", official)
    _write_plan(_user(people[2]), placed[people[2]], cohort, "draft", official)
    # Applications came in a month before the start; the rest is this week's.
    _backdate(cohort.id, started, before=-timedelta(days=30 - spec["start"]), after=timedelta(0))


def _full(official: User, cohort: Cohort, spec: dict) -> None:
    _add_sessions(official, cohort, spec)
    placed = _apply_all(cohort, spec)
    leaving = spec["withdraw"]
    # A seat frees up: the next in line gets the time-limited offer.
    enrollments.withdraw_enrollment(_user(leaving), placed[leaving].id)


def _reviewed(official: User, cohort: Cohort, spec: dict) -> None:
    _add_sessions(official, cohort, spec)
    _apply_all(cohort, spec)


def _completed(official: User, cohort: Cohort, spec: dict) -> None:
    sessions = _add_sessions(official, cohort, spec)
    placed = _apply_all(cohort, spec)
    started = utcnow()
    programmes.move_cohort(official, cohort.id, "in_progress")
    people = [email for email, _m in spec["people"]]
    for n, session in enumerate(sessions):
        marks = [
            (placed[email].id, MARKS[spec["attendance"][k][n]]) for k, email in enumerate(people)
        ]
        attendance.save_marks(official, session.id, marks)
    for email, what in zip(people, spec["plans"], strict=True):
        _write_plan(_user(email), placed[email], cohort, what, official)
    issued = certificates.issue_certificates(official, cohort.id)
    revoked_email, reason = spec["revoke"]
    for certificate in issued:
        if certificate.enrollment_id == placed[revoked_email].id:
            certificates.revoke(official, certificate.code, reason)
    programmes.move_cohort(official, cohort.id, "completed")
    for email, (ratings, comment, recommend) in zip(people, spec["feedback"], strict=False):
        feedback.submit(
            _user(email),
            cohort.id,
            FeedbackIn(ratings=ratings, comment=comment, recommend=recommend),
        )
    # Applications a month before the start; the records from the cohort's last day.
    to_last_day = cohort.ends_on - date.today()
    _backdate(
        cohort.id,
        started,
        before=to_last_day - timedelta(days=30 + spec["days"]),
        after=to_last_day,
    )


WALKS = {
    "in_progress": _in_progress,
    "full": _full,
    "reviewed": _reviewed,
    "completed": _completed,
}


# (model, columns) of what a walk stamps "now", moved into the past by _backdate.
STAMPED = (
    (Enrollment, ("created_at", "updated_at", "decided_at", "offered_at")),
    (Attendance, ("marked_at",)),
    (ActionPlan, ("submitted_at", "reviewed_at", "updated_at")),
    (Certificate, ("issued_at", "revoked_at")),
    (FeedbackResponse, ("submitted_at",)),
)


def _rows(cohort_id: int) -> dict:
    enrollment_ids = list(
        db.session.scalars(select(Enrollment.id).where(Enrollment.cohort_id == cohort_id))
    )
    in_cohort = Enrollment.cohort_id == cohort_id
    plan_ids = list(
        db.session.scalars(
            select(ActionPlan.id).where(ActionPlan.enrollment_id.in_(enrollment_ids))
        )
    )
    history = select(StateChange).where(
        or_(
            (StateChange.subject_type == "cohort") & (StateChange.subject_id == cohort_id),
            (StateChange.subject_type == "enrollment") & StateChange.subject_id.in_(enrollment_ids),
            (StateChange.subject_type == "action_plan") & StateChange.subject_id.in_(plan_ids),
        )
    )
    rows = {StateChange: list(db.session.scalars(history))}
    for model, _columns in STAMPED:
        if model is Enrollment:
            stmt = select(Enrollment).where(in_cohort)
        else:
            stmt = select(model).where(model.enrollment_id.in_(enrollment_ids))
        rows[model] = list(db.session.scalars(stmt))
    return rows


def _backdate(cohort_id: int, started: datetime, before: timedelta, after: timedelta) -> None:
    """Demo only (the services stamp everything now): move what was written before the walk
    started the cohort by ``before`` (applications came in weeks ahead), and what came after
    by ``after`` (a completed cohort's attendance, plans and certificates date from its week)."""

    def shifted(value: datetime | None) -> datetime | None:
        if value is None:
            return None
        aware = value if value.tzinfo else value.replace(tzinfo=UTC)
        return value + (before if aware < started else after)

    rows = _rows(cohort_id)
    for change in rows[StateChange]:
        change.at = shifted(change.at)
    for model, columns in STAMPED:
        for row in rows[model]:
            for column in columns:
                setattr(row, column, shifted(getattr(row, column)))
    db.session.flush()


def seed_training(tally: Any) -> None:
    """Create the programme and walk its four cohorts, unless the programme exists."""
    exists = db.session.scalar(
        select(Programme.id).where(Programme.title == PROGRAMME_TITLE, Programme.is_demo)
    )
    if exists is not None:
        tally.existing += 1
        return
    official = _user(OFFICIAL)
    programme = programmes.create_programme(
        official, ProgrammeIn(title=PROGRAMME_TITLE, year=2027, summary=SUMMARY)
    )
    programme.is_demo = True
    for spec in COHORTS:
        cohort = programmes.create_cohort(official, _cohort_input(programme.id, spec))
        cohort.is_demo = True
        db.session.flush()
        programmes.move_cohort(official, cohort.id, "published")
        WALKS[spec["key"]](official, db.session.get(Cohort, cohort.id), spec)
        tally.training_cohorts += 1
    db.session.flush()


def remove_training() -> int:
    """Delete the demo programmes and everything under them, children first, and their
    history; enrollments of demo people in real cohorts go too (the accounts are about to
    be deleted). Returns how many cohorts and enrollments were deleted."""
    cohort_ids = list(
        db.session.scalars(
            select(Cohort.id)
            .join(Programme, Programme.id == Cohort.programme_id)
            .where(or_(Programme.is_demo.is_(True), Cohort.is_demo.is_(True)))
        )
    )
    demo_people = select(User.id).where(User.is_demo.is_(True))
    enrollment_ids = list(
        db.session.scalars(
            select(Enrollment.id).where(
                or_(Enrollment.cohort_id.in_(cohort_ids), Enrollment.user_id.in_(demo_people))
            )
        )
    )
    plan_ids = list(
        db.session.scalars(
            select(ActionPlan.id).where(ActionPlan.enrollment_id.in_(enrollment_ids))
        )
    )

    def gone(stmt) -> int:
        return db.session.execute(stmt, execution_options={"synchronize_session": "fetch"}).rowcount

    # The cohort counts seats; an enrollment of a demo person in a real cohort frees its seat.
    for cohort_id, n in db.session.execute(
        select(Enrollment.cohort_id, db.func.count())
        .where(
            Enrollment.id.in_(enrollment_ids),
            Enrollment.cohort_id.not_in(cohort_ids),
            Enrollment.status.in_(SEAT_HOLDING),
        )
        .group_by(Enrollment.cohort_id)
    ).all():
        db.session.execute(
            update(Cohort)
            .where(Cohort.id == cohort_id)
            .values(seats_taken=Cohort.seats_taken - n)
            .execution_options(synchronize_session=False)
        )
    gone(delete(FeedbackResponse).where(FeedbackResponse.enrollment_id.in_(enrollment_ids)))
    gone(delete(Certificate).where(Certificate.enrollment_id.in_(enrollment_ids)))
    gone(delete(ActionPlan).where(ActionPlan.id.in_(plan_ids)))
    gone(delete(Attendance).where(Attendance.enrollment_id.in_(enrollment_ids)))
    removed = gone(delete(Enrollment).where(Enrollment.id.in_(enrollment_ids)))
    gone(delete(FeedbackResponse).where(FeedbackResponse.cohort_id.in_(cohort_ids)))
    gone(delete(TrainingSession).where(TrainingSession.cohort_id.in_(cohort_ids)))
    gone(delete(CohortQuota).where(CohortQuota.cohort_id.in_(cohort_ids)))
    removed += gone(delete(Cohort).where(Cohort.id.in_(cohort_ids)))
    gone(delete(Programme).where(Programme.is_demo.is_(True)))
    for subject_type, ids in (
        ("cohort", cohort_ids),
        ("enrollment", enrollment_ids),
        ("action_plan", plan_ids),
    ):
        if ids:
            gone(
                delete(StateChange).where(
                    StateChange.subject_type == subject_type, StateChange.subject_id.in_(ids)
                )
            )
    db.session.flush()
    return removed
