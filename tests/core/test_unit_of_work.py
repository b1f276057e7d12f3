"""The unit of work: one commit, effects after it, nothing on rollback; commits nowhere else."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from sqlalchemy import func, select

from seoul_platform.accounts import services as account_services
from seoul_platform.accounts.models import User, UserSession
from seoul_platform.audit.models import AuditEvent
from seoul_platform.db import after_commit, unit_of_work
from seoul_platform.errors import Conflict
from support import PASSWORD, login


def _count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_effects_run_once_after_the_commit_in_order(db, make):
    seen: list[str] = []
    with unit_of_work():
        make_user = User(email="a@example.org", name="A", password_hash=None)
        db.session.add(make_user)
        after_commit(lambda: seen.append(f"first:{_count(db, User)}"))
        after_commit(lambda: seen.append("second"))
        assert seen == []  # nothing runs before the commit
    # The first effect saw the committed row; both ran exactly once, in order.
    assert seen == ["first:1", "second"]
    with unit_of_work():
        pass
    assert seen == ["first:1", "second"]


def test_a_rollback_drops_the_work_and_its_effects(db):
    seen: list[str] = []
    with pytest.raises(Conflict), unit_of_work():
        db.session.add(User(email="b@example.org", name="B", password_hash=None))
        after_commit(lambda: seen.append("pushed"))
        raise Conflict("no")
    assert _count(db, User) == 0
    assert seen == []
    with unit_of_work():  # the dropped effect does not leak into the next transaction
        pass
    assert seen == []


def test_a_failing_effect_is_logged_and_the_others_still_run(db, caplog):
    seen: list[str] = []

    def broken():
        raise RuntimeError("push failed")

    with unit_of_work():
        after_commit(broken)
        after_commit(lambda: seen.append("ran"))
    assert seen == ["ran"]
    assert "after-commit effect" in caplog.text


def test_socket_disconnect_on_revocation_waits_for_the_commit(db, make, monkeypatch):
    user = make.user()
    calls: list[int] = []
    monkeypatch.setattr("seoul_platform.realtime.events.disconnect_user", calls.append)
    with pytest.raises(Conflict), unit_of_work():
        account_services.revoke_sessions(user, api_tokens=True)
        assert calls == []
        raise Conflict("changed my mind")
    assert calls == []  # rolled back: the user stays connected
    with unit_of_work():
        account_services.revoke_sessions(user, api_tokens=True)
    assert calls == [user.id]


def test_failed_sign_in_is_audited_although_its_transaction_rolls_back(client, make, db):
    user = make.user()
    response = login(client, user, password=PASSWORD + "x")
    assert response.status_code == 422
    failures = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "login.failure")
    ).all()
    assert [e.actor_id for e in failures] == [user.id]
    assert _count(db, UserSession) == 0


def test_failed_token_request_is_audited_and_answers_401(client, make, db):
    user = make.user()
    response = client.post("/api/v1/tokens", json={"email": user.email, "password": "wrong"})
    assert response.status_code == 401
    actions = db.session.scalars(select(AuditEvent.action)).all()
    assert actions == ["login.failure"]


def test_nothing_but_the_unit_of_work_commits():
    """Views, API handlers, CLI commands, jobs and services never call commit() themselves."""
    platform = Path(__file__).resolve().parents[2] / "platform"
    offenders = []
    for path in platform.rglob("*.py"):
        if path == platform / "db.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "commit"
            ):
                offenders.append(f"{path.relative_to(platform)}:{node.lineno}")
    assert offenders == []
