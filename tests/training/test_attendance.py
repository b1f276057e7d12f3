"""Attendance: the roster page and API, all-or-nothing upserts, the rate maths."""

from __future__ import annotations

import pytest
from members.test_query_counts import count_queries
from training.records_support import cohort_with_sessions, mark

from seoul_platform.db import db as _db
from seoul_platform.db import unit_of_work
from seoul_platform.errors import PermissionDenied, ValidationError
from seoul_platform.training import attendance
from seoul_platform.training.attendance import Rate
from seoul_platform.training.models import Attendance, AttendanceStatus
from support import bearer, csrf_token, signed_in


@pytest.fixture
def setup(db, training, make, city, official):
    cohort, sessions = cohort_with_sessions(training)
    people = [make.user(city, name=f"Participant {k}") for k in range(3)]
    enrollments = [training.enrollment(cohort, p) for p in people]
    return cohort, sessions, people, enrollments


def test_rate_counts_present_only_and_meets_in_integers():
    assert Rate(present=4, excused=1, sessions=5).percent == 80
    assert Rate(present=4, excused=1, sessions=5).meets(80)
    assert not Rate(present=3, excused=2, sessions=5).meets(80)  # excused is not attended
    assert Rate(present=2, excused=0, sessions=3).meets(66)
    assert not Rate(present=2, excused=0, sessions=3).meets(67)
    assert Rate(0, 0, 0).percent is None
    assert Rate(0, 0, 0).meets(0) and not Rate(0, 0, 0).meets(1)


def test_rates_per_participant(setup):
    cohort, sessions, _people, (a, b, c) = setup
    mark(sessions, a, ["present"] * 4 + ["excused"])
    mark(sessions, b, ["present", "absent"])
    rates = attendance.rates(cohort.id, [a.id, b.id, c.id])
    assert (rates[a.id].present, rates[a.id].excused, rates[a.id].sessions) == (4, 1, 5)
    assert rates[b.id].percent == 20
    assert rates[c.id].percent == 0


def test_save_marks_upserts(setup, official):
    _cohort, sessions, _people, (a, b, _c) = setup
    with unit_of_work():
        attendance.save_marks(official, sessions[0].id, [(a.id, "present"), (b.id, "absent")])
    with unit_of_work():
        attendance.save_marks(official, sessions[0].id, [(b.id, "excused")])
    got = attendance.marks_of(sessions[0].id, [a.id, b.id])
    assert got == {a.id: AttendanceStatus.PRESENT, b.id: AttendanceStatus.EXCUSED}
    assert _db.session.query(Attendance).count() == 2


def test_unknown_or_not_enrolled_ids_store_nothing(setup, official, training, make, city):
    cohort, sessions, _people, (a, _b, _c) = setup
    waiting = training.enrollment(cohort, make.user(city), status="waitlisted")
    other = training.enrollment(training.cohort(), make.user(city))
    for bad in (waiting.id, other.id, 999_999):
        with pytest.raises(ValidationError), unit_of_work():
            attendance.save_marks(official, sessions[0].id, [(a.id, "present"), (bad, "present")])
    with pytest.raises(ValidationError), unit_of_work():
        attendance.save_marks(official, sessions[0].id, [(a.id, "present"), (a.id, "absent")])
    assert _db.session.query(Attendance).count() == 0


def test_only_officials_mark(setup, city_member):
    _cohort, sessions, _people, (a, *_rest) = setup
    with pytest.raises(PermissionDenied), unit_of_work():
        attendance.save_marks(city_member, sessions[0].id, [(a.id, "present")])


# ---- HTTP ------------------------------------------------------------------------------------


def test_roster_page_saves_in_one_post_without_js(app, setup, official):
    _cohort, sessions, people, (a, b, c) = setup
    client = signed_in(app, official)
    path = f"/training/sessions/{sessions[0].id}/attendance"
    page = client.get(path)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert f"<legend>{people[0].name}" in html and 'type="radio"' in html
    token = csrf_token(client, path)
    data = {"csrf_token": token, "enrollment": [a.id, b.id, c.id], f"mark-{a.id}": "present"}
    data[f"mark-{b.id}"] = "excused"
    assert client.post(path, data=data).status_code == 302
    assert attendance.marks_of(sessions[0].id, [a.id, b.id, c.id]) == {
        a.id: AttendanceStatus.PRESENT,
        b.id: AttendanceStatus.EXCUSED,
    }
    data = {"csrf_token": token, "enrollment": [a.id, b.id, c.id], "action": "all-present"}
    assert client.post(path, data=data).status_code == 302
    marks = attendance.marks_of(sessions[0].id, [a.id, b.id, c.id])
    assert set(marks.values()) == {AttendanceStatus.PRESENT} and len(marks) == 3


def test_roster_post_with_a_foreign_id_is_422(app, setup, official, training, make, city):
    _cohort, sessions, _people, (a, *_r) = setup
    stranger = training.enrollment(training.cohort(), make.user(city))
    client = signed_in(app, official)
    path = f"/training/sessions/{sessions[0].id}/attendance"
    data = {"csrf_token": csrf_token(client, path), "enrollment": [a.id, stranger.id]}
    data[f"mark-{a.id}"] = "present"
    data[f"mark-{stranger.id}"] = "present"
    response = client.post(path, data=data)
    assert response.status_code == 422
    assert "nothing was saved" in response.get_data(as_text=True)
    assert attendance.marks_of(sessions[0].id, [a.id]) == {}


@pytest.mark.parametrize("who", ["visitor", "member", "admin"])
def test_roster_is_for_officials(app, setup, who, city_member, city_admin):
    _cohort, sessions, _people, _e = setup
    client = {
        "visitor": app.test_client(),
        "member": signed_in(app, city_member),
        "admin": signed_in(app, city_admin),
    }[who]
    response = client.get(f"/training/sessions/{sessions[0].id}/attendance")
    assert response.status_code == (302 if who == "visitor" else 403)


def test_roster_query_count_is_fixed(app, db, setup, official, training, make, city):
    cohort, sessions, _people, _e = setup
    client = signed_in(app, official)
    path = f"/training/sessions/{sessions[0].id}/attendance"

    def statements():
        with count_queries(db.engine) as counter:
            assert client.get(path).status_code == 200
        return len(counter.statements)

    few = statements()
    for k in range(12):
        e = training.enrollment(cohort, make.user(city, name=f"More {k}"))
        mark(sessions, e, ["present"])
    assert statements() == few


def test_api_get_and_put(app, setup, official, city_member):
    _cohort, sessions, _people, (a, b, _c) = setup
    client = app.test_client()
    headers = bearer(client, official)
    path = f"/api/v1/sessions/{sessions[0].id}/attendance"
    body = {"marks": [{"enrollment_id": a.id, "status": "present"}]}
    response = client.put(path, json=body, headers=headers)
    assert response.status_code == 200, response.get_json()
    assert [m["enrollment_id"] for m in response.get_json()["marks"]] == [a.id]
    body = {"marks": [{"enrollment_id": b.id, "status": "nope"}]}
    assert client.put(path, json=body, headers=headers).status_code == 422
    got = client.get(path, headers=headers).get_json()
    assert got["session_id"] == sessions[0].id and len(got["marks"]) == 1
    member = bearer(client, city_member)
    assert client.get(path, headers=member).status_code == 403
    assert client.get(path).status_code == 401


def test_api_hostile_bodies(app, setup, official):
    _cohort, sessions, _people, (a, *_r) = setup
    client = app.test_client()
    headers = bearer(client, official)
    path = f"/api/v1/sessions/{sessions[0].id}/attendance"
    huge = {"marks": [{"enrollment_id": a.id, "status": "present"}] * 5000}
    assert client.put(path, json=huge, headers=headers).status_code == 422
    nested: dict = {"marks": []}
    for _ in range(200):
        nested = {"marks": [nested]}
    assert client.put(path, json=nested, headers=headers).status_code in (400, 422)
    assert client.put(path, json={"marks": "x"}, headers=headers).status_code == 422
    assert client.put(path, json=[1], headers=headers).status_code == 400
    unknown = {"marks": [{"enrollment_id": 2**40, "status": "present"}]}
    assert client.put(path, json=unknown, headers=headers).status_code == 422
    assert (
        client.put(
            "/api/v1/sessions/999999/attendance", json={"marks": []}, headers=headers
        ).status_code
        == 404
    )
    assert _db.session.query(Attendance).count() == 0
