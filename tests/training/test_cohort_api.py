"""The programmes, cohorts and sessions API per role: officials create and change, members see
published cohorts only (drafts are 404), visitors are 401; hostile input is a 422 naming the
field that stores nothing; mass assignment of status and counters is ignored."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import func, select

from seoul_platform.training.models import Cohort, Programme, TrainingSession
from support import bearer

START = date.today() + timedelta(days=90)


def cohort_body(program_id: int, **extra) -> dict:
    body = {
        "program_id": program_id,
        "title": "Seoul cohort",
        "starts_on": START.isoformat(),
        "ends_on": (START + timedelta(days=4)).isoformat(),
        "timezone": "Asia/Seoul",
        "place_mode": "hybrid",
        "address": "Seoul City Hall, 110 Sejong-daero",
        "online_url": "https://meet.example/seoul",
        "languages": ["en", "ko", "en"],
        "capacity": 20,
        "admission": "reviewed",
        "award_years": [2024, 2025],
        "award_categories": ["leadership"],
        "org_kinds": ["city"],
        "per_org_limit": 2,
        "application_deadline": f"{(START - timedelta(days=10)).isoformat()}T12:00:00Z",
        "offer_hours": 48,
        "attendance_threshold": 75,
        "prerequisite_title": "Smart city basics",
        "prerequisite_url": "https://learn.example/basics",
        "quotas": [
            {"region": "asia", "max_seats": 4},
            {"region": "africa", "reserved_seats": 2, "reserved_until": "2030-01-01T00:00:00Z"},
        ],
    }
    body.update(extra)
    return body


@pytest.fixture
def official_headers(client, official):
    return bearer(client, official)


@pytest.fixture
def member_headers(client, city_member):
    return bearer(client, city_member)


def _count(db, model) -> int:
    return db.session.scalar(select(func.count(model.id)))


def test_official_creates_programme_cohort_and_session(client, db, official_headers):
    made = client.post(
        "/api/v1/programs",
        json={"title": "Capacity-Building Training 2027", "year": 2027, "summary": "Two weeks."},
        headers=official_headers,
    )
    assert made.status_code == 201, made.get_json()
    pid = made.get_json()["id"]
    created = client.post(
        "/api/v1/cohorts",
        json=cohort_body(pid, status="published", seats_taken=7, next_ticket=99),
        headers=official_headers,
    )
    assert created.status_code == 201, created.get_json()
    data = created.get_json()
    assert data["status"] == "draft" and data["seats_taken"] == 0  # mass assignment ignored
    assert data["languages"] == ["en", "ko"] and data["seats_left"] == 20
    assert {q["region"] for q in data["quotas"]} == {"asia", "africa"}
    cid = data["id"]
    assert db.session.get(Cohort, cid).next_ticket == 1
    session = client.post(
        f"/api/v1/cohorts/{cid}/sessions",
        json={
            "kind": "site_visit",
            "title": "Visit to the TOPIS centre",
            "starts_at": f"{START.isoformat()}T10:00:00+09:00",
            "ends_at": f"{START.isoformat()}T12:30:00+09:00",
            "place": "TOPIS, Seoul",
        },
        headers=official_headers,
    )
    assert session.status_code == 201, session.get_json()
    assert session.get_json()["starts_at"].startswith(f"{START.isoformat()}T01:00:00")
    sid = session.get_json()["id"]
    patched = client.patch(
        f"/api/v1/sessions/{sid}", json={"title": "TOPIS visit"}, headers=official_headers
    )
    assert patched.status_code == 200 and patched.get_json()["title"] == "TOPIS visit"
    listed = client.get(f"/api/v1/cohorts/{cid}/sessions", headers=official_headers)
    assert [s["id"] for s in listed.get_json()["items"]] == [sid]
    assert client.delete(f"/api/v1/sessions/{sid}", headers=official_headers).status_code == 204
    assert _count(db, TrainingSession) == 0


def test_drafts_are_404_to_members_and_visitors_are_401(
    client, db, training, official_headers, member_headers
):
    draft = training.cohort(status="draft")
    published = training.cohort(status="published")
    assert client.get(f"/api/v1/cohorts/{draft.id}", headers=member_headers).status_code == 404
    assert client.get(f"/api/v1/cohorts/{published.id}", headers=member_headers).status_code == 200
    assert client.get(f"/api/v1/cohorts/{draft.id}", headers=official_headers).status_code == 200
    ids = [c["id"] for c in client.get("/api/v1/cohorts", headers=member_headers).json["items"]]
    assert published.id in ids and draft.id not in ids
    ids = [c["id"] for c in client.get("/api/v1/cohorts", headers=official_headers).json["items"]]
    assert draft.id in ids
    assert client.get("/api/v1/cohorts").status_code == 401
    assert client.get(f"/api/v1/cohorts/{published.id}").status_code == 401
    assert client.get("/api/v1/programs").status_code == 401
    assert (
        client.get(f"/api/v1/cohorts/{draft.id}/calendar.ics", headers=member_headers).status_code
        == 404
    )


def test_members_cannot_change_anything(client, db, training, member_headers):
    cohort = training.cohort()
    assert client.post(
        "/api/v1/programs", json={"title": "X", "year": 2027}, headers=member_headers
    ).status_code in (403, 404)
    assert client.patch(
        f"/api/v1/cohorts/{cohort.id}", json={"capacity": 99}, headers=member_headers
    ).status_code in (403, 404)
    assert client.post(
        f"/api/v1/cohorts/{cohort.id}/transitions",
        json={"to": "cancelled", "reason": "x"},
        headers=member_headers,
    ).status_code in (403, 404)
    db.session.expire_all()
    assert db.session.get(Cohort, cohort.id).capacity == 10


def test_filters_and_pagination(client, db, training, official_headers):
    p1, p2 = training.programme(), training.programme()
    for _ in range(3):
        training.cohort(p1)
    training.cohort(p2, status="draft")
    page = client.get(
        f"/api/v1/cohorts?program_id={p1.id}&per_page=2", headers=official_headers
    ).get_json()
    assert page["total"] == 3 and len(page["items"]) == 2
    drafts = client.get("/api/v1/cohorts?status=draft", headers=official_headers).get_json()
    assert [c["program_id"] for c in drafts["items"]] == [p2.id]
    assert client.get("/api/v1/cohorts?page=99", headers=official_headers).status_code == 404
    assert client.get("/api/v1/cohorts?status=nope", headers=official_headers).status_code == 422


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"ends_on": (START - timedelta(days=1)).isoformat()}, "ends_on"),
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"timezone": "../../etc/passwd"}, "timezone"),
        ({"timezone": "Asia/Seoul\n"}, "timezone"),
        ({"title": "Two\nlines"}, "title"),
        ({"address": "Line\r\nbreak"}, "address"),
        ({"online_url": "javascript:alert(1)"}, "online_url"),
        ({"prerequisite_url": "ftp://files.example/x"}, "prerequisite_url"),
        ({"languages": ["eng"]}, "languages.0"),
        ({"languages": ["xx"]}, "languages.0"),
        ({"capacity": 10**30}, "capacity"),
        ({"capacity": -1}, "capacity"),
        ({"capacity": 10_001}, "capacity"),
        ({"award_years": [1999]}, "award_years.0"),
        ({"award_categories": ["best"]}, "award_categories.0"),
        ({"org_kinds": ["bank"]}, "org_kinds.0"),
        ({"per_org_limit": 0}, "per_org_limit"),
        ({"offer_hours": 0}, "offer_hours"),
        ({"offer_hours": 337}, "offer_hours"),
        ({"attendance_threshold": 101}, "attendance_threshold"),
        (
            {"application_deadline": f"{(START + timedelta(days=1)).isoformat()}T00:00:00Z"},
            "application_deadline",
        ),
        ({"quotas": [{"region": "asia", "max_seats": 1, "reserved_seats": 2}]}, "quotas"),
        (
            {"quotas": [{"region": "asia", "max_seats": 1}, {"region": "asia", "max_seats": 2}]},
            "quotas",
        ),
        (
            {
                "quotas": [
                    {"region": "asia", "reserved_seats": 15},
                    {"region": "africa", "reserved_seats": 15},
                ]
            },
            "quotas",
        ),
        ({"quotas": [{"region": "mars"}]}, "quotas.0.region"),
        ({"title": {"nested": {"deep": [1, 2, 3]}}}, "title"),
        ({"capacity": "lots"}, "capacity"),
    ],
)
def test_invalid_cohorts_are_422_naming_the_field_and_store_nothing(
    client, db, training, official_headers, change, field
):
    programme = training.programme()
    response = client.post(
        "/api/v1/cohorts", json=cohort_body(programme.id, **change), headers=official_headers
    )
    assert response.status_code == 422, response.get_json()
    assert field in response.get_json()["errors"], response.get_json()
    assert _count(db, Cohort) == 0


def test_patch_validates_against_stored_values(client, db, training, official_headers):
    cohort = training.cohort(status="draft")
    response = client.patch(
        f"/api/v1/cohorts/{cohort.id}",
        json={"ends_on": (cohort.starts_on - timedelta(days=1)).isoformat()},
        headers=official_headers,
    )
    assert response.status_code == 422 and "ends_on" in response.get_json()["errors"]
    ok = client.patch(
        f"/api/v1/cohorts/{cohort.id}",
        json={"capacity": 12, "status": "completed", "seats_taken": 5, "next_ticket": 1000},
        headers=official_headers,
    )
    assert ok.status_code == 200, ok.get_json()
    data = ok.get_json()
    assert data["capacity"] == 12 and data["status"] == "draft" and data["seats_taken"] == 0


def test_capacity_below_seats_held_is_refused(client, db, training, official_headers, make, city):
    cohort = training.cohort(capacity=5)
    for k in range(3):
        training.enrollment(cohort, make.user(city, name=f"Holder {k}"))
    response = client.patch(
        f"/api/v1/cohorts/{cohort.id}", json={"capacity": 2}, headers=official_headers
    )
    assert response.status_code == 422
    assert "3 people hold seats" in " ".join(response.get_json()["errors"]["capacity"])
    db.session.expire_all()
    assert db.session.get(Cohort, cohort.id).capacity == 5


def test_transitions_through_the_api(client, db, training, official_headers, make, city):
    cohort = training.cohort(status="draft")
    url = f"/api/v1/cohorts/{cohort.id}/transitions"
    published = client.post(url, json={"to": "published"}, headers=official_headers)
    assert published.status_code == 200 and published.get_json()["status"] == "published"
    again = client.post(url, json={"to": "published"}, headers=official_headers)
    assert again.status_code == 409 and "published" in again.get_json()["detail"]
    training.enrollment(cohort, make.user(city, name="Early Bird"), status="applied")
    back = client.post(url, json={"to": "draft"}, headers=official_headers)
    assert back.status_code == 409
    no_reason = client.post(url, json={"to": "cancelled"}, headers=official_headers)
    assert no_reason.status_code == 422 and "reason" in no_reason.get_json()["errors"]
    bad = client.post(url, json={"to": "nowhere"}, headers=official_headers)
    assert bad.status_code == 422


def test_cohort_calendar_parses_back(client, db, training, member_headers):
    cohort = training.cohort(timezone="Europe/Copenhagen", address="Seoul City Hall")
    first = training.session(cohort, title="Opening", hours=(1, 3))
    training.session(cohort, day=1, title="Site visit", place="Sewoon Plaza")
    response = client.get(f"/api/v1/cohorts/{cohort.id}/calendar.ics", headers=member_headers)
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    assert f'filename="cohort-{cohort.id}.ics"' in response.headers["Content-Disposition"]
    cal = Calendar.from_ical(response.data)
    assert str(cal["X-WR-TIMEZONE"]) == "Europe/Copenhagen"
    events = cal.walk("VEVENT")
    assert [str(e["UID"]).split("@")[0] for e in events] == [
        f"session-{first.id}",
        f"session-{first.id + 1}",
    ]
    assert events[0].decoded("DTSTART").utcoffset() == timedelta(0)
    assert events[0].decoded("DTSTART").hour == 1
    assert str(events[0]["LOCATION"]) == "Seoul City Hall"
    assert str(events[1]["LOCATION"]) == "Sewoon Plaza"
    again = Calendar.from_ical(
        client.get(f"/api/v1/cohorts/{cohort.id}/calendar.ics", headers=member_headers).data
    )
    assert [str(e["UID"]) for e in again.walk("VEVENT")] == [str(e["UID"]) for e in events]


def test_programme_patch_and_read(client, db, training, official_headers, member_headers):
    programme = training.programme()
    bad = client.patch(
        f"/api/v1/programs/{programme.id}", json={"year": 99999}, headers=official_headers
    )
    assert bad.status_code == 422 and "year" in bad.get_json()["errors"]
    ok = client.patch(
        f"/api/v1/programs/{programme.id}", json={"title": "Renamed"}, headers=official_headers
    )
    assert ok.status_code == 200 and ok.get_json()["title"] == "Renamed"
    read = client.get(f"/api/v1/programs/{programme.id}", headers=member_headers)
    assert read.get_json()["title"] == "Renamed"
    assert client.get("/api/v1/programs/999999", headers=member_headers).status_code == 404
    assert db.session.scalar(select(func.count(Programme.id))) == 1


@pytest.mark.parametrize("role", ["city_admin", "company_admin", "city_member"])
def test_every_member_role_reads_published_but_changes_nothing(client, db, training, request, role):
    headers = bearer(client, request.getfixturevalue(role))
    published, draft = training.cohort(), training.cohort(status="draft")
    session = training.session(published)
    assert client.get(f"/api/v1/cohorts/{published.id}", headers=headers).status_code == 200
    assert client.get(f"/api/v1/cohorts/{draft.id}", headers=headers).status_code == 404
    assert (
        client.get(f"/api/v1/cohorts/{published.id}/sessions", headers=headers).status_code == 200
    )
    assert client.get(f"/api/v1/cohorts/{draft.id}/sessions", headers=headers).status_code == 404
    changes = [
        ("post", "/api/v1/cohorts", {"program_id": published.programme_id, "title": "X"}),
        ("patch", f"/api/v1/programs/{published.programme_id}", {"title": "X"}),
        ("post", f"/api/v1/cohorts/{published.id}/sessions", {"title": "X"}),
        ("patch", f"/api/v1/sessions/{session.id}", {"title": "X"}),
        ("delete", f"/api/v1/sessions/{session.id}", None),
    ]
    for method, url, body in changes:
        response = getattr(client, method)(url, json=body, headers=headers)
        assert response.status_code == 403, (method, url, response.status_code)
    assert db.session.scalar(select(func.count(TrainingSession.id))) == 1
