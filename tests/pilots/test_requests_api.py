"""The pilot requests API: drafting, changing, moving, history and review; hostile input is a
clear 422 that stores nothing; mass assignment of state or owner is ignored."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from seoul_platform.pilots.models import PilotRequest, RequestStatus
from support import bearer

BODY = {
    "type": "feasibility_study",
    "title": "Flood early warning",
    "sectors": ["environment"],
    "challenge": "Flash floods in the old town.",
    "technologies": ["IoT sensors", "open data"],
    "target_groups": ["elderly", "disabled"],
    "budget_min": 10_000,
    "budget_max": 90_000,
    "currency": "usd",
    "starts_on": "2027-03-01",
    "ends_on": "2027-09-30",
    "languages": ["en", "ko"],
    "kpis": [{"name": "Warning lead time", "unit": "minutes", "baseline": 5}],
    "criteria": [{"name": "Accuracy", "weight": 50}, {"name": "Cost", "weight": 50}],
}


@pytest.fixture
def city_headers(client, city_member):
    return bearer(client, city_member)


def _count(db) -> int:
    return db.session.scalar(select(func.count(PilotRequest.id)))


def test_draft_patch_submit_and_read_history(client, db, city_headers, official):
    created = client.post("/api/v1/pilot-requests", json=BODY, headers=city_headers)
    assert created.status_code == 201, created.get_json()
    data = created.get_json()
    assert data["status"] == "draft" and data["currency"] == "USD"
    assert [c["weight"] for c in data["criteria"]] == [50, 50]
    rid = data["id"]
    patched = client.patch(
        f"/api/v1/pilot-requests/{rid}", json={"title": "Flood warnings"}, headers=city_headers
    )
    assert patched.status_code == 200 and patched.get_json()["title"] == "Flood warnings"
    assert patched.get_json()["kpis"][0]["name"] == "Warning lead time"  # untouched
    moved = client.post(
        f"/api/v1/pilot-requests/{rid}/transitions", json={"to": "submitted"}, headers=city_headers
    )
    assert moved.status_code == 200 and moved.get_json()["status"] == "submitted"
    again = client.post(
        f"/api/v1/pilot-requests/{rid}/transitions", json={"to": "submitted"}, headers=city_headers
    )
    assert again.status_code == 409 and "submitted" in again.get_json()["detail"]
    history = client.get(f"/api/v1/pilot-requests/{rid}/history", headers=city_headers)
    assert [(h["from_state"], h["to_state"], h["actor"]) for h in history.get_json()["items"]] == [
        ("draft", "submitted", "Mo Member")
    ]


def test_official_decisions_over_the_api(client, db, official, pilots, city):
    req = pilots.request(city, "submitted")
    headers = bearer(client, official)
    path = f"/api/v1/pilot-requests/{req.id}/transitions"
    no_reason = client.post(path, json={"to": "rejected"}, headers=headers)
    assert no_reason.status_code == 422 and "reason" in no_reason.get_json()["errors"]
    past = client.post(
        path, json={"to": "open", "deadline": "2020-01-01T00:00:00Z"}, headers=headers
    )
    assert past.status_code == 422 and "deadline" in past.get_json()["errors"]
    opened = client.post(path, json={"to": "open"}, headers=headers)
    assert opened.status_code == 200 and opened.get_json()["deadline"]
    review = client.put(
        f"/api/v1/pilot-requests/{req.id}/review",
        json={"scores": {"commitment": 4}},
        headers=headers,
    )
    assert review.status_code == 409  # no longer in review
    closed = client.post(path, json={"to": "closed", "reason": "Enough"}, headers=headers)
    assert closed.status_code == 200 and closed.get_json()["status"] == "closed"


def test_review_over_the_api(client, db, official, pilots, city, city_member):
    req = pilots.request(city, "submitted")
    path = f"/api/v1/pilot-requests/{req.id}/review"
    headers = bearer(client, official)
    ok = client.put(path, json={"scores": {"commitment": 5}, "summary": "Yes"}, headers=headers)
    assert ok.status_code == 200 and ok.get_json()["reviewer"] == "Kim Official"
    assert client.put(path, json={"scores": {"commitment": 0}}, headers=headers).status_code == 422
    assert client.put(path, json={"scores": {"luck": 3}}, headers=headers).status_code == 422
    assert client.put(path, json={}, headers=bearer(client, city_member)).status_code == 403


@pytest.mark.parametrize(
    "change",
    [
        {"title": "Line\nbreak"},
        {"title": "x" * 201},
        {"title": ""},
        {"budget_max": 10**13},
        {"budget_min": -1},
        {"currency": "XYZ"},
        {"currency": "DEM"},
        {"ends_on": "2027-01-01"},
        {"budget_min": 100_000},
        {"type": "party"},
        {"sectors": ["moon"]},
        {"kpis": [{"name": "K", "baseline": 1e300}]},
        {"kpis": [{"name": ""}]},
        {"kpis": [{"name": f"K{n}"} for n in range(11)]},
        {"criteria": [{"name": "C", "weight": 0}]},
        {"criteria": [{"name": "C", "weight": "heavy"}]},
        {"technologies": ["a\nb"]},
        {"technologies": [f"t{n}" for n in range(21)]},
        {"languages": ["xx"]},
        {"title": {"nested": {"deeper": ["json"]}}},
        {"kpis": "not a list"},
        {"starts_on": "yesterday"},
    ],
)
def test_hostile_input_is_a_clear_422_storing_nothing(client, db, city_headers, change):
    response = client.post("/api/v1/pilot-requests", json={**BODY, **change}, headers=city_headers)
    assert response.status_code == 422, response.get_json()
    assert response.get_json()["errors"]
    assert _count(db) == 0


def test_lookalike_characters_are_just_text(client, db, city_headers):
    response = client.post(
        "/api/v1/pilot-requests",
        json={**BODY, "title": "Fl\u043e\u043ed w\u0430rning"},
        headers=city_headers,
    )
    assert response.status_code == 201
    assert response.get_json()["title"] == "Fl\u043e\u043ed w\u0430rning"  # kept as typed


def test_mass_assignment_of_state_owner_and_dates_is_ignored(
    client, db, city_headers, other_city, city_member
):
    sneaky = {
        **BODY,
        "status": "open",
        "city_id": other_city.id,
        "created_by_id": 999,
        "deadline": "2030-01-01T00:00:00Z",
        "submitted_at": "2020-01-01T00:00:00Z",
        "id": 12345,
        "is_demo": True,
    }
    created = client.post("/api/v1/pilot-requests", json=sneaky, headers=city_headers)
    assert created.status_code == 201
    data = created.get_json()
    assert data["status"] == "draft" and data["city"]["id"] == city_member.organization_id
    assert data["deadline"] is None and data["submitted_at"] is None and data["id"] != 12345
    assert data["is_demo"] is False
    patched = client.patch(
        f"/api/v1/pilot-requests/{data['id']}",
        json={"status": "completed", "city_id": other_city.id, "opened_at": "2020-01-01"},
        headers=city_headers,
    )
    assert patched.status_code == 200
    req = db.session.get(PilotRequest, data["id"])
    assert req.status == RequestStatus.DRAFT and req.city_id == city_member.organization_id
    assert req.opened_at is None


def test_patch_may_clear_optional_values_and_checks_against_stored_ones(client, db, city_headers):
    rid = client.post("/api/v1/pilot-requests", json=BODY, headers=city_headers).get_json()["id"]
    path = f"/api/v1/pilot-requests/{rid}"
    assert client.patch(path, json={"budget_max": 5}, headers=city_headers).status_code == 422
    cleared = client.patch(path, json={"budget_min": None}, headers=city_headers)
    assert cleared.status_code == 200 and cleared.get_json()["budget_min"] is None
    assert client.patch(path, json={"title": None}, headers=city_headers).get_json()["title"]


def test_list_filters(client, db, official, pilots, city, other_city):
    pilots.request(city, "submitted", title="Smart bins", type="feasibility_study")
    pilots.request(other_city, "open", title="Flood sensors", sectors=["environment"])
    headers = bearer(client, official)
    every = client.get("/api/v1/pilot-requests", headers=headers).get_json()
    assert every["total"] == 2
    only = client.get("/api/v1/pilot-requests?type=feasibility_study", headers=headers).get_json()
    assert [r["title"] for r in only["items"]] == ["Smart bins"]
    searched = client.get("/api/v1/pilot-requests?q=flood", headers=headers).get_json()
    assert [r["title"] for r in searched["items"]] == ["Flood sensors"]
    assert client.get("/api/v1/pilot-requests?status=nope", headers=headers).status_code == 422
    assert client.get("/api/v1/pilot-requests?page=99", headers=headers).status_code == 404


@pytest.mark.parametrize(
    "body",
    [
        {"to": "nonsense"},
        {"to": ["open"]},
        {"to": "open", "deadline": "soon"},
        {"to": "open", "deadline": {"nested": {"deep": [1, 2]}}},
        {"to": "rejected", "reason": "x" * 2001},
        {"reason": "no target"},
    ],
)
def test_bad_transition_bodies_are_422_and_move_nothing(client, db, official, pilots, city, body):
    req = pilots.request(city, "submitted")
    response = client.post(
        f"/api/v1/pilot-requests/{req.id}/transitions", json=body, headers=bearer(client, official)
    )
    assert response.status_code == 422, response.get_json()
    db.session.expire_all()
    assert db.session.get(PilotRequest, req.id).status == RequestStatus.SUBMITTED
