"""Selection pages (HTML): the proposals list with weighted scores, the scoring form, the
shortlist button, the city's selection and the official's decision — for each role."""

from __future__ import annotations

import pytest
from pilots import proposal_support as ps
from pilots.proposal_support import count, notifications

from seoul_platform.db import db
from seoul_platform.pilots.models import (
    Interest,
    InterestScore,
    Partnership,
    PilotRequest,
)
from support import csrf_token, signed_in

people = ps.people  # fixture


def _client(app, people, role):
    return app.test_client() if role == "visitor" else signed_in(app, getattr(people, role))


def _post(client, url, data):
    return client.post(url, data={**data, "csrf_token": csrf_token(client, "/proposals")})


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("visitor", 302),
        ("city", 200),
        ("other_city", 404),
        ("proposer", 404),
        ("other_company", 404),
        ("institution", 404),
        ("official", 200),
    ],
)
def test_who_sees_the_proposals_list(app, people, pilots, city, company, role, status):
    req = pilots.request(city, "closed")
    pilots.interest(req, company)
    response = _client(app, people, role).get(f"/pilot-requests/{req.id}/proposals")
    assert response.status_code == status
    if status == 200:
        assert "Acme Twins" in response.get_data(as_text=True)


def test_city_sees_only_a_count_while_sealed(app, people, pilots, city, company):
    req = pilots.request(city, "open")
    pilots.interest(req, company)
    html = (
        signed_in(app, people.city)
        .get(f"/pilot-requests/{req.id}/proposals")
        .get_data(as_text=True)
    )
    assert "1 proposal received so far" in html and "Acme" not in html
    assert (
        signed_in(app, people.official).get(f"/pilot-requests/{req.id}/proposals").status_code
        == 200
    )


def test_scoring_form_and_list_with_weighted_scores(app, people, pilots, city, company):
    req = pilots.request(city, "closed")
    interest = pilots.interest(req, company)
    first, second = req.criteria
    client = signed_in(app, people.city)
    url = f"/proposals/{interest.id}/scores"
    assert client.get(url).status_code == 200
    bad = _post(client, url, {f"score_{first.id}": "11", f"note_{second.id}": "n" * 2001})
    assert bad.status_code == 422 and count(InterestScore) == 0
    nothing = _post(client, url, {})
    assert nothing.status_code == 422 and "Score at least one criterion" in nothing.get_data(
        as_text=True
    )
    ok = _post(
        client,
        url,
        {f"score_{first.id}": "9", f"note_{first.id}": "Strong.", f"score_{second.id}": "6"},
    )
    assert ok.status_code == 302
    listing = client.get(f"/pilot-requests/{req.id}/proposals").get_data(as_text=True)
    assert "78" in listing  # 60 * 9 / 10 + 40 * 6 / 10 = 54 + 24
    page = client.get(f"/proposals/{interest.id}").get_data(as_text=True)
    assert "Weighted score: 78 of 100" in page and "Strong." in page
    for role, status in [("proposer", 403), ("official", 403), ("other_city", 404)]:
        assert _client(app, people, role).get(url).status_code == status, role


def test_shortlist_button(app, people, pilots, city, company):
    req = pilots.request(city, "closed")
    interest = pilots.interest(req, company)
    client = signed_in(app, people.city)
    url = f"/proposals/{interest.id}/shortlist"
    assert _post(client, url, {"shortlisted": "1"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Interest, interest.id).status.value == "shortlisted"
    assert "Take off the shortlist" in client.get(f"/proposals/{interest.id}").get_data(
        as_text=True
    )
    assert len(notifications("proposal.shortlisted")) == 1
    assert _post(signed_in(app, people.proposer), url, {"shortlisted": "0"}).status_code == 403
    assert _post(signed_in(app, people.other_company), url, {"shortlisted": "0"}).status_code == 404


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("visitor", 302),
        ("city", 200),
        ("other_city", 404),
        ("proposer", 404),
        ("other_company", 404),
        ("institution", 404),
        ("official", 403),
    ],
)
def test_who_gets_the_selection_form(app, people, pilots, city, company, role, status):
    req = pilots.request(city, "closed")
    pilots.interest(req, company, "shortlisted")
    assert _client(app, people, role).get(f"/pilot-requests/{req.id}/selection").status_code == (
        status
    )


def test_select_then_official_approves(
    app, people, pilots, city, company, other_company, institution
):
    req = pilots.request(city, "closed")
    chosen = pilots.interest(req, company, "shortlisted")
    other = pilots.interest(req, other_company)
    client = signed_in(app, people.city)
    url = f"/pilot-requests/{req.id}/selection"
    page = client.get(url).get_data(as_text=True)
    assert "Global Green Institute" in page and "<fieldset" in page
    assert _post(client, url, {}).status_code == 422  # no proposal chosen
    done = _post(
        client, url, {"interest_id": str(chosen.id), "third_party_id": str(institution.id)}
    )
    assert done.status_code == 302
    db.session.expire_all()
    assert db.session.get(PilotRequest, req.id).status.value == "partner_selected"
    approval = f"/pilot-requests/{req.id}/approval"
    for role, status in [("city", 403), ("proposer", 403), ("visitor", 302)]:
        assert _client(app, people, role).get(approval).status_code == status, role
    official = signed_in(app, people.official)
    page = official.get(approval).get_data(as_text=True)
    assert "Acme Twins" in page and "Global Green Institute" in page
    missing = _post(official, approval, {"decision": "send_back", "reason": ""})
    assert missing.status_code == 422 and "Say why" in missing.get_data(as_text=True)
    assert _post(official, approval, {"decision": "approve"}).status_code == 302
    db.session.expire_all()
    partnership = db.session.scalars(db.select(Partnership)).one()
    assert partnership.partner_id == company.id and partnership.third_party_id == institution.id
    assert db.session.get(Interest, other.id).status.value == "not_selected"
    assert count(Partnership) == 1


def test_official_sends_the_selection_back(app, people, pilots, city, company):
    req = pilots.request(city, "partner_selected")
    chosen = pilots.interest(req, company, "selected")
    official = signed_in(app, people.official)
    url = f"/pilot-requests/{req.id}/approval"
    response = _post(official, url, {"decision": "send_back", "reason": "Too costly."})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(PilotRequest, req.id).status.value == "closed"
    assert db.session.get(Interest, chosen.id).status.value == "shortlisted"
    assert notifications("selection.sent_back")[0].params["reason"] == "Too costly."
    # Nothing left to approve: back to the list with a message.
    assert official.get(url).status_code == 302
