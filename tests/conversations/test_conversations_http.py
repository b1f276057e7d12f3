"""Conversations over HTTP: the thread page (no script needed) and the API, for each role."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from seoul_platform.conversations import services
from seoul_platform.conversations.models import Conversation, Message, ReadState
from seoul_platform.db import unit_of_work
from support import bearer, csrf_token, signed_in

ROLES = ("visitor", "city", "proposer", "outsider", "official")


@pytest.fixture
def users(make, city, company, official):
    other = make.org("company", name="Beta Sensors", country="SG", region="asia")
    return {
        "city": make.user(city, name="Cho City"),
        "proposer": make.user(company, name="Pia Proposer"),
        "outsider": make.user(other, name="Bo Beta"),
        "official": official,
    }


@pytest.fixture
def conversation_id(app, db, city, company, users):
    with app.test_request_context(), unit_of_work():
        conversation = services.get_or_create_conversation(
            "test_thread", 1, title="Testville · Acme", organization_ids=[city.id, company.id]
        )
        services.post_message(users["city"], conversation, "Can you start in May?\nThanks.")
        return conversation.id


@pytest.fixture
def html(app, users):
    clients = {role: signed_in(app, user) for role, user in users.items()}
    clients["visitor"] = app.test_client()
    return clients


@pytest.fixture
def api(app, users):
    client = app.test_client()
    headers = {role: bearer(client, user) for role, user in users.items()}
    headers["visitor"] = {}
    return headers


def _messages(db) -> int:
    return db.session.scalar(select(func.count(Message.id)))


def test_thread_page_by_role(app, db, conversation_id, html):
    path = f"/conversations/{conversation_id}"
    seen = {role: html[role].get(path).status_code for role in ROLES}
    assert seen == {"visitor": 302, "city": 200, "proposer": 200, "outsider": 404, "official": 200}
    page = html["proposer"].get(path).get_data(as_text=True)
    assert "Can you start in May?<br>Thanks." in page
    assert "Cho City</strong>, Testville" in page and "<time datetime=" in page
    assert '<label for="body">' in page


def test_posting_in_html_redirects_to_the_new_message(app, db, conversation_id, html, users):
    client = html["proposer"]
    path = f"/conversations/{conversation_id}"
    token = csrf_token(client, path)
    response = client.post(path, data={"body": "Yes, from 2 May.", "csrf_token": token})
    assert response.status_code == 302
    message = db.session.scalars(select(Message).order_by(Message.id.desc())).first()
    assert response.headers["Location"].endswith(f"{path}#message-{message.id}")
    assert message.author_id == users["proposer"].id


@pytest.mark.parametrize("body", ["", "   ", "x" * 100_000])
def test_a_bad_message_re_renders_with_errors(app, db, conversation_id, html, body):
    client = html["city"]
    path = f"/conversations/{conversation_id}"
    token = csrf_token(client, path)
    before = _messages(db)
    response = client.post(path, data={"body": body, "csrf_token": token})
    assert response.status_code in (413, 422)
    if response.status_code == 422:
        text = response.get_data(as_text=True)
        assert 'class="error-summary"' in text and 'href="#body"' in text
    assert _messages(db) == before


def test_an_outsider_cannot_post(app, db, conversation_id, html):
    client = html["outsider"]
    token = csrf_token(client, "/account")
    path = f"/conversations/{conversation_id}"
    assert client.post(path, data={"body": "hi", "csrf_token": token}).status_code == 404
    assert _messages(db) == 1


def test_viewing_marks_read(app, db, conversation_id, html, users):
    html["proposer"].get(f"/conversations/{conversation_id}")
    state = db.session.scalar(select(ReadState).where(ReadState.user_id == users["proposer"].id))
    assert state is not None and state.last_read_message_id == db.session.scalar(
        select(func.max(Message.id))
    )


def test_the_page_opens_on_the_newest_messages(app, db, conversation_id, html, users):
    with app.test_request_context(), unit_of_work():
        conversation = db.session.get(Conversation, conversation_id)
        for n in range(25):
            services.post_message(users["proposer"], conversation, f"answer {n}")
    page = html["city"].get(f"/conversations/{conversation_id}").get_data(as_text=True)
    assert "answer 24" in page and "Can you start in May?" not in page
    assert 'rel="prev"' in page
    first = html["city"].get(f"/conversations/{conversation_id}?page=1").get_data(as_text=True)
    assert "Can you start in May?" in first


# ---- API ---------------------------------------------------------------------------------


def test_api_get_by_role(app, db, conversation_id, api):
    client = app.test_client()
    url = f"/api/v1/conversations/{conversation_id}"
    seen = {role: client.get(url, headers=api[role]).status_code for role in ROLES}
    assert seen == {"visitor": 401, "city": 200, "proposer": 200, "outsider": 404, "official": 200}
    body = client.get(url, headers=api["proposer"]).get_json()
    assert body["unread"] == 1 and body["can_post"] is True
    assert {p["organization"]["name"] for p in body["participants"]} == {"Testville", "Acme Twins"}


def test_api_messages_post_read_and_list(app, db, conversation_id, api, users):
    client = app.test_client()
    url = f"/api/v1/conversations/{conversation_id}/messages"
    posted = client.post(
        url,
        json={"body": "  On it.  ", "author_id": users["city"].id, "conversation_id": 999},
        headers=api["proposer"],
    )
    assert posted.status_code == 201
    body = posted.get_json()
    # Mass assignment ignored: the author is the caller, the conversation the path's.
    assert body["author"]["name"] == "Pia Proposer" and body["conversation_id"] == conversation_id
    assert body["body"] == "On it."
    listed = client.get(url, headers=api["city"]).get_json()
    assert [m["body"] for m in listed["items"]] == ["Can you start in May?\nThanks.", "On it."]
    assert (
        client.get(f"/api/v1/conversations/{conversation_id}", headers=api["city"]).get_json()[
            "unread"
        ]
        == 1
    )
    read = client.post(f"/api/v1/conversations/{conversation_id}/read", headers=api["city"])
    assert read.status_code == 200 and read.get_json()["unread"] == 0
    for role in ("outsider",):
        assert client.get(url, headers=api[role]).status_code == 404
        assert client.post(url, json={"body": "x"}, headers=api[role]).status_code == 404
        read = client.post(f"/api/v1/conversations/{conversation_id}/read", headers=api[role])
        assert read.status_code == 404


@pytest.mark.parametrize(
    "payload",
    [
        {},
        {"body": ""},
        {"body": "   "},
        {"body": "x" * 5_001},
        {"body": 12},
        {"body": ["a"]},
        {"body": {"nested": {"deeper": "x"}}},
        {"body": None},
    ],
)
def test_api_refuses_bad_messages(app, db, conversation_id, api, payload):
    client = app.test_client()
    url = f"/api/v1/conversations/{conversation_id}/messages"
    response = client.post(url, json=payload, headers=api["city"])
    assert response.status_code == 422, response.get_json()
    assert response.mimetype == "application/problem+json"
    assert _messages(db) == 1


@pytest.mark.parametrize("raw", ['{"body": "a\\u0000b"}', '{"body": "\\ud800"}'])
def test_api_refuses_nul_and_lone_surrogates(app, db, conversation_id, api, raw):
    response = app.test_client().post(
        f"/api/v1/conversations/{conversation_id}/messages",
        data=raw,
        content_type="application/json",
        headers=api["city"],
    )
    assert response.status_code == 400 and _messages(db) == 1


def test_api_lists_my_conversations(app, db, conversation_id, api, city, company):
    client = app.test_client()
    with app.test_request_context(), unit_of_work():
        services.get_or_create_conversation("other", 1, title="Not mine", organization_ids=[])
    mine = client.get("/api/v1/conversations", headers=api["city"]).get_json()
    assert [c["title"] for c in mine["items"]] == ["Testville · Acme"]
    assert client.get("/api/v1/conversations", headers=api["outsider"]).get_json()["total"] == 0
    assert client.get("/api/v1/conversations", headers=api["official"]).get_json()["total"] == 2


def test_an_erased_author_shows_as_deleted_account(app, db, conversation_id, html, api, users):
    from seoul_platform.accounts.models import User, UserStatus

    author = db.session.get(User, users["city"].id)
    # What erasing an account leaves (accounts/privacy.py): the row, anonymised.
    author.status, author.name, author.organization_id = UserStatus.DELETED, "Deleted member", None
    db.session.commit()
    page = html["proposer"].get(f"/conversations/{conversation_id}").get_data(as_text=True)
    assert "Deleted account" in page and "Can you start in May?" in page
    listed = app.test_client().get(
        f"/api/v1/conversations/{conversation_id}/messages", headers=api["proposer"]
    )
    assert listed.get_json()["items"][0]["author"] is None


def test_the_thread_links_back_to_its_subject(app, db, conversation_id, html):
    from seoul_platform.conversations import permissions

    page = html["city"].get(f"/conversations/{conversation_id}").get_data(as_text=True)
    assert "Back to what this conversation is about" not in page
    permissions.register_subject("test_thread", is_open=lambda _id: True, link=lambda _id: "/x/1")
    page = html["city"].get(f"/conversations/{conversation_id}").get_data(as_text=True)
    assert '<a href="/x/1">Back to what this conversation is about</a>' in page
