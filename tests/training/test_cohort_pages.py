"""The training pages per role, in English and Korean: the programme list with eligibility,
the cohort page, the officials' forms (programme, cohort with quotas, session in the cohort's
time zone, moves) with their 422s, and the person's own calendar."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import func, select

from seoul_platform.db import as_utc
from seoul_platform.training.models import Cohort, CohortStatus, Programme, TrainingSession
from support import csrf_token, signed_in

KO = {"Accept-Language": "ko"}


def get_ko(client, path: str):
    """The page in Korean (the language cookie wins over a signed-in person's own choice)."""
    client.set_cookie("lang", "ko")
    try:
        return client.get(path)
    finally:
        client.delete_cookie("lang")


@pytest.fixture
def official_client(app, official):
    return signed_in(app, official)


@pytest.fixture
def member_client(app, city_member):
    return signed_in(app, city_member)


def _text(response) -> str:
    return response.get_data(as_text=True)


def test_visitors_see_published_cohorts_without_eligibility(client, db, training):
    programme = training.programme(title="Capacity-Building Training 2027")
    training.cohort(programme, title="Open cohort")
    training.cohort(programme, title="Secret draft", status="draft")
    page = client.get("/training")
    assert page.status_code == 200
    html = _text(page)
    assert "Open cohort" in html and "Secret draft" not in html
    assert "You may" not in html
    assert '<html lang="ko"' in _text(get_ko(client, "/training"))
    cohort_id = db.session.scalar(select(Cohort.id).where(Cohort.title == "Open cohort"))
    assert client.get(f"/training/cohorts/{cohort_id}").status_code == 302  # sign in first


def test_members_see_every_reason_and_officials_see_drafts(
    db, training, member_client, official_client
):
    programme = training.programme()
    training.cohort(programme, title="For companies", org_kinds=["company"], award_years=[2030])
    training.cohort(programme, title="For everyone")
    draft = training.cohort(programme, title="Draft cohort", status="draft")
    html = _text(member_client.get("/training"))
    assert "Draft cohort" not in html
    assert 'data-code="org_kind"' in html and 'data-code="award"' in html
    assert "You may apply." in html
    korean = _text(get_ko(member_client, "/training"))
    assert '<html lang="ko"' in korean
    assert member_client.get(f"/training/cohorts/{draft.id}").status_code == 404
    official_html = _text(official_client.get("/training"))
    assert "Draft cohort" in official_html and "New programme" in official_html
    assert official_client.get(f"/training/cohorts/{draft.id}").status_code == 200


def test_cohort_page_shows_times_in_the_cohort_zone(db, training, member_client):
    cohort = training.cohort(timezone="Asia/Seoul", address="Seoul City Hall")
    training.session(cohort, title="Opening lecture", hours=(0, 3))  # 09:00-12:00 KST
    for korean in (False, True):
        path = f"/training/cohorts/{cohort.id}"
        response = get_ko(member_client, path) if korean else member_client.get(path)
        assert response.status_code == 200
        html = _text(response)
        assert "Opening lecture" in html
        assert "09:00" in html and "UTC+09:00" in html and "KST" in html
        day = cohort.starts_on.isoformat()
        assert f'<time datetime="{day}T00:00:00Z"' in html
        assert "js/local-time.js" in html


def test_official_creates_programme_cohort_and_session_through_forms(
    db, official_client, monkeypatch
):
    token = csrf_token(official_client, "/training/programmes/new")
    made = official_client.post(
        "/training/programmes/new",
        data={"csrf_token": token, "title": "Training 2027", "year": "2027", "summary": ""},
    )
    assert made.status_code == 302
    programme = db.session.scalar(select(Programme))
    start = date.today() + timedelta(days=60)
    form = {
        "csrf_token": token,
        "title": "Spring cohort",
        "starts_on": start.isoformat(),
        "ends_on": (start + timedelta(days=3)).isoformat(),
        "timezone": "Europe/Paris",
        "place_mode": "seoul",
        "address": "Seoul City Hall",
        "languages": "en, ko",
        "capacity": "12",
        "admission": "first_come",
        "award_years": "2024, 2025",
        "award_categories": ["leadership"],
        "org_kinds": ["city", "company"],
        "application_deadline": (start - timedelta(days=20)).isoformat(),
        "deadline_time": "18:00",
        "offer_hours": "48",
        "attendance_threshold": "80",
        "quota-asia-max_seats": "4",
        "quota-africa-reserved_seats": "2",
        "quota-africa-reserved_until": (start - timedelta(days=25)).isoformat(),
    }
    url = f"/training/programmes/{programme.id}/cohorts/new"
    created = official_client.post(url, data=form)
    assert created.status_code == 302, _text(created)[:2000]
    cohort = db.session.scalar(select(Cohort))
    assert cohort.status == CohortStatus.DRAFT and cohort.languages == ["en", "ko"]
    assert cohort.award_years == [2024, 2025] and cohort.org_kinds == ["city", "company"]
    assert as_utc(cohort.application_deadline).hour in (16, 17)  # 18:00 in Paris
    assert {(str(q.region.value), q.max_seats, q.reserved_seats) for q in cohort.quotas} == {
        ("asia", 4, None),
        ("africa", None, 2),
    }
    session = official_client.post(
        f"/training/cohorts/{cohort.id}/sessions/new",
        data={
            "csrf_token": token,
            "kind": "lecture",
            "title": "Welcome",
            "day": start.isoformat(),
            "starts_at": "09:30",
            "ends_at": "11:00",
            "place": "Room 1",
        },
    )
    assert session.status_code == 302, _text(session)[:2000]
    row = db.session.scalar(select(TrainingSession))
    assert as_utc(row.starts_at).hour in (7, 8)  # 09:30 in Paris
    bad = official_client.post(
        f"/training/cohorts/{cohort.id}/sessions/new",
        data={
            "csrf_token": token,
            "title": "Too late",
            "day": (start + timedelta(days=30)).isoformat(),
            "starts_at": "9h",
            "ends_at": "08:00",
        },
    )
    assert bad.status_code == 422
    assert 'id="starts_at-error"' in _text(bad)
    moved = official_client.post(
        f"/training/cohorts/{cohort.id}/move", data={"csrf_token": token, "to": "published"}
    )
    assert moved.status_code == 302
    db.session.expire_all()
    assert db.session.get(Cohort, cohort.id).status == CohortStatus.PUBLISHED
    no_reason = official_client.post(
        f"/training/cohorts/{cohort.id}/move", data={"csrf_token": token, "to": "cancelled"}
    )
    assert no_reason.status_code == 422 and 'id="cancelled-reason-error"' in _text(no_reason)


def test_cohort_form_errors_are_422_next_to_the_input_and_store_nothing(
    db, training, official_client
):
    programme = training.programme()
    token = csrf_token(official_client, f"/training/programmes/{programme.id}/cohorts/new")
    start = date.today() + timedelta(days=60)
    response = official_client.post(
        f"/training/programmes/{programme.id}/cohorts/new",
        data={
            "csrf_token": token,
            "title": "Bad\r\ncohort",
            "starts_on": start.isoformat(),
            "ends_on": (start - timedelta(days=1)).isoformat(),
            "timezone": "Nowhere/Land",
            "place_mode": "online",
            "online_url": "javascript:alert(1)",
            "capacity": "99999999999999999999999",
            "languages": "english",
            "quota-asia-max_seats": "1",
            "quota-asia-reserved_seats": "3",
        },
    )
    assert response.status_code == 422
    html = _text(response)
    for name in ("title", "timezone", "online_url", "capacity", "languages"):
        assert f'id="{name}-error"' in html, name
    assert db.session.scalar(select(func.count(Cohort.id))) == 0
    # Cross-field errors (from the service) come back too once the fields are valid.
    response = official_client.post(
        f"/training/programmes/{programme.id}/cohorts/new",
        data={
            "csrf_token": token,
            "title": "Cohort",
            "starts_on": start.isoformat(),
            "ends_on": (start - timedelta(days=1)).isoformat(),
            "timezone": "Asia/Seoul",
            "place_mode": "seoul",
            "address": "City Hall",
            "capacity": "3",
            "quota-asia-max_seats": "1",
            "quota-asia-reserved_seats": "3",
        },
    )
    assert response.status_code == 422
    html = _text(response)
    assert 'id="ends_on-error"' in html and 'id="quotas-error"' in html
    assert db.session.scalar(select(func.count(Cohort.id))) == 0


def test_capacity_refusal_through_the_edit_form(db, training, official_client, make, city):
    cohort = training.cohort(capacity=4, address="City Hall")
    for k in range(3):
        training.enrollment(cohort, make.user(city, name=f"Seat Holder {k}"))
    token = csrf_token(official_client, f"/training/cohorts/{cohort.id}/edit")
    page = official_client.get(f"/training/cohorts/{cohort.id}/edit")
    values = dict(re.findall(r'name="([\w-]+)" value="([^"]*)"', _text(page)))
    values.update({"csrf_token": token, "capacity": "2", "place_mode": "seoul"})
    response = official_client.post(f"/training/cohorts/{cohort.id}/edit", data=values)
    assert response.status_code == 422
    assert "3 people hold seats" in _text(response)
    db.session.expire_all()
    assert db.session.get(Cohort, cohort.id).capacity == 4


def test_members_cannot_reach_the_officials_forms(db, training, member_client, client):
    cohort = training.cohort()
    session = training.session(cohort)
    for path in (
        "/training/programmes/new",
        f"/training/programmes/{cohort.programme_id}/edit",
        f"/training/programmes/{cohort.programme_id}/cohorts/new",
        f"/training/cohorts/{cohort.id}/edit",
        f"/training/cohorts/{cohort.id}/sessions/new",
        f"/training/sessions/{session.id}/edit",
    ):
        assert member_client.get(path).status_code in (403, 404), path
        assert client.get(path).status_code == 302, path
    token = csrf_token(member_client, "/training")
    for path in (f"/training/cohorts/{cohort.id}/move", f"/training/sessions/{session.id}/delete"):
        assert member_client.post(
            path, data={"csrf_token": token, "to": "cancelled"}
        ).status_code in (
            403,
            404,
        )
    assert db.session.get(TrainingSession, session.id) is not None


def test_my_calendar_holds_the_sessions_of_my_cohorts(
    db, training, member_client, city_member, client
):
    mine = training.cohort(title="Mine")
    other = training.cohort(title="Not mine")
    waiting = training.cohort(title="Waiting")
    training.enrollment(mine, city_member)
    training.enrollment(waiting, city_member, status="waitlisted")
    training.session(mine, title="My session")
    training.session(other, title="Other session")
    training.session(waiting, title="Waiting session")
    response = member_client.get("/training/my-calendar.ics")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    assert "my-training.ics" in response.headers["Content-Disposition"]
    events = Calendar.from_ical(response.data).walk("VEVENT")
    assert [str(e["SUMMARY"]) for e in events] == ["My session — Mine"]
    assert client.get("/training/my-calendar.ics").status_code == 302


def test_official_edits_and_deletes_a_session_and_edits_a_programme(db, training, official_client):
    cohort = training.cohort(timezone="Asia/Seoul")
    session = training.session(cohort, title="Old title", hours=(0, 2))
    page = official_client.get(f"/training/sessions/{session.id}/edit")
    assert page.status_code == 200 and 'value="09:00"' in _text(page)  # in Seoul time
    token = csrf_token(official_client, f"/training/sessions/{session.id}/edit")
    saved = official_client.post(
        f"/training/sessions/{session.id}/edit",
        data={
            "csrf_token": token,
            "kind": "presentation",
            "title": "New title",
            "day": cohort.starts_on.isoformat(),
            "starts_at": "14:00",
            "ends_at": "15:00",
        },
    )
    assert saved.status_code == 302
    db.session.expire_all()
    session_id = session.id
    row = db.session.get(TrainingSession, session_id)
    assert row.title == "New title" and as_utc(row.starts_at).hour == 5
    deleted = official_client.post(
        f"/training/sessions/{session_id}/delete", data={"csrf_token": token}
    )
    assert deleted.status_code == 302
    db.session.expire_all()
    assert db.session.scalar(select(func.count(TrainingSession.id))) == 0
    edited = official_client.post(
        f"/training/programmes/{cohort.programme_id}/edit",
        data={"csrf_token": token, "title": "Renamed", "year": "1900", "summary": ""},
    )
    assert edited.status_code == 422 and 'id="year-error"' in _text(edited)
    edited = official_client.post(
        f"/training/programmes/{cohort.programme_id}/edit",
        data={"csrf_token": token, "title": "Renamed", "year": "2028", "summary": "Two weeks."},
    )
    assert edited.status_code == 302
    db.session.expire_all()
    assert db.session.get(Programme, cohort.programme_id).title == "Renamed"
    korean = get_ko(official_client, f"/training/cohorts/{cohort.id}/edit")
    assert korean.status_code == 200 and '<html lang="ko"' in _text(korean)
