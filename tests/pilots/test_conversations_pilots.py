"""The conversations of proposals (clarifying questions) and partnerships: when they exist,
who takes part, the panels, and when they become read-only."""

from __future__ import annotations

import pytest
from flask import render_template
from sqlalchemy import func, select

from seoul_platform.conversations.models import Conversation, ConversationParticipant, Message
from seoul_platform.db import unit_of_work
from seoul_platform.pilots import conversations as wiring
from seoul_platform.pilots import panels
from seoul_platform.pilots.models import RequestStatus
from support import bearer, csrf_token, signed_in

ROLES = ("city", "other_city", "proposer", "other_company", "official")


@pytest.fixture
def users(make, city, company, other_city, other_company, official):
    return {
        "city": make.user(city, name="Cho City"),
        "other_city": make.user(other_city),
        "proposer": make.user(company, name="Pia Proposer"),
        "other_company": make.user(other_company),
        "official": official,
    }


@pytest.fixture
def html(app, users):
    clients = {role: signed_in(app, user) for role, user in users.items()}
    clients["visitor"] = app.test_client()
    return clients


def _panel(app, actor, page, subject):
    with app.test_request_context("/somewhere"):
        from flask_login import login_user

        login_user(actor)
        found = [p for p in panels.collect(page, actor, subject) if "conversations" in p.template]
        assert len(found) <= 1
        if not found:
            return None
        return render_template(found[0].template, panel=found[0].context)


def _start(client, path, body="When could you start?"):
    return client.post(path, data={"body": body, "csrf_token": csrf_token(client, "/account")})


def _conversations(db) -> int:
    return db.session.scalar(select(func.count(Conversation.id)))


def test_no_conversation_while_the_call_is_open(app, db, pilots, city, company, users, html):
    req = pilots.request(city, "open")
    interest = pilots.interest(req, company)
    for role in ROLES:
        assert _panel(app, users[role], "interest", interest) is None, role
        path = f"/interests/{interest.id}/conversation"
        assert html[role].get(path).status_code == 404, role
        assert _start(html[role], path).status_code == 404, role
    assert _conversations(db) == 0


def test_after_the_deadline_the_city_and_proposer_may_start_it(
    app, db, pilots, city, company, users, html
):
    req = pilots.request(city, "closed")
    interest = pilots.interest(req, company)
    path = f"/interests/{interest.id}/conversation"
    offered = {role: _panel(app, users[role], "interest", interest) is not None for role in ROLES}
    assert offered == {"city": True, "other_city": False, "proposer": True,
                       "other_company": False, "official": True}  # fmt: skip
    assert "Start the conversation" in _panel(app, users["city"], "interest", interest)
    seen = {role: html[role].get(path).status_code for role in ROLES}
    assert seen == {"city": 200, "other_city": 404, "proposer": 200, "other_company": 404,
                    "official": 200}  # fmt: skip
    assert html["visitor"].get(path).status_code == 302

    response = _start(html["city"], path, "Could you start in May?")
    assert response.status_code == 302
    conversation = db.session.scalar(select(Conversation))
    assert response.headers["Location"].endswith(f"/conversations/{conversation.id}")
    assert (conversation.subject_type, conversation.subject_id) == ("interest", interest.id)
    assert conversation.title == f"Acme Twins · {req.title}"
    participants = db.session.scalars(select(ConversationParticipant.organization_id)).all()
    assert sorted(participants) == sorted([city.id, company.id])

    panel_html = _panel(app, users["proposer"], "interest", interest)
    assert "Open the conversation (1 unread message)" in panel_html
    assert f'href="/conversations/{conversation.id}"' in panel_html and "<time" in panel_html
    # Once it exists, the start address leads to it.
    assert (
        html["proposer"].get(path).headers["Location"].endswith(f"/conversations/{conversation.id}")
    )
    for role, status in {"other_city": 404, "other_company": 404, "official": 200}.items():
        assert html[role].get(f"/conversations/{conversation.id}").status_code == status


def test_starting_with_an_empty_message_creates_nothing(app, db, pilots, city, company, html):
    req = pilots.request(city, "closed")
    interest = pilots.interest(req, company)
    response = _start(html["proposer"], f"/interests/{interest.id}/conversation", "   ")
    assert response.status_code == 422
    assert 'class="error-summary"' in response.get_data(as_text=True)
    assert _conversations(db) == 0


def test_the_proposal_thread_is_read_only_once_the_partnership_runs(
    app, db, pilots, city, company, users, html
):
    req = pilots.request(city, "closed")
    interest = pilots.interest(req, company)
    _start(html["city"], f"/interests/{interest.id}/conversation")
    conversation = db.session.scalar(select(Conversation))
    req.status = RequestStatus.IN_PROGRESS
    db.session.commit()
    path = f"/conversations/{conversation.id}"
    page = html["proposer"].get(path)
    assert page.status_code == 200 and "it can be read but not answered" in page.get_data(True)
    assert _start(html["proposer"], path, "late answer").status_code == 409
    assert db.session.scalar(select(func.count(Message.id))) == 1


def test_a_withdrawn_proposal_cannot_start_a_thread(app, db, pilots, city, company, users):
    req = pilots.request(city, "closed")
    interest = pilots.interest(req, company, "withdrawn")
    with app.test_request_context():
        assert not wiring.can_start_interest_conversation(users["city"], interest)


def test_the_partnership_conversation_takes_in_all_parties(
    app, db, make, pilots, city, company, institution, users, html
):
    req = pilots.request(city, "open")
    partnership = pilots.partnership(req, company, third_party=institution)
    third = signed_in(app, make.user(institution, name="Tess Third"))
    path = f"/partnerships/{partnership.id}/conversation"
    offered = {role: _panel(app, users[role], "partnership", partnership) is not None
               for role in ROLES}  # fmt: skip
    assert offered == {"city": True, "other_city": False, "proposer": True,
                       "other_company": False, "official": True}  # fmt: skip
    assert _start(html["other_company"], path).status_code == 404
    assert _start(third, path, "Hello from the institute").status_code == 302
    conversation = db.session.scalar(select(Conversation))
    participants = db.session.scalars(select(ConversationParticipant.organization_id)).all()
    assert sorted(participants) == sorted([city.id, company.id, institution.id])
    assert html["city"].get(f"/conversations/{conversation.id}").status_code == 200
    assert html["other_city"].get(f"/conversations/{conversation.id}").status_code == 404
    # A completed partnership's thread stays readable and closes for answers.
    req.status = RequestStatus.COMPLETED
    db.session.commit()
    assert "Open the conversation" in _panel(app, users["city"], "partnership", partnership)
    thread_path = f"/conversations/{conversation.id}"
    assert _start(html["city"], thread_path, "after the end").status_code == 409


def test_api_get_or_create_is_idempotent_and_guarded(app, db, pilots, city, company, users):
    req = pilots.request(city, "closed")
    interest = pilots.interest(req, company)
    client = app.test_client()
    headers = {role: bearer(client, user) for role, user in users.items()}
    url = f"/api/v1/interests/{interest.id}/conversation"
    first = client.post(url, headers=headers["city"])
    assert first.status_code == 200, first.get_json()
    again = client.post(url, headers=headers["proposer"])
    assert again.get_json()["id"] == first.get_json()["id"]
    for role in ("other_city", "other_company"):
        assert client.post(url, headers=headers[role]).status_code == 404
    assert _conversations(db) == 1

    sealed = pilots.interest(pilots.request(city, "open"), company)
    assert (
        client.post(
            f"/api/v1/interests/{sealed.id}/conversation", headers=headers["proposer"]
        ).status_code
        == 404
    )

    finished = pilots.request(city, "closed")
    done = pilots.interest(finished, company)
    finished.status = RequestStatus.CANCELLED
    db.session.commit()
    assert (
        client.post(
            f"/api/v1/interests/{done.id}/conversation", headers=headers["city"]
        ).status_code
        == 409
    )

    partnership = pilots.partnership(pilots.request(city, "open"), company)
    p_url = f"/api/v1/partnerships/{partnership.id}/conversation"
    assert client.post(p_url, headers=headers["proposer"]).status_code == 200
    assert client.post(p_url, headers=headers["other_company"]).status_code == 404


def test_panel_queries_stay_fixed(app, db, pilots, city, company, users):
    from sqlalchemy import event

    req = pilots.request(city, "closed")
    interest = pilots.interest(req, company)

    def count() -> int:
        statements = []
        listener = lambda *a, **k: statements.append(1)  # noqa: E731
        db.session.expire_all()
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            _panel(app, users["city"], "interest", interest)
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        return len(statements)

    with app.test_request_context(), unit_of_work():
        conversation = wiring.interest_conversation(interest)
        from seoul_platform.conversations import services

        services.post_message(users["proposer"], conversation, "one")
    few = count()
    with app.test_request_context(), unit_of_work():
        conversation = db.session.get(Conversation, conversation.id)
        for n in range(10):
            services.post_message(users["proposer"], conversation, f"more {n}")
    assert count() == few
