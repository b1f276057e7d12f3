"""The workspace API: each role's access, every bad input a 422 that stores nothing, mass
assignment ignored, moves compare-and-set."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from seoul_platform.audit.models import StateChange
from seoul_platform.notifications.models import Notification
from seoul_platform.pilots.models import (
    Kpi,
    KpiValue,
    Milestone,
    PilotRequest,
    ProgressReport,
)
from tests.support import bearer

TODAY = date.today()


@pytest.fixture
def world(make, pilots, city, company, institution, other_company, other_city, official):
    req = pilots.request(city, "draft", title="Appointment reminders")
    p = pilots.partnership(req, company, third_party=institution, status="in_progress")
    users = {
        "city": make.user(city),
        "partner": make.user(company),
        "third": make.user(institution),
        "other_company": make.user(other_company),
        "other_city": make.user(other_city),
        "official": official,
    }
    return p, users


def _h(app, user):
    return bearer(app.test_client(), user)


def _count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


MILESTONE = {"title": "Sensors installed", "planned_on": "2026-03-01"}


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("city", True),
        ("partner", True),
        ("third", True),
        ("official", True),
        ("other_company", False),
        ("other_city", False),
    ],
)
def test_each_role_reads_and_writes_or_gets_404(app, db, world, role, allowed):
    p, users = world
    client = app.test_client()
    h = _h(app, users[role])
    urls = [
        f"/api/v1/partnerships/{p.id}/milestones",
        f"/api/v1/partnerships/{p.id}/kpis",
        f"/api/v1/partnerships/{p.id}/reports",
    ]
    for url in urls:
        assert client.get(url, headers=h).status_code == (200 if allowed else 404), url
    r = client.post(f"/api/v1/partnerships/{p.id}/milestones", json=MILESTONE, headers=h)
    assert r.status_code == (201 if allowed else 404)
    kpi_id = db.session.scalar(select(Kpi.id))
    r = client.post(
        f"/api/v1/kpis/{kpi_id}/values",
        json={"measured_on": str(TODAY), "value": 12.5, "source": "City portal"},
        headers=h,
    )
    assert r.status_code == (201 if allowed else 404)
    assert _count(db, KpiValue) == (1 if allowed else 0)


def test_visitor_gets_401(app, world):
    p, _ = world
    assert app.test_client().get(f"/api/v1/partnerships/{p.id}/milestones").status_code == 401


def test_unknown_ids_are_404(app, world):
    _, users = world
    h = _h(app, users["official"])
    client = app.test_client()
    assert client.get("/api/v1/partnerships/999999/kpis", headers=h).status_code == 404
    assert client.patch("/api/v1/milestones/999999", json={}, headers=h).status_code == 404
    assert client.get("/api/v1/kpis/999999/values", headers=h).status_code == 404


@pytest.mark.parametrize(
    "body",
    [
        {"title": "Two\nlines", "planned_on": "2026-03-01"},
        {"title": "x" * 201, "planned_on": "2026-03-01"},
        {"title": "", "planned_on": "2026-03-01"},
        {"title": ["nested"], "planned_on": "2026-03-01"},
        {"title": "Done", "planned_on": "2026-03-01", "status": "done"},
        {"title": "Date", "planned_on": "2026-03-01", "actual_on": str(TODAY)},
        {
            "title": "Future",
            "planned_on": "2026-03-01",
            "status": "done",
            "actual_on": str(TODAY + timedelta(days=3)),
        },
        {
            "title": "Before start",
            "planned_on": "2026-03-01",
            "status": "done",
            "started_on": str(TODAY),
            "actual_on": str(TODAY - timedelta(days=1)),
        },
        {"title": "Bad date", "planned_on": "2026-02-30"},
        {"title": "Status", "planned_on": "2026-03-01", "status": "finished"},
    ],
)
def test_bad_milestones_are_422_and_store_nothing(app, db, world, body):
    p, users = world
    r = app.test_client().post(
        f"/api/v1/partnerships/{p.id}/milestones", json=body, headers=_h(app, users["partner"])
    )
    assert r.status_code == 422, r.get_json()
    assert r.get_json()["errors"]
    assert _count(db, Milestone) == 0


def test_milestone_patch_keeps_the_rule_and_mass_assignment_is_ignored(app, db, world):
    p, users = world
    client, h = app.test_client(), _h(app, users["city"])
    body = {**MILESTONE, "partnership_id": 12345, "id": 777}
    r = client.post(f"/api/v1/partnerships/{p.id}/milestones", json=body, headers=h)
    assert r.status_code == 201
    mid = r.get_json()["id"]
    assert mid != 777 and r.get_json()["partnership_id"] == p.id
    # "done" without a date, then a date without "done": refused against the stored values.
    assert (
        client.patch(f"/api/v1/milestones/{mid}", json={"status": "done"}, headers=h).status_code
        == 422
    )
    r = client.patch(f"/api/v1/milestones/{mid}", json={"actual_on": str(TODAY)}, headers=h)
    assert r.status_code == 422
    r = client.patch(
        f"/api/v1/milestones/{mid}", json={"actual_on": str(TODAY), "status": "done"}, headers=h
    )
    assert r.status_code == 200 and r.get_json()["status"] == "done"
    assert (
        client.patch(f"/api/v1/milestones/{mid}", json={"title": None}, headers=h).status_code
        == 422
    )
    assert client.delete(f"/api/v1/milestones/{mid}", headers=h).status_code == 204
    assert _count(db, Milestone) == 0


@pytest.mark.parametrize(
    "body",
    [
        {"measured_on": str(TODAY), "value": 1e400, "source": "x"},
        {"measured_on": str(TODAY), "value": 10**13, "source": "x"},
        {"measured_on": str(TODAY), "value": True, "source": "x"},
        {"measured_on": str(TODAY), "value": "NaN", "source": "x"},
        {"measured_on": str(TODAY), "value": {"a": 1}, "source": "x"},
        {"measured_on": str(TODAY), "value": 1, "source": ""},
        {"measured_on": str(TODAY), "value": 1, "source": "a\nb"},
        {"measured_on": str(TODAY), "value": 1, "source": "s" * 301},
        {"measured_on": str(TODAY + timedelta(days=2)), "value": 1, "source": "x"},
        {"measured_on": "2026-01-01T10:00:00", "value": 1, "source": "x"},
        {"value": 1, "source": "x"},
    ],
)
def test_bad_kpi_values_are_422(app, db, world, body):
    _p, users = world
    kpi_id = db.session.scalar(select(Kpi.id))
    r = app.test_client().post(
        f"/api/v1/kpis/{kpi_id}/values", json=body, headers=_h(app, users["partner"])
    )
    assert r.status_code == 422, r.get_json()
    assert _count(db, KpiValue) == 0


def test_kpis_added_targets_set_and_listed_with_the_latest_value(app, db, world):
    p, users = world
    client, h = app.test_client(), _h(app, users["third"])
    r = client.post(
        f"/api/v1/partnerships/{p.id}/kpis",
        json={"name": "Visits", "unit": "per month", "baseline": 10, "target": 30, "position": 1},
        headers=h,
    )
    assert r.status_code == 201, r.get_json()
    kpi_id = r.get_json()["id"]
    assert (
        client.patch(f"/api/v1/kpis/{kpi_id}", json={"target": 1e999}, headers=h).status_code == 422
    )
    assert client.patch(f"/api/v1/kpis/{kpi_id}", json={"target": 40}, headers=h).status_code == 200
    for day, value in ((TODAY - timedelta(days=30), 12), (TODAY, 20)):
        client.post(
            f"/api/v1/kpis/{kpi_id}/values",
            json={"measured_on": str(day), "value": value, "source": "Portal"},
            headers=h,
        )
    items = client.get(f"/api/v1/partnerships/{p.id}/kpis", headers=h).get_json()["items"]
    visits = next(i for i in items if i["id"] == kpi_id)
    assert (visits["baseline"], visits["target"], visits["actual"]) == (10, 40, 20)
    assert len(items) == 2


def test_reports_validate_notify_and_list_newest_first(app, db, world):
    p, users = world
    client, h = app.test_client(), _h(app, users["partner"])
    bad = [
        {"period_start": str(TODAY), "period_end": str(TODAY - timedelta(days=1)), "summary": "s"},
        {"period_start": str(TODAY), "period_end": str(TODAY + timedelta(days=5)), "summary": "s"},
        {"period_start": str(TODAY), "period_end": str(TODAY), "summary": ""},
        {"period_start": str(TODAY), "period_end": str(TODAY), "summary": "s" * 10_001},
    ]
    for body in bad:
        assert (
            client.post(f"/api/v1/partnerships/{p.id}/reports", json=body, headers=h).status_code
            == 422
        )
    assert _count(db, ProgressReport) == 0
    for months in (2, 1):
        start = TODAY - timedelta(days=30 * months)
        r = client.post(
            f"/api/v1/partnerships/{p.id}/reports",
            json={
                "period_start": str(start),
                "period_end": str(start + timedelta(days=29)),
                "summary": f"Month {months}",
                "author_id": users["other_city"].id,
            },
            headers=h,
        )
        assert r.status_code == 201
        assert r.get_json()["author"] == users["partner"].name
    items = client.get(f"/api/v1/partnerships/{p.id}/reports", headers=h).get_json()["items"]
    assert [i["summary"] for i in items] == ["Month 1", "Month 2"]
    notified = set(
        db.session.scalars(
            select(Notification.user_id).where(Notification.kind == "partnership.report")
        )
    )
    assert notified == {users["city"].id, users["third"].id, users["official"].id}


def test_moves_need_an_official_reasons_and_outcomes(app, db, world):
    p, users = world
    client = app.test_client()
    url = f"/api/v1/partnerships/{p.id}/transitions"
    assert (
        client.post(url, json={"to": "evaluation"}, headers=_h(app, users["city"])).status_code
        == 403
    )
    assert (
        client.post(
            url, json={"to": "evaluation"}, headers=_h(app, users["other_company"])
        ).status_code
        == 404
    )
    h = _h(app, users["official"])
    assert (
        client.post(
            url, json={"to": "completed", "outcome_summary": "x", "lessons_learned": "y"}, headers=h
        ).status_code
        == 409
    )
    assert (
        client.post(url, json={"to": "evaluation", "status": "completed"}, headers=h).status_code
        == 200
    )
    assert client.post(url, json={"to": "in_progress"}, headers=h).status_code == 422
    assert (
        client.post(
            url, json={"to": "completed", "outcome_summary": "Fewer missed visits."}, headers=h
        ).status_code
        == 422
    )
    r = client.post(
        url,
        json={
            "to": "completed",
            "outcome_summary": "Fewer missed visits.",
            "lessons_learned": "Phone calls matter.",
        },
        headers=h,
    )
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert body["status"] == "completed" and body["completed_at"]
    assert body["outcome_summary"] == "Fewer missed visits."
    r = client.post(url, json={"to": "evaluation"}, headers=h)
    assert r.status_code == 409 and "completed" in r.get_json()["detail"]
    # Completed: the workspace is read-only now.
    assert (
        client.post(
            f"/api/v1/partnerships/{p.id}/milestones", json=MILESTONE, headers=h
        ).status_code
        == 409
    )
    moves = db.session.scalars(
        select(StateChange.to_state).where(StateChange.subject_id == p.request_id)
    ).all()
    assert moves == ["evaluation", "completed"]
    kinds = db.session.scalars(
        select(Notification.kind).where(Notification.user_id == users["third"].id)
    ).all()
    assert sorted(kinds) == ["partnership.completed", "partnership.evaluation"]


def test_outsiders_get_404_on_every_operation_and_nothing_changes(app, db, world, pilots):
    p, users = world
    kpi_id = db.session.scalar(select(Kpi.id))
    milestone = Milestone(partnership_id=p.id, title="Kick-off", planned_on=TODAY)
    db.session.add(milestone)
    db.session.commit()
    mid = milestone.id
    calls = [
        ("get", f"/api/v1/partnerships/{p.id}/milestones", None),
        ("get", f"/api/v1/kpis/{kpi_id}/values", None),
        ("post", f"/api/v1/partnerships/{p.id}/transitions", {"to": "evaluation"}),
        ("post", f"/api/v1/partnerships/{p.id}/consent", {"consent": True}),
        ("post", f"/api/v1/partnerships/{p.id}/publication", {"published": True}),
        ("patch", f"/api/v1/milestones/{mid}", {"title": "Taken over"}),
        ("delete", f"/api/v1/milestones/{mid}", None),
        ("post", f"/api/v1/partnerships/{p.id}/kpis", {"name": "Mine"}),
        ("patch", f"/api/v1/kpis/{kpi_id}", {"target": 1}),
        (
            "post",
            f"/api/v1/partnerships/{p.id}/reports",
            {"period_start": str(TODAY), "period_end": str(TODAY), "summary": "Mine"},
        ),
    ]
    for role in ("other_company", "other_city"):
        h = _h(app, users[role])
        client = app.test_client()
        for method, url, body in calls:
            response = getattr(client, method)(url, json=body, headers=h)
            assert response.status_code == 404, (role, method, url, response.get_json())
    db.session.expire_all()
    assert db.session.get(Milestone, mid).title == "Kick-off"
    assert db.session.get(Kpi, kpi_id).target is None
    assert _count(db, Kpi) == 1 and _count(db, ProgressReport) == 0
    req = db.session.get(PilotRequest, p.request_id)
    assert req.status == "in_progress" and not req.publish_consent
