"""Proposal pages (HTML): the form, its errors at once, the proposal page, my organisation's
list, withdraw/resubmit — for each role — and the request page's panel."""

from __future__ import annotations

import pytest
from flask import render_template
from pilots import proposal_support as ps
from pilots.proposal_support import count, notifications

from seoul_platform.db import db
from seoul_platform.pilots import panels
from seoul_platform.pilots.models import Interest
from support import csrf_token, signed_in

people = ps.people  # fixture

FORM = {
    "approach": "Reminders by text message.\nA nurse calls the day before.",
    "team": "Three engineers and a nurse.",
    "references": "",
    "cost_amount": "90000",
    "currency": "EUR",
    "duration_months": "12",
}


def _client(app, people, role):
    return app.test_client() if role == "visitor" else signed_in(app, getattr(people, role))


def _submit(client, req_id, data=FORM):
    url = f"/pilot-requests/{req_id}/proposals/new"
    return client.post(url, data={**data, "csrf_token": csrf_token(client, url)})


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("visitor", 302),  # to the sign-in page
        ("city", 403),
        ("other_city", 403),
        ("proposer", 200),
        ("other_company", 200),
        ("institution", 200),
        ("official", 403),
    ],
)
def test_who_gets_the_proposal_form(app, people, pilots, city, role, status):
    req = pilots.request(city, "open")
    response = _client(app, people, role).get(f"/pilot-requests/{req.id}/proposals/new")
    assert response.status_code == status
    if status == 200:
        html = response.get_data(as_text=True)
        assert "Technical approach" in html and "60%" in html  # the criteria up front
        assert '<option selected value="EUR">' in html  # the call's currency first


def test_submit_then_the_form_sends_to_the_proposal(app, people, pilots, city):
    req = pilots.request(city, "open")
    client = signed_in(app, people.proposer)
    response = _submit(client, req.id)
    assert response.status_code == 302
    interest = db.session.scalars(db.select(Interest)).one()
    assert response.headers["Location"].endswith(f"/proposals/{interest.id}")
    assert interest.approach == FORM["approach"]
    page = client.get(f"/proposals/{interest.id}").get_data(as_text=True)
    assert "<p>A nurse calls the day before.</p>" in page
    again = client.get(f"/pilot-requests/{req.id}/proposals/new")
    assert again.status_code == 302  # one proposal per organisation: to the existing one
    assert len(notifications("proposal.received")) == 1


def test_every_error_at_once_and_nothing_stored(app, people, pilots, city):
    req = pilots.request(city, "open")
    client = signed_in(app, people.proposer)
    bad = {
        **FORM,
        "approach": "",
        "cost_amount": str(10**13),
        "currency": "DEM",
        "duration_months": "0",
    }
    response = _submit(client, req.id, bad)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="error-summary"' in html
    for anchor in ("#approach", "#cost_amount", "#currency", "#duration_months"):
        assert f'href="{anchor}"' in html, anchor
    assert count(Interest) == 0
    huge = _submit(client, req.id, {**FORM, "duration_months": "121", "cost_amount": "-5"})
    assert huge.status_code == 422 and count(Interest) == 0


def test_closed_call_page_instead_of_a_form(app, people, pilots, city):
    req = pilots.request(city, "open", deadline_in_days=-1)
    client = signed_in(app, people.proposer)
    assert client.get(f"/pilot-requests/{req.id}/proposals/new").status_code == 409
    assert _submit(client, req.id).status_code == 409
    assert count(Interest) == 0


@pytest.mark.parametrize(
    ("role", "open_status", "closed_status"),
    [
        ("visitor", 302, 302),
        ("city", 404, 200),
        ("other_city", 404, 404),
        ("proposer", 200, 200),
        ("other_company", 404, 404),
        ("institution", 404, 404),
        ("official", 200, 200),
    ],
)
def test_who_sees_the_proposal_page(
    app, people, pilots, city, company, role, open_status, closed_status
):
    client = _client(app, people, role)
    sealed = pilots.interest(pilots.request(city, "open"), company)
    opened = pilots.interest(pilots.request(city, "closed"), company)
    assert client.get(f"/proposals/{sealed.id}").status_code == open_status
    response = client.get(f"/proposals/{opened.id}")
    assert response.status_code == closed_status
    if closed_status == 200:
        has_scores = "Weighted score" in response.get_data(
            as_text=True
        ) or "Scored on" in response.get_data(as_text=True)
        assert has_scores == (role in ("city", "official"))


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("visitor", 302),
        ("city", 404),
        ("other_city", 404),
        ("proposer", 200),
        ("other_company", 404),
        ("institution", 404),
        ("official", 403),
    ],
)
def test_who_edits(app, people, pilots, city, company, role, status):
    interest = pilots.interest(pilots.request(city, "open"), company)
    client = _client(app, people, role)
    url = f"/proposals/{interest.id}/edit"
    assert client.get(url).status_code == status
    if role != "visitor":
        token = csrf_token(client, "/proposals")
        response = client.post(url, data={**FORM, "team": "Changed.", "csrf_token": token})
        assert response.status_code == (302 if status == 200 else status)
    db.session.expire_all()
    assert (db.session.get(Interest, interest.id).team == "Changed.") == (status == 200)


def test_withdraw_and_resubmit_buttons(app, people, pilots, city, company):
    interest = pilots.interest(pilots.request(city, "open"), company)
    client = signed_in(app, people.proposer)
    page = client.get(f"/proposals/{interest.id}").get_data(as_text=True)
    assert "Withdraw the proposal" in page
    token = csrf_token(client, f"/proposals/{interest.id}")
    assert (
        client.post(f"/proposals/{interest.id}/withdraw", data={"csrf_token": token}).status_code
        == 302
    )
    page = client.get(f"/proposals/{interest.id}").get_data(as_text=True)
    assert "Withdrawn" in page and "Submit the proposal again" in page
    assert (
        client.post(f"/proposals/{interest.id}/resubmit", data={"csrf_token": token}).status_code
        == 302
    )
    db.session.expire_all()
    assert db.session.get(Interest, interest.id).status.value == "submitted"
    other = signed_in(app, people.other_company)
    token = csrf_token(other, "/proposals")
    assert (
        other.post(f"/proposals/{interest.id}/withdraw", data={"csrf_token": token}).status_code
        == 404
    )
    assert client.post(f"/proposals/{interest.id}/withdraw").status_code == 400  # no CSRF token


def test_my_organisations_proposals(app, people, pilots, city, company, other_company):
    first = pilots.interest(pilots.request(city, "open", title="Call one"), company)
    pilots.interest(pilots.request(city, "closed", title="Call two"), company, "shortlisted")
    pilots.interest(pilots.request(city, "open", title="Someone else's"), other_company)
    html = signed_in(app, people.proposer).get("/proposals").get_data(as_text=True)
    assert "Call one" in html and "Call two" in html and "Shortlisted" in html
    assert "Someone else" not in html
    assert f"/proposals/{first.id}" in html
    assert "Testville" in html
    empty = signed_in(app, people.institution).get("/proposals").get_data(as_text=True)
    assert "not made any proposals" in empty


def test_request_panel_for_each_role(app, people, pilots, city, company):
    req = pilots.request(city, "open")
    pilots.interest(req, company)
    with app.test_request_context():

        def context(role):
            found = [
                p
                for p in panels.collect("request", getattr(people, role), req)
                if p.template == "pilots/proposals/_request_panel.html"
            ]
            assert len(found) == 1
            html = render_template(found[0].template, panel=found[0].context)
            return found[0].context, html

        ctx, html = context("proposer")
        assert ctx["own"] is not None and "Your organisation" in html and "Acme" not in html
        ctx, html = context("other_company")
        assert ctx["can_propose"] and "Submit a proposal" in html
        assert "1 proposal received" in html and "Acme" not in html  # a count, never who
        ctx, html = context("city")
        assert not ctx["can_list"] and "sealed" in html
        ctx, html = context("official")
        assert ctx["can_list"] and "Read the proposals" in html
        assert not context("institution")[0]["own"]
        draft = pilots.request(city, "draft")
        shown = [p.template for p in panels.collect("request", people.city, draft)]
        assert "pilots/proposals/_request_panel.html" not in shown
