"""Pilot request pages (HTML): drafting with numbered rows and no JavaScript, errors shown at
once, the request page's actions, the history, the review, pipeline, CSV and open calls."""

from __future__ import annotations

import csv
import io

from sqlalchemy import func, select

from seoul_platform.audit.models import StateChange
from seoul_platform.pilots.models import PilotRequest, PilotReview, RequestStatus
from support import csrf_token, signed_in

FORM = {
    "type": "pilot_implementation",
    "title": "Appointment reminders",
    "sectors": ["welfare"],
    "challenge": "Older residents miss appointments.",
    "currency": "EUR",
    "budget_min": "1000",
    "budget_max": "5000",
    "starts_on": "2027-01-01",
    "ends_on": "2027-12-31",
    "technologies": "text messages\nvoice calls",
    "target_groups": ["elderly"],
    "languages": ["en"],
    "kpis-count": "5",
    "kpis-1-name": "Missed appointments",
    "kpis-1-unit": "%",
    "kpis-1-baseline": "18.5",
    "criteria-count": "5",
    "criteria-1-name": "Approach",
    "criteria-1-weight": "60",
    "criteria-2-name": "Cost",
    "criteria-2-description": "Total cost over the pilot.",
    "criteria-2-weight": "40",
    "action": "save",
}


def _post(client, path, data, token_path=None):
    return client.post(path, data={**data, "csrf_token": csrf_token(client, token_path or path)})


def _count(db) -> int:
    return db.session.scalar(select(func.count(PilotRequest.id)))


def test_the_new_form_offers_labelled_rows_without_javascript(member_client):
    html = member_client.get("/pilots/requests/new").get_data(as_text=True)
    assert 'for="criteria-2-name">Criterion 2 name<' in html
    assert 'for="kpis-5-baseline">KPI 5 baseline' in html
    assert "<legend>Evaluation criteria</legend>" in html
    assert "<script" not in html.split("<main", 1)[1]


def test_drafting_and_submitting_in_html(member_client, db, official):
    response = _post(member_client, "/pilots/requests/new", FORM)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    req = db.session.scalar(select(PilotRequest))
    assert req.title == "Appointment reminders" and req.status == RequestStatus.DRAFT
    assert [(k.name, k.baseline) for k in req.kpis] == [("Missed appointments", 18.5)]
    assert [(c.name, c.weight) for c in req.criteria] == [("Approach", 60), ("Cost", 40)]
    assert req.technologies == ["text messages", "voice calls"]
    page = member_client.get(f"/pilots/requests/{req.id}").get_data(as_text=True)
    assert "Submit the request" in page and "Edit the request" in page
    moved = _post(
        member_client,
        f"/pilots/requests/{req.id}/move",
        {"to": "submitted"},
        f"/pilots/requests/{req.id}",
    )
    assert moved.status_code == 302
    db.session.expire_all()
    assert db.session.get(PilotRequest, req.id).status == RequestStatus.SUBMITTED


def test_every_error_is_shown_at_once_and_nothing_is_stored(member_client, db):
    bad = {
        **FORM,
        "title": "Line\nbreak",
        "budget_min": "5000",
        "budget_max": "10000000000000",
        "ends_on": "2026-01-01",
        "kpis-1-baseline": "lots",
        "criteria-1-weight": "150",
        "criteria-2-name": "",
        "currency": "DEM",
    }
    response = _post(member_client, "/pilots/requests/new", bad)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "<title>Error:" in html
    for anchor in (
        "#title",
        "#budget_max",
        "#ends_on",
        "#currency",
        "#kpis-1-baseline",
        "#criteria-1-weight",
    ):
        assert f'href="{anchor}"' in html, anchor
    assert "Criterion 2 name" in html  # a weight without a name is named by its row
    assert _count(db) == 0


def test_save_and_add_rows_offers_more(member_client, db):
    response = _post(member_client, "/pilots/requests/new", {**FORM, "action": "more"})
    assert response.status_code == 302 and "more=1" in response.location
    html = member_client.get(response.location).get_data(as_text=True)
    assert 'id="criteria-6-name"' in html and 'id="kpis-6-name"' in html


def test_submit_errors_are_listed_on_the_request_page(member_client, db, city, pilots):
    req = pilots.request(city, "draft", challenge="", sectors=[])
    response = _post(
        member_client,
        f"/pilots/requests/{req.id}/move",
        {"to": "submitted"},
        f"/pilots/requests/{req.id}",
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f"/pilots/requests/{req.id}/edit#challenge" in html
    assert f"/pilots/requests/{req.id}/edit#sectors" in html


def test_edit_keeps_rows_and_is_refused_after_submission(member_client, db, city, pilots):
    req = pilots.request(city, "draft")
    html = member_client.get(f"/pilots/requests/{req.id}/edit").get_data(as_text=True)
    assert 'value="Technical approach"' in html and 'value="60"' in html
    response = _post(member_client, f"/pilots/requests/{req.id}/edit", {**FORM, "title": "Renamed"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(PilotRequest, req.id).title == "Renamed"
    submitted = pilots.request(city, "submitted")
    assert member_client.get(f"/pilots/requests/{submitted.id}/edit").status_code == 409


def test_an_official_opens_a_call_with_a_shorter_deadline_only_with_a_reason(
    official_client, db, city, pilots
):
    req = pilots.request(city, "submitted")
    page = official_client.get(f"/pilots/requests/{req.id}").get_data(as_text=True)
    assert "Open the call" in page and "Reject" in page and "Send back for changes" in page
    from datetime import date, timedelta

    soon = (date.today() + timedelta(days=7)).isoformat()
    path = f"/pilots/requests/{req.id}"
    refused = _post(official_client, f"{path}/move", {"to": "open", "deadline": soon}, path)
    assert refused.status_code == 422 and 'href="#open-reason"' in refused.get_data(True)
    bad_date = _post(official_client, f"{path}/move", {"to": "open", "deadline": "31/12"}, path)
    assert bad_date.status_code == 422
    done = _post(
        official_client, f"{path}/move", {"to": "open", "deadline": soon, "reason": "Urgent"}, path
    )
    assert done.status_code == 302
    db.session.expire_all()
    assert db.session.get(PilotRequest, req.id).status == RequestStatus.OPEN
    again = _post(official_client, f"{path}/move", {"to": "open"}, path)
    assert again.status_code == 409 and "call for proposals is open" in again.get_data(True)


def test_history_names_people_and_the_platform(official_client, member_client, db, city, pilots):
    req = pilots.request(city, "open", deadline_in_days=-1)
    member_client.get(f"/pilots/requests/{req.id}")  # closes it lazily
    html = member_client.get(f"/pilots/requests/{req.id}/history").get_data(as_text=True)
    assert "Platform" in html and "Proposals closed" in html
    assert db.session.scalar(select(func.count(StateChange.id))) == 1


def test_the_review_form_saves_and_refuses_bad_scores(official_client, db, city, pilots):
    req = pilots.request(city, "submitted")
    path = f"/pilots/requests/{req.id}/review"
    bad = _post(official_client, path, {"score-commitment": "9"})
    assert bad.status_code == 422 and 'href="#score-commitment"' in bad.get_data(True)
    good = _post(
        official_client,
        path,
        {"score-commitment": "4", "note-commitment": "Firm", "summary": "Good"},
    )
    assert good.status_code == 302
    saved = db.session.scalar(select(PilotReview))
    assert saved.scores == {"commitment": 4} and saved.notes == {"commitment": "Firm"}
    assert "Review by Kim Official" in official_client.get(f"/pilots/requests/{req.id}").get_data(
        True
    )


def test_pipeline_counts_filters_and_csv(official_client, db, city, other_city, pilots):
    pilots.request(city, "submitted", title="=HYPERLINK(evil)")
    pilots.request(other_city, "open", title="Flood sensors", sectors=["environment"])
    pilots.request(city, "draft", title="Secret draft")
    html = official_client.get("/pilots/pipeline").get_data(as_text=True)
    assert "Flood sensors" in html and "Secret draft" not in html
    filtered = official_client.get("/pilots/pipeline?sector=environment&region=europe").get_data(
        True
    )
    assert "Flood sensors" in filtered and "HYPERLINK" not in filtered
    response = official_client.get("/pilots/pipeline.csv")
    assert (
        response.mimetype == "text/csv" and "attachment" in response.headers["Content-Disposition"]
    )
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0][:3] == ["id", "title", "city"] and len(rows) == 3
    assert "'=HYPERLINK(evil)" in [r[1] for r in rows]
    assert "Secret draft" not in text


def test_open_calls_list_only_calls_still_open(app, company_admin, db, city, pilots):
    pilots.request(city, "open", title="Smart bins")
    pilots.request(city, "open", title="Overdue call", deadline_in_days=-1)
    pilots.request(city, "submitted", title="In review")
    client = signed_in(app, company_admin)
    html = client.get("/pilots/calls").get_data(as_text=True)
    assert "Smart bins" in html and "Overdue call" not in html and "In review" not in html
    assert client.get("/pilots/calls?sector=nonsense").status_code == 422


def test_comments_before_the_call_opened_stay_between_city_and_seoul(
    app, db, city_member, official, company_admin, city, pilots
):
    from seoul_platform.db import unit_of_work
    from seoul_platform.pilots import requests as services
    from seoul_platform.pilots import review

    req = pilots.request(city, "submitted")
    with unit_of_work():
        review.request_changes(official, req.id, "Private: the budget looks inflated.")
        services.submit_request(city_member, req.id)
        review.open_call(official, req.id)
    path = f"/pilots/requests/{req.id}/history"
    company_view = signed_in(app, company_admin).get(path).get_data(as_text=True)
    assert "Changes requested" in company_view and "inflated" not in company_view
    assert "inflated" in signed_in(app, city_member).get(path).get_data(as_text=True)
    client = app.test_client()
    from support import bearer

    api = client.get(
        f"/api/v1{path.removeprefix('/pilots')}".replace("/requests/", "/pilot-requests/"),
        headers=bearer(client, company_admin),
    )
    assert api.status_code == 200 and "inflated" not in api.get_data(as_text=True)
