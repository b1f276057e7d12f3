"""The cohort's CSV exports (roster, attendance, feedback aggregates), from the pages and the
API: content read back with the csv module, a byte-order mark for Excel, ISO dates, formulas
neutralised, no rows per person in the feedback export, and a fixed number of queries."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta

import pytest
from members.test_query_counts import count_queries

from seoul_platform.db import as_utc, unit_of_work
from seoul_platform.db import db as _db
from seoul_platform.training import exports, feedback
from seoul_platform.training.feedback_schemas import FeedbackIn
from seoul_platform.training.models import Attendance, AttendanceStatus, Cohort
from support import bearer, signed_in


def attend(enrollment, session, status: str = "present") -> Attendance:
    """An attendance row (the records part marks attendance; exports only read it)."""
    row = Attendance(
        session_id=session.id, enrollment_id=enrollment.id, status=AttendanceStatus(status)
    )
    _db.session.add(row)
    _db.session.commit()
    return row


def read_csv(response) -> list[list[str]]:
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


@pytest.fixture
def running(training) -> Cohort:
    today = date.today()
    return training.cohort(
        status="in_progress",
        capacity=3,
        starts_on=today - timedelta(days=1),
        ends_on=today + timedelta(days=3),
    )


def test_roster_csv(app, db, training, make, city, africa_city, running, official):
    hostile = make.user(city, name="=cmd|' /C calc'!A0 김")
    second = make.user(africa_city, name="Amina Test")
    third = make.user(city, name="-2+3")
    waiting = [make.user(city, name=f"Waiting {n}") for n in range(2)]
    training.enrollment(running, hostile)
    training.enrollment(running, second)
    training.enrollment(running, third, "withdrawn")
    for person in waiting:
        training.enrollment(running, person, "waitlisted")
    rows = read_csv(signed_in(app, official).get(f"/training/cohorts/{running.id}/roster.csv"))
    assert rows[0] == list(exports.ROSTER_COLUMNS)
    body = rows[1:]
    assert [r[0] for r in body] == [
        "'=cmd|' /C calc'!A0 김",
        "Amina Test",
        "'-2+3",
        "Waiting 0",
        "Waiting 1",
    ]
    assert body[1][1:6] == ["Kigali Test", "RW", "africa", "city", "enrolled"]
    assert [r[6] for r in body] == ["1", "2", "3", "4", "5"]
    assert [r[8] for r in body] == ["", "", "", "1", "2"]
    assert datetime.fromisoformat(body[0][7]).utcoffset() == timedelta(0)


def test_attendance_csv(app, db, training, make, city, running, official):
    first = training.session(running, day=0, title="=Opening")
    second = training.session(running, day=1, title="Site visit")
    people = [make.user(city, name=f"P{n}") for n in range(3)]
    enrollments = [training.enrollment(running, p) for p in people]
    training.enrollment(running, make.user(city, name="Waitlisted"), "waitlisted")
    attend(enrollments[0], first)
    attend(enrollments[0], second)
    attend(enrollments[1], first, "absent")
    attend(enrollments[1], second, "excused")
    rows = read_csv(signed_in(app, official).get(f"/training/cohorts/{running.id}/attendance.csv"))
    header = rows[0]
    assert header[0:2] == ["name", "organisation"] and header[-1] == "attendance_rate"
    assert header[2].endswith(" =Opening") and header[3].endswith(" Site visit")
    assert header[2].split(" ")[0] == as_utc(first.starts_at).isoformat()  # ISO 8601, UTC
    assert rows[1:] == [
        ["P0", "Testville", "present", "present", "100.0"],
        ["P1", "Testville", "absent", "excused", "0.0"],
        ["P2", "Testville", "", "", "0.0"],
    ]


def test_attendance_csv_without_sessions(app, db, training, make, city, running, official):
    training.enrollment(running, make.user(city, name="Only"))
    rows = read_csv(signed_in(app, official).get(f"/training/cohorts/{running.id}/attendance.csv"))
    assert rows == [["name", "organisation", "attendance_rate"], ["Only", "Testville", ""]]


def _answer(person, cohort, value: int, comment: str) -> None:
    data = FeedbackIn.model_validate(
        {"ratings": dict.fromkeys(feedback.QUESTIONS, value), "comment": comment, "recommend": True}
    )
    with unit_of_work():
        feedback.submit(person, cohort.id, data)


def test_feedback_csv_has_aggregates_only(app, db, training, make, city, running, official):
    people = [make.user(city, name=f"Answerer {n}") for n in range(3)]
    for person, value in zip(people, (5, 4, 3), strict=True):
        training.enrollment(running, person)
        _answer(person, running, value, "=cmd|' /C calc'!A0")
    response = signed_in(app, official).get(f"/training/cohorts/{running.id}/feedback.csv")
    text = response.get_data(as_text=True)
    rows = read_csv(response)
    assert ["responses", "3"] in rows and ["participants", "3"] in rows
    assert ["response_rate", "100.0"] in rows
    overall = next(r for r in rows if r and r[0] == "overall")
    assert overall == ["overall", "3", "4.0", "0", "0", "1", "1", "1"]
    assert ["recommend_yes", "3"] in rows
    assert "cmd" not in text and not any(p.name in text for p in people)


def test_feedback_csv_below_the_threshold_is_empty(
    app, db, training, make, city, running, official
):
    person = make.user(city)
    training.enrollment(running, person)
    _answer(person, running, 5, "")
    rows = read_csv(signed_in(app, official).get(f"/training/cohorts/{running.id}/feedback.csv"))
    assert ["responses", "1"] in rows
    overall = next(r for r in rows if r and r[0] == "overall")
    assert overall == ["overall", "", "", "", "", "", "", ""]


@pytest.mark.parametrize("name", ["roster", "attendance", "feedback"])
def test_the_api_serves_the_same_csv(
    app, db, client, training, make, city, running, official, name
):
    training.enrollment(running, make.user(city, name="Api Person"))
    page = signed_in(app, official).get(f"/training/cohorts/{running.id}/{name}.csv")
    api = client.get(f"/api/v1/cohorts/{running.id}/{name}.csv", headers=bearer(client, official))
    assert read_csv(api) == read_csv(page)


def test_unknown_cohort_is_404_in_the_api(app, db, client, official):
    headers = bearer(client, official)
    assert client.get("/api/v1/cohorts/999999/roster.csv", headers=headers).status_code == 404


# ---- a fixed number of queries ----------------------------------------------------------------


def _statements(db, client, path: str, headers=None) -> int:
    with count_queries(db.engine) as counter:
        response = client.get(path, headers=headers or {})
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return len(counter)


def _grow(training, make, city, cohort, sessions, n: int) -> None:
    for k in range(n):
        enrollment = training.enrollment(cohort, make.user(city), "enrolled")
        training.enrollment(cohort, make.user(city), "waitlisted")
        for session in sessions:
            attend(enrollment, session, "present" if k % 2 else "absent")
        _answer(enrollment.user, cohort, 1 + k % 5, f"comment {k}")


@pytest.mark.parametrize(
    "path",
    [
        "/training/cohorts/{id}/roster.csv",
        "/training/cohorts/{id}/attendance.csv",
        "/training/cohorts/{id}/feedback.csv",
        "/training/cohorts/{id}/feedback/results",
        "/training/programmes/{programme}/feedback/results",
    ],
)
def test_exports_and_results_cost_the_same_with_few_or_many_rows(
    app, db, training, make, city, official, path
):
    cohort = training.cohort(status="in_progress", capacity=40, starts_on=date.today())
    sessions = [training.session(cohort, day=d) for d in range(3)]
    client = signed_in(app, official)
    url = path.format(id=cohort.id, programme=cohort.programme_id)
    _grow(training, make, city, cohort, sessions, 1)
    few = _statements(db, client, url)
    _grow(training, make, city, cohort, sessions, 12)
    many = _statements(db, client, url)
    assert few == many, (few, many)


def test_the_api_summary_costs_the_same(app, db, client, training, make, city, official):
    cohort = training.cohort(status="in_progress", capacity=40, starts_on=date.today())
    headers = bearer(client, official)
    client.get("/api/v1/me", headers=headers)  # the token's first use writes
    url = f"/api/v1/cohorts/{cohort.id}/feedback/summary"
    _grow(training, make, city, cohort, [], 1)
    few = _statements(db, client, url, headers)
    _grow(training, make, city, cohort, [], 12)
    assert _statements(db, client, url, headers) == few
