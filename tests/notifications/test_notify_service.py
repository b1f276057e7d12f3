"""notify(): rows in the caller's transaction, a push only after commit, programming errors
caught at the call."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from seoul_platform.db import unit_of_work
from seoul_platform.notifications import services
from seoul_platform.notifications.kinds import KINDS, UnknownNotificationKind
from seoul_platform.notifications.models import Notification


def _committed_count(db) -> int:
    """Rows visible to another connection, i.e. committed ones."""
    with db.engine.connect() as conn:
        return conn.execute(select(func.count(Notification.id))).scalar_one()


@pytest.fixture
def pushes(monkeypatch):
    sent: list[tuple[int, str, dict]] = []
    monkeypatch.setattr(
        "seoul_platform.realtime.events.emit_to_user",
        lambda user_id, event, payload: sent.append((user_id, event, payload)),
    )
    return sent


def test_rows_are_written_in_the_callers_transaction_and_pushed_after_commit(
    db, city_member, city_admin, pushes
):
    with unit_of_work():
        rows = services.notify(
            [city_member, city_admin, city_member], "join_request.approved", {"organization": "X"}
        )
        assert len(rows) == 2  # each person once
        assert all(r.id for r in rows)  # flushed: ids exist inside the transaction
        assert _committed_count(db) == 0  # ... but nothing is committed yet
        assert pushes == []  # and nothing is pushed before the commit
    assert _committed_count(db) == 2
    assert sorted(uid for uid, _, _ in pushes) == sorted([city_member.id, city_admin.id])
    assert {event for _, event, _ in pushes} == {"notification"}
    body = pushes[0][2]
    assert body["kind"] == "join_request.approved"
    assert "X" in body["message"]


def test_rollback_leaves_no_rows_and_no_push(db, city_member, pushes):
    with pytest.raises(RuntimeError), unit_of_work():
        services.notify([city_member], "account.enabled")
        raise RuntimeError("the change failed after notify")
    assert _committed_count(db) == 0
    assert pushes == []
    # The next unit of work does not inherit the dropped push.
    with unit_of_work():
        pass
    assert pushes == []


def test_a_failing_push_does_not_undo_the_notification(db, city_member, monkeypatch):
    def broken(*args, **kwargs):
        raise ConnectionError("redis is down")

    monkeypatch.setattr("seoul_platform.realtime.events.emit_to_user", broken)
    with unit_of_work():
        services.notify([city_member], "account.enabled")
    assert _committed_count(db) == 1


def test_the_push_reaches_the_recipients_socket_in_their_language(
    app, db, city_member, city_admin, socket_client_for
):
    from support import signed_in

    city_member.locale = "ko"
    db.session.commit()
    mine = socket_client_for(signed_in(app, city_member))
    theirs = socket_client_for(signed_in(app, city_admin))
    assert mine.is_connected() and theirs.is_connected()
    with unit_of_work():
        services.notify([city_member], "account.enabled", link="/account")
    received = mine.get_received()
    assert [m["name"] for m in received] == ["notification"]
    body = received[0]["args"][0]
    assert body["message"] == "서울시 담당자가 회원님의 계정을 다시 활성화했습니다."
    assert body["link"] == "/account"
    assert theirs.get_received() == []


def test_unknown_kind_is_a_programming_error(db, city_member):
    with pytest.raises(UnknownNotificationKind):
        services.notify([city_member], "no.such.kind")


@pytest.mark.parametrize(
    "params",
    [{}, {"organization": "X", "extra": "y"}, {"name": "wrong key"}],
)
def test_parameters_must_fill_the_message(db, city_member, params):
    with pytest.raises(KeyError):
        services.notify([city_member], "join_request.approved", params)


@pytest.mark.parametrize(
    "link", ["https://evil.example/", "//evil.example", "/\\evil", "account", "/a b"]
)
def test_link_must_be_a_path_on_this_site(db, city_member, link):
    with pytest.raises(ValueError):
        services.notify([city_member], "account.enabled", link=link)


def test_every_kind_renders_with_its_parameters(app, db, city_member):
    """Each declared message has a Korean translation with the same placeholders."""
    from flask_babel import force_locale

    for kind, message in KINDS.items():
        names = services._PLACEHOLDER.findall(message)
        row = Notification(kind=kind, message=message, params=dict.fromkeys(names, "«v»"))
        with app.test_request_context(), force_locale("ko"):
            text = services.render_message(row)
        assert text != message, f"{kind} is not translated"
        assert text.count("«v»") == len(names), kind


def test_mark_read_leaves_another_persons_row_untouched_even_if_the_caller_commits(
    db, city_member, city_admin
):
    from seoul_platform.errors import NotFound

    with unit_of_work():
        [theirs] = services.notify([city_admin], "account.enabled")
    with pytest.raises(NotFound):
        services.mark_read(city_member, theirs.id)
    db.session.commit()  # a careless caller: still nothing of theirs may change
    assert services.mark_all_read(city_member) == 0
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Notification, theirs.id).read_at is None
