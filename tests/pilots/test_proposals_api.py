"""Proposals through the API: submit, read, edit, withdraw, resubmit — each role, the
deadline, sealing, mass assignment and hostile input."""

from __future__ import annotations

from datetime import timedelta

import pytest
from pilots import proposal_support as ps
from pilots.proposal_support import GOOD, count, moves, notifications
from sqlalchemy import update

from seoul_platform.db import db, utcnow
from seoul_platform.pilots.models import Interest, InterestScore, PilotRequest

people, headers = ps.people, ps.headers  # fixtures

ROLES = ["visitor", "city", "other_city", "proposer", "other_company", "institution", "official"]


def _post(client, headers, role, req_id, body=GOOD):
    return client.post(
        f"/api/v1/pilot-requests/{req_id}/interests", json=body, headers=headers(role)
    )


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("visitor", 401),
        ("city", 403),
        ("other_city", 403),
        ("proposer", 201),
        ("other_company", 201),
        ("institution", 201),
        ("official", 403),
    ],
)
def test_who_may_submit(client, people, headers, pilots, city, role, status):
    req = pilots.request(city, "open")
    response = _post(client, headers, role, req.id)
    assert response.status_code == status, response.get_json()
    assert count(Interest) == (1 if status == 201 else 0)


def test_submit_returns_the_proposal_and_tells_the_city_without_naming(
    client, people, headers, pilots, city, company
):
    req = pilots.request(city, "open", title="Reminders for older residents")
    response = _post(client, headers, "proposer", req.id)
    body = response.get_json()
    assert body["status"] == "submitted"
    assert body["organization"]["id"] == company.id
    assert body["cost_amount"] == 90000 and body["currency"] == "EUR"
    assert body["scores"] is None and body["weighted_total"] is None  # not the proposer's
    sent = notifications("proposal.received")
    assert [n.user_id for n in sent] == [people.city.id]
    assert "Acme" not in str(sent[0].params)
    assert sent[0].params == {"title": "Reminders for older residents"}


@pytest.mark.parametrize("status", ["draft", "submitted", "closed", "partner_selected"])
def test_only_open_calls_take_proposals(client, people, headers, pilots, city, status):
    req = pilots.request(city, status)
    response = _post(client, headers, "proposer", req.id)
    # A draft or submitted request is hidden from companies; a closed one refuses.
    assert response.status_code == (404 if status in ("draft", "submitted") else 409)
    assert count(Interest) == 0


def test_past_deadline_is_closed_even_before_the_job_moves_it(
    client, people, headers, pilots, city
):
    req = pilots.request(city, "open", deadline_in_days=-1)
    response = _post(client, headers, "proposer", req.id)
    assert response.status_code == 409
    assert "closed" in response.get_json()["detail"]
    assert count(Interest) == 0


def test_second_proposal_of_one_organisation_is_a_conflict(
    client, people, headers, pilots, city, make, company
):
    req = pilots.request(city, "open")
    assert _post(client, headers, "proposer", req.id).status_code == 201
    colleague = make.user(company, email="colleague@acme.example")
    from support import bearer

    again = client.post(
        f"/api/v1/pilot-requests/{req.id}/interests", json=GOOD, headers=bearer(client, colleague)
    )
    assert again.status_code == 409
    assert count(Interest) == 1


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("cost_amount", 10**13),
        ("cost_amount", -1),
        ("cost_amount", "90000"),
        ("cost_amount", 1.5),
        ("cost_amount", True),
        ("currency", "DEM"),
        ("currency", "EU\nR"),
        ("currency", "\u0415UR"),  # a Cyrillic capital IE for the E
        ("currency", {"code": "EUR"}),
        ("duration_months", 0),
        ("duration_months", 121),
        ("duration_months", [12]),
        ("approach", ""),
        ("approach", "x" * 10_001),
        ("approach", {"nested": {"deep": ["json"]}}),
        ("team", None),
    ],
)
def test_hostile_input_is_a_422_storing_nothing(
    client, people, headers, pilots, city, field, value
):
    req = pilots.request(city, "open")
    response = _post(client, headers, "proposer", req.id, {**GOOD, field: value})
    assert response.status_code == 422, response.get_json()
    assert field in " ".join(response.get_json()["errors"])
    assert count(Interest) == 0


def test_mass_assignment_is_ignored(client, people, headers, pilots, city, company, other_company):
    req = pilots.request(city, "open")
    criterion = req.criteria[0].id
    body = {
        **GOOD,
        "status": "selected",
        "organization_id": other_company.id,
        "request_id": 999,
        "scores": [{"criterion_id": criterion, "score": 10}],
        "third_party_id": other_company.id,
        "is_demo": True,
    }
    created = _post(client, headers, "proposer", req.id, body).get_json()
    assert created["status"] == "submitted"
    assert created["organization"]["id"] == company.id
    patched = client.patch(
        f"/api/v1/interests/{created['id']}", json=body, headers=headers("proposer")
    )
    assert patched.status_code == 200
    row = db.session.get(Interest, created["id"])
    assert row.status.value == "submitted" and row.organization_id == company.id
    assert row.request_id == req.id and row.third_party_id is None and row.is_demo is False
    assert count(InterestScore) == 0


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("visitor", 401),
        ("city", 404),  # sealed until the deadline
        ("other_city", 404),
        ("proposer", 200),
        ("other_company", 404),
        ("institution", 404),
        ("official", 200),
    ],
)
def test_who_sees_a_proposal_while_the_call_is_open(
    client, people, headers, pilots, city, company, role, status
):
    req = pilots.request(city, "open")
    interest = pilots.interest(req, company)
    assert (
        client.get(f"/api/v1/interests/{interest.id}", headers=headers(role)).status_code == status
    )
    listing = client.get(f"/api/v1/pilot-requests/{req.id}/interests", headers=headers(role))
    if role in ("proposer", "official"):
        assert [i["id"] for i in listing.get_json()["items"]] == [interest.id]
    elif role in ("other_company", "institution"):
        assert listing.status_code == 200 and listing.get_json()["items"] == []  # only its own
    else:
        assert listing.status_code == (401 if role == "visitor" else 404)


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("city", 200),
        ("other_city", 404),
        ("proposer", 200),
        ("other_company", 404),
        ("institution", 404),
        ("official", 200),
    ],
)
def test_who_sees_a_proposal_after_the_deadline(
    client, people, headers, pilots, city, company, role, status
):
    req = pilots.request(city, "closed")
    interest = pilots.interest(req, company)
    response = client.get(f"/api/v1/interests/{interest.id}", headers=headers(role))
    assert response.status_code == status
    if role in ("city", "official"):
        assert response.get_json()["scores"] is not None  # the breakdown, unscored
    if role == "proposer":
        assert response.get_json()["scores"] is None


def test_city_list_after_the_deadline_leaves_out_withdrawn(
    client, people, headers, pilots, city, company, other_company
):
    req = pilots.request(city, "closed")
    kept = pilots.interest(req, company)
    pilots.interest(req, other_company, "withdrawn")
    listing = client.get(f"/api/v1/pilot-requests/{req.id}/interests", headers=headers("city"))
    assert [i["id"] for i in listing.get_json()["items"]] == [kept.id]
    assert listing.headers["Link"]
    everyone = client.get(f"/api/v1/pilot-requests/{req.id}/interests", headers=headers("official"))
    assert everyone.get_json()["total"] == 2
    past = client.get(
        f"/api/v1/pilot-requests/{req.id}/interests?page=5", headers=headers("official")
    )
    assert past.status_code == 404


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("visitor", 401),
        ("city", 404),
        ("other_city", 404),
        ("proposer", 200),
        ("other_company", 404),
        ("institution", 404),
        ("official", 403),
    ],
)
def test_who_may_edit_and_withdraw(client, people, headers, pilots, city, company, role, status):
    req = pilots.request(city, "open")
    interest = pilots.interest(req, company)
    patched = client.patch(
        f"/api/v1/interests/{interest.id}", json={"team": "Four people."}, headers=headers(role)
    )
    assert patched.status_code == status
    withdrawn = client.post(f"/api/v1/interests/{interest.id}/withdraw", headers=headers(role))
    assert withdrawn.status_code == status
    db.session.expire_all()
    row = db.session.get(Interest, interest.id)
    assert row.team == ("Four people." if status == 200 else "Three engineers and a nurse.")
    assert row.status.value == ("withdrawn" if status == 200 else "submitted")


def test_withdraw_and_resubmit_before_the_deadline(client, people, headers, pilots, city, company):
    req = pilots.request(city, "open")
    interest = pilots.interest(req, company)
    url = f"/api/v1/interests/{interest.id}"
    assert client.post(f"{url}/withdraw", headers=headers("proposer")).get_json()["status"] == (
        "withdrawn"
    )
    assert client.post(f"{url}/withdraw", headers=headers("proposer")).status_code == 409
    # A withdrawn proposal is not edited; it is submitted again first.
    assert client.patch(url, json={"team": "Two."}, headers=headers("proposer")).status_code == 409
    assert client.post(f"{url}/resubmit", headers=headers("proposer")).get_json()["status"] == (
        "submitted"
    )
    assert moves("interest", interest.id) == [
        ("submitted", "withdrawn"),
        ("withdrawn", "submitted"),
    ]
    assert client.get(url, headers=headers("proposer")).status_code == 200


def test_the_deadline_is_checked_inside_the_update(client, people, headers, pilots, city, company):
    req = pilots.request(city, "open")
    interest = pilots.interest(req, company)
    # The status still says open, but the deadline has just passed (no job has run yet).
    db.session.execute(
        update(PilotRequest)
        .where(PilotRequest.id == req.id)
        .values(deadline=utcnow() - timedelta(seconds=1))
    )
    db.session.commit()
    url = f"/api/v1/interests/{interest.id}"
    patched = client.patch(url, json={"team": "Late."}, headers=headers("proposer"))
    assert patched.status_code == 409
    assert "deadline" in patched.get_json()["detail"]
    assert client.post(f"{url}/withdraw", headers=headers("proposer")).status_code == 409
    db.session.expire_all()
    row = db.session.get(Interest, interest.id)
    assert row.team == "Three engineers and a nurse." and row.status.value == "submitted"
    assert moves("interest", interest.id) == []


def test_patch_hostile_input(client, people, headers, pilots, city, company):
    req = pilots.request(city, "open")
    interest = pilots.interest(req, company)
    url = f"/api/v1/interests/{interest.id}"
    for body in (
        {"cost_amount": 10**13},
        {"currency": "DEM"},
        {"duration_months": 121},
        {"currency": "USD\r\n"},
        {"approach": ["a"]},
    ):
        response = client.patch(url, json=body, headers=headers("proposer"))
        assert response.status_code == 422, body
    assert (
        client.patch(
            url, data="[1,2]", headers={**headers("proposer"), "Content-Type": "application/json"}
        ).status_code
        == 400
    )
    db.session.expire_all()
    assert db.session.get(Interest, interest.id).cost_amount == 90000
