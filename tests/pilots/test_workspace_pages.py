"""The workspace's HTML pages: who sees them (404 for outsiders, sign-in for visitors), the
forms re-rendered with every error and nothing stored, and an official completing a
partnership without JavaScript."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from seoul_platform.pilots.models import Kpi, KpiValue, Milestone, Partnership, ProgressReport
from tests.support import csrf_token, signed_in

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


def _count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _pages(p, db):
    kpi_id = db.session.scalar(select(Kpi.id))
    return [
        f"/partnerships/{p.id}",
        f"/partnerships/{p.id}/reports",
        f"/partnerships/{p.id}/milestones/new",
        f"/partnerships/{p.id}/kpis/new",
        f"/kpis/{kpi_id}/target",
        f"/kpis/{kpi_id}/values/new",
        f"/partnerships/{p.id}/reports/new",
    ]


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("city", 200),
        ("partner", 200),
        ("third", 200),
        ("official", 200),
        ("other_company", 404),
        ("other_city", 404),
    ],
)
def test_each_role_sees_the_pages_or_404(app, db, world, role, status):
    p, users = world
    client = signed_in(app, users[role])
    for path in _pages(p, db):
        assert client.get(path).status_code == status, path


@pytest.mark.parametrize(
    ("role", "status"),
    [("city", 403), ("partner", 403), ("third", 403), ("official", 200), ("other_city", 404)],
)
def test_only_officials_get_the_move_form(app, db, world, role, status):
    p, users = world
    client = signed_in(app, users[role])
    assert client.get(f"/partnerships/{p.id}/move/evaluation").status_code == status
    assert client.get(f"/partnerships/{p.id}/move/nowhere").status_code == 404


def test_visitors_are_sent_to_sign_in(app, db, world):
    p, _ = world
    client = app.test_client()
    for path in _pages(p, db):
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_the_page_shows_parties_kpis_chart_table_and_actions(app, db, world):
    p, users = world
    kpi = db.session.scalar(select(Kpi))
    db.session.add(KpiValue(kpi_id=kpi.id, measured_on=TODAY, value=11.5, source="Clinic records"))
    db.session.commit()
    html = signed_in(app, users["partner"]).get(f"/partnerships/{p.id}").get_data(as_text=True)
    for text in ("Appointment reminders", "Global Green Institute", "Missed appointments"):
        assert text in html
    assert 'role="img"' in html and "<caption>" in html and "Clinic records" in html
    assert "Add a milestone" in html and "Move to evaluation" not in html
    official_html = (
        signed_in(app, users["official"]).get(f"/partnerships/{p.id}").get_data(as_text=True)
    )
    assert "Move to evaluation" in official_html


def test_milestone_form_shows_every_error_and_stores_nothing(app, db, world):
    p, users = world
    client = signed_in(app, users["city"])
    path = f"/partnerships/{p.id}/milestones/new"
    response = client.post(
        path,
        data={
            "csrf_token": csrf_token(client, path),
            "title": "",
            "planned_on": "",
            "status": "done",
            "actual_on": str(TODAY + timedelta(days=5)),
        },
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="error-summary"' in html
    assert html.count('aria-invalid="true"') >= 3  # title, planned date, done date
    assert _count(db, Milestone) == 0


def test_milestone_added_edited_and_deleted(app, db, world):
    p, users = world
    client = signed_in(app, users["third"])
    path = f"/partnerships/{p.id}/milestones/new"
    data = {
        "csrf_token": csrf_token(client, path),
        "title": "Kick-off",
        "planned_on": "2026-01-15",
        "status": "planned",
    }
    assert client.post(path, data=data).status_code == 302
    milestone = db.session.scalar(select(Milestone))
    edit = f"/milestones/{milestone.id}/edit"
    data.update(status="done", actual_on=str(TODAY), csrf_token=csrf_token(client, edit))
    assert client.post(edit, data=data).status_code == 302
    db.session.refresh(milestone)
    assert milestone.status == "done" and milestone.actual_on == TODAY
    response = client.post(
        f"/milestones/{milestone.id}/delete", data={"csrf_token": csrf_token(client, edit)}
    )
    assert response.status_code == 302
    assert _count(db, Milestone) == 0


def test_outsiders_cannot_post_forms(app, db, world):
    p, users = world
    client = signed_in(app, users["other_company"])
    token = csrf_token(client, "/results")
    path = f"/partnerships/{p.id}/milestones/new"
    data = {"csrf_token": token, "title": "X", "planned_on": "2026-01-15", "status": "planned"}
    assert client.post(path, data=data).status_code == 404
    assert (
        client.post(
            f"/partnerships/{p.id}/consent", data={"csrf_token": token, "consent": "yes"}
        ).status_code
        == 404
    )
    assert _count(db, Milestone) == 0


def test_kpi_value_and_report_forms(app, db, world):
    p, users = world
    client = signed_in(app, users["partner"])
    kpi_id = db.session.scalar(select(Kpi.id))
    path = f"/kpis/{kpi_id}/values/new"
    bad = {
        "csrf_token": csrf_token(client, path),
        "measured_on": str(TODAY + timedelta(days=3)),
        "value": "lots",
        "source": "",
    }
    response = client.post(path, data=bad)
    assert (
        response.status_code == 422
        and response.get_data(as_text=True).count('aria-invalid="true"') == 3
    )
    good = {**bad, "measured_on": str(TODAY), "value": "0", "source": "Clinic records"}
    assert client.post(path, data=good).status_code == 302
    assert db.session.scalar(select(KpiValue.value)) == 0
    path = f"/partnerships/{p.id}/reports/new"
    bad = {
        "csrf_token": csrf_token(client, path),
        "period_start": str(TODAY),
        "period_end": str(TODAY - timedelta(days=3)),
        "summary": "",
    }
    assert client.post(path, data=bad).status_code == 422
    assert _count(db, ProgressReport) == 0
    good = {
        **bad,
        "period_start": str(TODAY - timedelta(days=30)),
        "period_end": str(TODAY),
        "summary": "On track.",
    }
    assert client.post(path, data=good).status_code == 302
    assert _count(db, ProgressReport) == 1


def test_an_official_completes_without_javascript(app, db, world):
    p, users = world
    client = signed_in(app, users["official"])
    path = f"/partnerships/{p.id}/move/evaluation"
    assert client.post(path, data={"csrf_token": csrf_token(client, path)}).status_code == 302
    path = f"/partnerships/{p.id}/move/completed"
    token = csrf_token(client, path)
    response = client.post(
        path, data={"csrf_token": token, "outcome_summary": "", "lessons_learned": ""}
    )
    assert response.status_code == 422
    response = client.post(
        path,
        data={
            "csrf_token": token,
            "outcome_summary": "Missed visits halved.",
            "lessons_learned": "Call, do not text.",
        },
    )
    assert response.status_code == 302
    partnership = db.session.get(Partnership, p.id)
    db.session.refresh(partnership)
    assert partnership.completed_at is not None
    assert partnership.request.status == "completed"
    html = client.get(f"/partnerships/{p.id}").get_data(as_text=True)
    assert "Missed visits halved." in html and "Add a milestone" not in html
    # A party cannot move it.
    city_client = signed_in(app, users["city"])
    token = csrf_token(city_client, f"/partnerships/{p.id}")
    response = city_client.post(
        f"/partnerships/{p.id}/move/in_progress", data={"csrf_token": token, "reason": "x"}
    )
    assert response.status_code == 403
    assert db.session.get(Partnership, p.id).request.status == "completed"
