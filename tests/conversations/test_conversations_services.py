"""Conversations: one per subject even under concurrency, messages with notifications and a
live event after commit, read state that never moves back, unread counts in one query."""

from __future__ import annotations

import threading
from unittest import mock

import pytest
from sqlalchemy import event, func, select

from seoul_platform.accounts.models import UserStatus
from seoul_platform.conversations import permissions, services
from seoul_platform.conversations.models import (
    Conversation,
    ConversationParticipant,
    Message,
    ReadState,
)
from seoul_platform.db import unit_of_work
from seoul_platform.errors import Conflict, NotFound, ValidationError
from seoul_platform.notifications.models import Notification
from seoul_platform.pagination import PageQuery


@pytest.fixture
def thread(app, db, city, company):
    with app.test_request_context(), unit_of_work():
        conversation = services.get_or_create_conversation(
            "test_thread", 1, title="Testville · Acme", organization_ids=[city.id, company.id]
        )
        conversation_id = conversation.id
    return db.session.get(Conversation, conversation_id)


@pytest.fixture
def other_company(make):
    return make.org("company", name="Beta Sensors", country="SG", region="asia")


@pytest.fixture
def people(make, city, company, other_company, official):
    return {
        "city": make.user(city, name="Cho City"),
        "city_colleague": make.user(city, name="Chae Colleague"),
        "proposer": make.user(company, name="Pia Proposer"),
        "outsider": make.user(other_company, name="Bo Beta"),
        "official": official,
    }


def _post(app, actor, conversation, body="Hello"):
    with app.test_request_context(), unit_of_work():
        return services.post_message(actor, conversation, body).id


def test_get_or_create_is_idempotent(app, db, thread, city, company):
    with app.test_request_context(), unit_of_work():
        again = services.get_or_create_conversation(
            "test_thread", 1, title="other title", organization_ids=[company.id]
        )
        assert again.id == thread.id and again.title == "Testville · Acme"
    assert db.session.scalar(select(func.count(Conversation.id))) == 1
    assert db.session.scalar(select(func.count(ConversationParticipant.id))) == 2


def test_ten_concurrent_creations_make_one_conversation(app, db, city, company):
    org_ids = [city.id, company.id]  # read here: the test's session is not for threads
    start = threading.Barrier(10)
    ids, errors = [], []

    def worker():
        try:
            with app.app_context():
                start.wait()
                with unit_of_work(write=True):
                    ids.append(
                        services.get_or_create_conversation(
                            "race", 7, title="Race", organization_ids=org_ids
                        ).id
                    )
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    assert len(ids) == 10 and len(set(ids)) == 1
    db.session.rollback()  # end the test's own snapshot
    assert db.session.scalar(select(func.count(Conversation.id))) == 1


def test_a_lost_race_reads_the_winner(app, db, city, company):
    """The path PostgreSQL takes when two inserts race: the savepoint's IntegrityError."""
    with app.test_request_context(), unit_of_work():
        winner = services.get_or_create_conversation("race", 8, title="W", organization_ids=[])
        winner_id = winner.id
    real = services.find_conversation
    calls = iter([None])  # the first look sees nothing, as if the winner had not committed
    with (
        mock.patch.object(
            services, "find_conversation", side_effect=lambda *a: next(calls, None) or real(*a)
        ),
        app.test_request_context(),
        unit_of_work(),
    ):
        got = services.get_or_create_conversation("race", 8, title="L", organization_ids=[])
        assert got.id == winner_id
    assert db.session.scalar(select(func.count(Conversation.id))) == 1


def test_who_may_read_and_post(app, db, thread, people, make):
    disabled = make.user(thread.participants[0].organization, status=UserStatus.DISABLED)
    with app.test_request_context():
        conversation = db.session.get(Conversation, thread.id)
        verdict = {
            role: permissions.can_view_conversation(user, conversation)
            for role, user in people.items()
        }
        assert verdict == {"city": True, "city_colleague": True, "proposer": True,
                           "outsider": False, "official": True}  # fmt: skip
        assert not permissions.can_view_conversation(disabled, conversation)
        assert not permissions.can_view_conversation(None, conversation)
        with pytest.raises(NotFound):
            services.post_message(people["outsider"], conversation, "let me in")
        with pytest.raises(NotFound):
            services.get_conversation(people["outsider"], conversation.id)


def test_a_person_joining_the_organisation_later_takes_part(app, db, thread, make, city):
    newcomer = make.user(city, name="New Person")
    with app.test_request_context():
        assert services.get_conversation(newcomer, thread.id).id == thread.id


def test_a_person_can_take_part_alone(app, db, make, other_company):
    solo = make.user(other_company)
    with app.test_request_context(), unit_of_work():
        direct = services.get_or_create_conversation("direct", 1, title="D", user_ids=[solo.id])
        assert permissions.can_view_conversation(solo, direct)
        colleague = make.user(other_company)
        assert not permissions.can_view_conversation(colleague, direct)


def test_posting_notifies_the_others_once_until_read(app, db, thread, people):
    _post(app, people["city"], thread, "First question")
    _post(app, people["city"], thread, "Second question")
    rows = db.session.scalars(select(Notification).order_by(Notification.user_id)).all()
    # Colleague and proposer, one reminder each (not one per message); never the author.
    assert sorted(n.user_id for n in rows) == sorted(
        [people["city_colleague"].id, people["proposer"].id]
    )
    assert {n.link for n in rows} == {f"/conversations/{thread.id}"}
    assert rows[0].params == {"name": "Cho City", "title": "Testville · Acme"}


def test_the_live_event_follows_the_commit(app, db, thread, people):
    with mock.patch("seoul_platform.extensions.socketio.emit") as emit:
        with pytest.raises(RuntimeError), app.test_request_context(), unit_of_work():
            services.post_message(people["city"], thread, "rolled back")
            raise RuntimeError
        assert not emit.called
        _post(app, people["city"], thread, "kept")
    messages = [c for c in emit.call_args_list if c.args[0] == "message"]
    assert len(messages) == 1  # (the others are the recipients' notification pushes)
    (_event, payload), kwargs = messages[0]
    assert kwargs["to"] == f"conversation:{thread.id}"
    assert payload["body"] == "kept"
    assert db.session.scalar(select(func.count(Message.id))) == 1


def test_a_failing_emit_does_not_undo_the_message(app, db, thread, people):
    with mock.patch("seoul_platform.extensions.socketio.emit", side_effect=OSError("redis down")):
        _post(app, people["city"], thread, "still saved")
    assert db.session.scalar(select(Message.body)) == "still saved"


@pytest.mark.parametrize(
    ("body", "ok"),
    [
        ("", False),
        ("   \n\t  ", False),
        ("\u202e\u202d", False),  # only bidi controls: nothing left
        ("x" * 5_000, True),
        ("x" * 5_001, False),
        ("x" * 100_000, False),
        (None, False),
        (12, False),
        ("  line one\r\nline two  ", True),
    ],
)
def test_message_bodies_are_checked(app, db, thread, people, body, ok):
    with app.test_request_context():
        if ok:
            with unit_of_work():
                services.post_message(people["city"], thread, body)
        else:
            with pytest.raises(ValidationError), unit_of_work():
                services.post_message(people["city"], thread, body)
    stored = db.session.scalars(select(Message.body)).all()
    assert len(stored) == (1 if ok else 0)
    if body == "  line one\r\nline two  ":
        assert stored == ["line one\nline two"]


def test_read_state_never_moves_back(app, db, thread, people):
    first = _post(app, people["city"], thread, "one")
    second = _post(app, people["city"], thread, "two")
    reader = people["proposer"]
    with app.test_request_context(), unit_of_work():
        assert services.unread_counts(reader, [thread.id]) == {thread.id: 2}
        assert services.mark_read(reader, thread, up_to=first) == first
        assert services.unread_counts(reader, [thread.id]) == {thread.id: 1}
        assert services.mark_read(reader, thread) == second
        assert services.mark_read(reader, thread, up_to=first) == second  # a stale page
    assert db.session.scalar(select(ReadState.last_read_message_id)) == second
    with app.test_request_context():
        assert services.unread_counts(reader, [thread.id]) == {thread.id: 0}
        # The author has read what they wrote.
        assert services.unread_counts(people["city"], [thread.id]) == {thread.id: 0}


def test_unread_counts_take_one_query(app, db, city, company, people):
    with app.test_request_context(), unit_of_work():
        threads = [
            services.get_or_create_conversation(
                "many", n, title=f"T{n}", organization_ids=[city.id, company.id]
            )
            for n in range(5)
        ]
        for n, conversation in enumerate(threads):
            for _ in range(n):
                services.post_message(people["city"], conversation, "hi")
        ids = [c.id for c in threads]
    statements = []
    reader = people["proposer"]

    def listener(conn, cursor, statement, *args):
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append(statement)

    with app.test_request_context():
        reader = db.session.get(type(reader), reader.id)  # loaded before counting
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            counts = services.unread_counts(reader, [*ids, 10**6])
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
    assert len(statements) == 1
    assert [counts[i] for i in ids] == [0, 1, 2, 3, 4] and counts[10**6] == 0


def test_messages_read_oldest_first_with_authors(app, db, thread, people):
    for n in range(3):
        _post(app, people["proposer"], thread, f"m{n}")
    with app.test_request_context():
        page = services.list_messages(people["city"], thread, PageQuery(page=1, per_page=2))
        assert [m.body for m in page.items] == ["m0", "m1"] and page.total == 3
        assert page.items[0].author.organization.name == "Acme Twins"


def test_a_deleted_author_leaves_the_thread_readable(app, db, thread, people):
    _post(app, people["proposer"], thread, "before I left")
    db.session.delete(db.session.get(type(people["proposer"]), people["proposer"].id))
    db.session.commit()
    message = db.session.scalar(select(Message))
    assert message.author_id is None and message.body == "before I left"


def test_a_closed_subject_is_read_only(app, db, people, city, company):
    permissions.register_subject("closing", is_open=lambda subject_id: subject_id != 2)
    with app.test_request_context(), unit_of_work():
        closed = services.get_or_create_conversation(
            "closing", 2, title="Closed", organization_ids=[city.id, company.id]
        )
    with app.test_request_context():
        assert permissions.can_view_conversation(people["city"], closed)
        assert not permissions.can_post_message(people["city"], closed)
        with pytest.raises(Conflict):
            services.post_message(people["city"], closed, "too late")
