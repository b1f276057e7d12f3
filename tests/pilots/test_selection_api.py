"""Scoring, the shortlist, the city's selection and the official's approval (API): roles,
states, the partnership created once, the courteous notifications."""

from __future__ import annotations

import pytest
from pilots import proposal_support as ps
from pilots.proposal_support import count, moves, notifications

from seoul_platform.db import db
from seoul_platform.pilots.models import Interest, InterestScore, Partnership, PilotRequest

people, headers = ps.people, ps.headers  # fixtures


def _scores(req, a=8, b=5):
    first, second = req.criteria
    return {
        "scores": [
            {"criterion_id": first.id, "score": a, "note": "Clear plan."},
            {"criterion_id": second.id, "score": b},
        ]
    }


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("visitor", 401),
        ("city", 200),
        ("other_city", 404),
        ("proposer", 403),
        ("other_company", 404),
        ("institution", 404),
        ("official", 403),
    ],
)
def test_who_may_score(client, people, headers, pilots, city, company, role, status):
    req = pilots.request(city, "closed")
    interest = pilots.interest(req, company)
    response = client.post(
        f"/api/v1/interests/{interest.id}/scores", json=_scores(req), headers=headers(role)
    )
    assert response.status_code == status, response.get_json()
    assert count(InterestScore) == (2 if status == 200 else 0)


def test_weighted_total_and_breakdown(client, people, headers, pilots, city, company):
    req = pilots.request(city, "closed")
    interest = pilots.interest(req, company)
    url = f"/api/v1/interests/{interest.id}/scores"
    first = req.criteria[0].id
    partial = client.post(
        url, json={"scores": [{"criterion_id": first, "score": 8}]}, headers=headers("city")
    ).get_json()
    assert partial["weighted_total"] is None  # not every criterion scored yet
    body = client.post(url, json=_scores(req, 8, 5), headers=headers("city")).get_json()
    # 60 * 8 / 10 + 40 * 5 / 10 = 48 + 20
    assert body["weighted_total"] == 68.0
    assert [(s["weight"], s["score"]) for s in body["scores"]] == [(60, 8), (40, 5)]
    assert body["scores"][0]["note"] == "Clear plan."
    again = client.post(url, json=_scores(req, 10, 10), headers=headers("city")).get_json()
    assert again["weighted_total"] == 100.0
    assert count(InterestScore) == 2  # overwritten, not added
    mine = client.get(f"/api/v1/interests/{interest.id}", headers=headers("proposer")).get_json()
    assert mine["scores"] is None and mine["weighted_total"] is None


def test_scoring_refuses_bad_scores_and_other_criteria(
    client, people, headers, pilots, city, company
):
    req = pilots.request(city, "closed")
    other = pilots.request(city, "closed")
    interest = pilots.interest(req, company)
    url = f"/api/v1/interests/{interest.id}/scores"
    cid = req.criteria[0].id
    for body in (
        {"scores": [{"criterion_id": cid, "score": 11}]},
        {"scores": [{"criterion_id": cid, "score": -1}]},
        {"scores": [{"criterion_id": cid, "score": "7"}]},
        {"scores": [{"criterion_id": cid, "score": 7.5}]},
        {"scores": [{"criterion_id": other.criteria[0].id, "score": 7}]},
        {"scores": [{"criterion_id": cid, "score": 7}, {"criterion_id": cid, "score": 3}]},
        {"scores": []},
        {"scores": {"criterion_id": cid}},
        {"scores": [{"criterion_id": cid, "score": 7, "note": "n" * 2001}]},
    ):
        assert client.post(url, json=body, headers=headers("city")).status_code == 422, body
    assert count(InterestScore) == 0


def test_no_scoring_while_sealed_or_after_selection(client, people, headers, pilots, city, company):
    open_req = pilots.request(city, "open")
    sealed = pilots.interest(open_req, company)
    assert (
        client.post(
            f"/api/v1/interests/{sealed.id}/scores", json=_scores(open_req), headers=headers("city")
        ).status_code
        == 404  # the city does not see it yet
    )
    done = pilots.request(city, "partner_selected")
    decided = pilots.interest(done, company, "selected")
    response = client.post(
        f"/api/v1/interests/{decided.id}/scores", json=_scores(done), headers=headers("city")
    )
    assert response.status_code == 409
    assert "selected" in response.get_json()["detail"]


def test_shortlist_round_trip_notifies_once(client, people, headers, pilots, city, company):
    req = pilots.request(city, "closed")
    interest = pilots.interest(req, company)
    url = f"/api/v1/interests/{interest.id}/shortlist"
    on = client.post(url, json={"shortlisted": True}, headers=headers("city"))
    assert on.get_json()["status"] == "shortlisted"
    assert client.post(url, json={"shortlisted": True}, headers=headers("city")).status_code == 409
    off = client.post(url, json={"shortlisted": False}, headers=headers("city"))
    assert off.get_json()["status"] == "submitted"
    assert moves("interest", interest.id) == [
        ("submitted", "shortlisted"),
        ("shortlisted", "submitted"),
    ]
    assert [n.user_id for n in notifications("proposal.shortlisted")] == [people.proposer.id]
    assert client.post(url, json={"shortlisted": "yes"}, headers=headers("city")).status_code == 422
    for role in ("proposer", "official"):
        assert (
            client.post(url, json={"shortlisted": True}, headers=headers(role)).status_code == 403
        )
    for role in ("other_company", "other_city"):
        assert (
            client.post(url, json={"shortlisted": True}, headers=headers(role)).status_code == 404
        )


def _select(client, headers, role, req, interest, third=None):
    body = {"interest_id": interest.id}
    if third is not None:
        body["third_party_id"] = third
    return client.post(
        f"/api/v1/pilot-requests/{req.id}/selection", json=body, headers=headers(role)
    )


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("visitor", 401),
        ("city", 200),
        ("other_city", 404),
        ("proposer", 404),
        ("other_company", 404),
        ("institution", 404),
        ("official", 403),
    ],
)
def test_who_may_select(client, people, headers, pilots, city, company, role, status):
    req = pilots.request(city, "closed")
    interest = pilots.interest(req, company, "shortlisted")
    response = _select(client, headers, role, req, interest)
    assert response.status_code == status, response.get_json()
    db.session.expire_all()
    assert db.session.get(PilotRequest, req.id).status.value == (
        "partner_selected" if status == 200 else "closed"
    )


def test_selection_with_a_third_partner_asks_officials(
    client, people, headers, pilots, city, company, institution, other_company
):
    req = pilots.request(city, "closed")
    interest = pilots.interest(req, company, "shortlisted")
    bad = _select(client, headers, "city", req, interest, third=other_company.id)
    assert bad.status_code == 422  # a company is no third partner institution
    assert _select(client, headers, "city", req, interest, third=city.id).status_code == 422
    ok = _select(client, headers, "city", req, interest, third=institution.id)
    assert ok.status_code == 200
    assert ok.get_json() == {
        "request_id": req.id,
        "status": "partner_selected",
        "interest_id": interest.id,
        "third_party_id": institution.id,
    }
    row = db.session.get(Interest, interest.id)
    assert row.status.value == "selected" and row.third_party_id == institution.id
    assert [n.user_id for n in notifications("selection.made")] == [people.official.id]
    assert moves("pilot_request", req.id) == [("closed", "partner_selected")]
    again = _select(client, headers, "city", req, interest)
    assert again.status_code == 409 and "already selected" in again.get_json()["detail"]


def test_a_withdrawn_proposal_cannot_be_selected(client, people, headers, pilots, city, company):
    req = pilots.request(city, "closed")
    interest = pilots.interest(req, company, "withdrawn")
    assert _select(client, headers, "city", req, interest).status_code == 409
    other_req = pilots.request(city, "closed")
    assert _select(client, headers, "city", other_req, interest).status_code == 404


def _approve(client, headers, role, req, company_id, **extra):
    return client.post(
        f"/api/v1/pilot-requests/{req.id}/partnership",
        json={"company_id": company_id, **extra},
        headers=headers(role),
    )


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("visitor", 401),
        ("city", 403),
        ("other_city", 403),
        ("proposer", 403),
        ("other_company", 403),
        ("institution", 403),
        ("official", 201),
    ],
)
def test_who_may_approve(client, people, headers, pilots, city, company, role, status):
    req = pilots.request(city, "partner_selected")
    pilots.interest(req, company, "selected")
    assert _approve(client, headers, role, req, company.id).status_code == status
    assert count(Partnership) == (1 if status == 201 else 0)


def test_approval_creates_the_partnership_and_thanks_the_others(
    client, people, headers, pilots, city, company, other_company, institution, make
):
    req = pilots.request(city, "closed", title="Reminders")
    chosen = pilots.interest(req, company, "shortlisted")
    runner_up = pilots.interest(req, other_company, "shortlisted")
    gone = pilots.interest(req, make.org("company", name="Gamma Ltd"), "withdrawn")
    assert _select(client, headers, "city", req, chosen, third=institution.id).status_code == 200
    wrong = _approve(client, headers, "official", req, other_company.id)
    assert wrong.status_code == 409
    wrong_third = _approve(client, headers, "official", req, company.id, third_party_id=None)
    assert wrong_third.status_code == 409
    response = _approve(client, headers, "official", req, company.id)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["status"] == "in_progress" and body["interest_id"] == chosen.id
    assert (body["city"]["id"], body["partner"]["id"], body["third_party"]["id"]) == (
        city.id,
        company.id,
        institution.id,
    )
    assert body["approved_by_id"] == people.official.id
    db.session.expire_all()
    assert db.session.get(Interest, runner_up.id).status.value == "not_selected"
    assert db.session.get(Interest, gone.id).status.value == "withdrawn"
    assert moves("interest", runner_up.id) == [("shortlisted", "not_selected")]
    assert [n.user_id for n in notifications("proposal.not_selected")] == [people.other_company.id]
    assert "Thank you" in notifications("proposal.not_selected")[0].message
    told = {n.user_id for n in notifications("partnership.approved")}
    assert told == {people.city.id, people.proposer.id, people.institution.id}
    # The partnership's parties read it; others do not know it exists.
    url = f"/api/v1/partnerships/{body['id']}"
    for role, status in [
        ("city", 200),
        ("proposer", 200),
        ("institution", 200),
        ("official", 200),
        ("other_company", 404),
        ("other_city", 404),
        ("visitor", 401),
    ]:
        assert client.get(url, headers=headers(role)).status_code == status, role
    assert _approve(client, headers, "official", req, company.id).status_code == 409


def test_send_back_returns_the_selection_to_the_city(
    client, people, headers, pilots, city, company, institution
):
    req = pilots.request(city, "closed")
    chosen = pilots.interest(req, company, "shortlisted")
    _select(client, headers, "city", req, chosen, third=institution.id)
    url = f"/api/v1/pilot-requests/{req.id}/selection/send-back"
    assert client.post(url, json={"reason": ""}, headers=headers("official")).status_code == 422
    assert client.post(url, json={"reason": "No"}, headers=headers("city")).status_code == 403
    response = client.post(
        url, json={"reason": "The budget exceeds the call's."}, headers=headers("official")
    )
    assert response.status_code == 200
    db.session.expire_all()
    assert db.session.get(PilotRequest, req.id).status.value == "closed"
    row = db.session.get(Interest, chosen.id)
    assert row.status.value == "shortlisted" and row.third_party_id is None
    sent = notifications("selection.sent_back")
    assert [n.user_id for n in sent] == [people.city.id]
    assert sent[0].params["reason"] == "The budget exceeds the call's."
    from seoul_platform.lifecycle import history

    last = history("pilot_request", req.id)[-1]
    assert (last.to_state, last.reason) == ("closed", "The budget exceeds the call's.")
    assert (
        client.post(url, json={"reason": "Again"}, headers=headers("official")).status_code == 409
    )
    assert count(Partnership) == 0
