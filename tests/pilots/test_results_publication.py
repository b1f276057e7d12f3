"""Results: the city's consent, an official's publication, the public pages and the open data;
nothing that is not meant to be public ever shows."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from seoul_platform.notifications.models import Notification
from seoul_platform.pilots.models import Kpi, KpiValue, Milestone, PilotRequest, ProgressReport
from seoul_platform.pilots.results import safe_cell
from tests.support import bearer

TODAY = date.today()


@pytest.fixture
def done(make, db, pilots, city, company, institution, official):
    req = pilots.request(city, "draft", title="Appointment reminders", challenge="Missed visits.")
    p = pilots.partnership(req, company, third_party=institution, status="completed")
    p.outcome_summary = "Missed visits halved."
    p.lessons_learned = "Call, do not text."
    kpi = db.session.scalar(select(Kpi).where(Kpi.request_id == req.id))
    kpi.target = 9.0
    db.session.add_all(
        [
            KpiValue(
                kpi_id=kpi.id, measured_on=TODAY - timedelta(days=60), value=15, source="Clinic"
            ),
            KpiValue(kpi_id=kpi.id, measured_on=TODAY, value=8.5, source='=HYPERLINK("x")'),
            Milestone(partnership_id=p.id, title="Secret milestone", planned_on=TODAY),
            ProgressReport(
                partnership_id=p.id, period_start=TODAY, period_end=TODAY, summary="Secret report"
            ),
        ]
    )
    db.session.commit()
    users = {
        "city": make.user(city, email="mayor@city.example"),
        "partner": make.user(company),
        "official": official,
    }
    return p, users


def _post(app, user, path, body):
    return app.test_client().post(path, json=body, headers=bearer(app.test_client(), user))


def test_publication_needs_consent_and_an_official(app, db, done):
    p, users = done
    client = app.test_client()
    pub = f"/api/v1/partnerships/{p.id}/publication"
    consent = f"/api/v1/partnerships/{p.id}/consent"
    assert client.get(f"/results/{p.id}").status_code == 404
    r = _post(app, users["official"], pub, {"published": True})
    assert r.status_code == 409 and "consent" in r.get_json()["detail"]
    assert _post(app, users["partner"], consent, {"consent": True}).status_code == 403
    assert _post(app, users["official"], consent, {"consent": True}).status_code == 403
    assert _post(app, users["city"], consent, {"consent": "yes"}).status_code == 422
    assert _post(app, users["city"], consent, {"consent": True}).status_code == 200
    assert _post(app, users["city"], pub, {"published": True}).status_code == 403
    r = _post(app, users["official"], pub, {"published": True, "published_at": "2020-01-01"})
    assert r.status_code == 200 and r.get_json()["published_at"]
    assert _post(app, users["official"], pub, {"published": True}).status_code == 409
    assert client.get(f"/results/{p.id}").status_code == 200
    notified = db.session.scalars(
        select(Notification.user_id).where(Notification.kind == "results.published")
    ).all()
    assert sorted(notified) == sorted([users["city"].id, users["partner"].id])
    # Withdrawing consent takes it off at once.
    assert _post(app, users["city"], consent, {"consent": False}).status_code == 200
    assert client.get(f"/results/{p.id}").status_code == 404
    assert db.session.scalar(select(PilotRequest.published_at)) is None


def test_only_completed_outcomes_are_published(app, db, pilots, make, city, company, official):
    req = pilots.request(city, "draft")
    p = pilots.partnership(req, company, status="evaluation")
    assert (
        _post(
            app, make.user(city), f"/api/v1/partnerships/{p.id}/consent", {"consent": True}
        ).status_code
        == 200
    )
    r = _post(app, official, f"/api/v1/partnerships/{p.id}/publication", {"published": True})
    assert r.status_code == 409 and "completed" in r.get_json()["detail"]


def _publish(app, done):
    p, users = done
    _post(app, users["city"], f"/api/v1/partnerships/{p.id}/consent", {"consent": True})
    _post(app, users["official"], f"/api/v1/partnerships/{p.id}/publication", {"published": True})
    return p


def test_public_pages_show_the_outcome_and_nothing_private(app, db, done):
    p = _publish(app, done)
    client = app.test_client()
    for path in ("/results", f"/results/{p.id}"):
        html = client.get(path).get_data(as_text=True)
        assert "Appointment reminders" in html and "CC BY 4.0" in html
        for private in (
            "Secret milestone",
            "Secret report",
            "mayor@city.example",
            "50,000",
            "EUR",
            "Three engineers",
        ):
            assert private not in html, (path, private)
    html = client.get(f"/results/{p.id}").get_data(as_text=True)
    for public in (
        "Missed visits halved.",
        "Call, do not text.",
        "Global Green Institute",
        'role="img"',
    ):
        assert public in html


def test_open_data_json_csv_and_api(app, db, done):
    p = _publish(app, done)
    client = app.test_client()
    body = client.get("/results.json").get_json()
    assert body["licence"]["name"] == "CC BY 4.0"
    [item] = body["items"]
    assert item["kpis"][0]["actual"] == 8.5 and item["kpis"][0]["baseline"] == 18
    assert "budget_min" not in str(item) and "email" not in str(item)
    api = client.get("/api/v1/results").get_json()
    assert api["licence"]["url"].startswith("https://creativecommons.org/")
    assert api["total"] == 1 and api["items"][0]["id"] == p.id
    response = client.get("/results.csv")
    assert response.mimetype == "text/csv" and 'rel="license"' in response.headers["Link"]
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert len(rows) == 1 and rows[0]["kpi"] == "Missed appointments"
    assert rows[0]["source"].startswith("'=")  # a formula would not run in a spreadsheet
    assert client.get("/api/v1/results.csv").status_code == 200


def test_filters(app, db, done):
    _publish(app, done)
    client = app.test_client()
    assert client.get("/api/v1/results?sector=welfare").get_json()["total"] == 1
    assert client.get("/api/v1/results?sector=mobility").get_json()["total"] == 0
    assert client.get("/api/v1/results?region=europe").get_json()["total"] == 1
    assert client.get("/api/v1/results?region=asia").get_json()["total"] == 0
    assert client.get("/api/v1/results?type=triangular").get_json()["total"] == 0
    assert client.get("/api/v1/results?type=bogus").status_code == 422
    assert client.get("/results?sector=mobility").status_code == 200
    assert client.get("/results?sector=bogus").status_code == 422  # shown, ignored


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+33", "'+33"),
        ("-2", "'-2"),
        ("@SUM", "'@SUM"),
        ("\tx", "'\tx"),
        ("ok", "ok"),
        (-2.5, -2.5),
    ],
)
def test_safe_cell(value, expected):
    assert safe_cell(value) == expected


def test_downloads_follow_the_filters(app, db, done):
    _publish(app, done)
    client = app.test_client()
    assert client.get("/results.json?sector=mobility").get_json()["total"] == 0
    assert client.get("/results.json?sector=welfare").get_json()["total"] == 1
    assert client.get("/results.csv?region=asia").get_data(as_text=True).count("\r\n") == 1
    assert client.get("/api/v1/results.csv?type=bogus").status_code == 422
    html = client.get("/results?sector=welfare").get_data(as_text=True)
    assert "/results.csv?sector=welfare" in html
