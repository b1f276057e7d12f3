"""A request cancelled or rejected after its call opened: the proposals still undecided
(submitted, shortlisted, even selected and waiting for approval) become "not selected", each
with one history entry, and their organisations are thanked; withdrawn ones stay withdrawn."""

from __future__ import annotations

import pytest
from pilots import proposal_support as ps
from pilots.proposal_support import moves, notifications

from seoul_platform.db import db
from seoul_platform.pilots.models import Interest

people, headers = ps.people, ps.headers  # fixtures


def _move(client, headers, role, req, to, reason="The budget was withdrawn."):
    return client.post(
        f"/api/v1/pilot-requests/{req.id}/transitions",
        json={"to": to, "reason": reason},
        headers=headers(role),
    )


@pytest.mark.parametrize(
    ("status", "role", "to"),
    [
        ("open", "official", "rejected"),
        ("open", "city", "cancelled"),
        ("closed", "official", "cancelled"),
        ("closed", "city", "cancelled"),
    ],
)
def test_undecided_proposals_are_not_selected_and_thanked(
    client, people, headers, pilots, city, company, other_company, status, role, to
):
    req = pilots.request(city, status)
    first = pilots.interest(req, company, "submitted" if status == "open" else "shortlisted")
    second = pilots.interest(req, other_company, "withdrawn")
    before = first.status.value
    response = _move(client, headers, role, req, to)
    assert response.status_code == 200, response.get_json()
    db.session.expire_all()
    assert db.session.get(Interest, first.id).status.value == "not_selected"
    assert db.session.get(Interest, second.id).status.value == "withdrawn"
    assert moves("interest", first.id) == [(before, "not_selected")]
    assert moves("interest", second.id) == []
    thanked = notifications("proposal.request_ended")
    assert [n.user_id for n in thanked] == [people.proposer.id]
    assert "Thank you" in thanked[0].message
    # The reason was written for the city and the programme, not for the proposers.
    assert "budget" not in thanked[0].message


def test_a_selection_waiting_for_approval_ends_with_the_request(
    client, people, headers, pilots, city, company, other_company, institution
):
    req = pilots.request(city, "closed")
    chosen = pilots.interest(req, company, "shortlisted")
    runner_up = pilots.interest(req, other_company, "submitted")
    selected = client.post(
        f"/api/v1/pilot-requests/{req.id}/selection",
        json={"interest_id": chosen.id, "third_party_id": institution.id},
        headers=headers("city"),
    )
    assert selected.status_code == 200, selected.get_json()
    assert _move(client, headers, "official", req, "cancelled").status_code == 200
    db.session.expire_all()
    chosen_now = db.session.get(Interest, chosen.id)
    assert chosen_now.status.value == "not_selected"
    assert chosen_now.third_party_id is None
    assert moves("interest", chosen.id) == [
        ("shortlisted", "selected"),
        ("selected", "not_selected"),
    ]
    assert db.session.get(Interest, runner_up.id).status.value == "not_selected"
    told = sorted(n.user_id for n in notifications("proposal.request_ended"))
    assert told == sorted([people.proposer.id, people.other_company.id])
    # Nothing is left to approve.
    approve = client.post(
        f"/api/v1/pilot-requests/{req.id}/partnership",
        json={"company_id": company.id},
        headers=headers("official"),
    )
    assert approve.status_code == 409


def test_a_refused_cancellation_changes_no_proposal(client, people, headers, pilots, city, company):
    req = pilots.request(city, "open")
    interest = pilots.interest(req, company)
    assert _move(client, headers, "city", req, "cancelled", reason="").status_code == 422
    assert _move(client, headers, "proposer", req, "cancelled").status_code in (403, 404)
    db.session.expire_all()
    assert db.session.get(Interest, interest.id).status.value == "submitted"
    assert notifications("proposal.request_ended") == []
