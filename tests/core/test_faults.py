"""Faults on PostgreSQL: a connection killed mid-request gives a generic 503 and leaves no
partial rows; the next request works (pool_pre_ping); health recovers without restart."""

from __future__ import annotations

import os

import pytest
from sqlalchemy import func, select, text

from seoul_platform.accounts.models import User
from seoul_platform.members.models import Organization
from seoul_platform.onboarding import services as onboarding
from support import require_or_skip


@pytest.fixture
def postgres(app):
    url = os.environ.get("TEST_DATABASE_URL", "")
    if not url.startswith("postgresql"):
        require_or_skip("postgres", "TEST_DATABASE_URL does not point at PostgreSQL")
    return url


def _kill_other_backends(db) -> None:
    with db.engine.connect() as conn:
        conn.execute(
            text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        )
        conn.commit()


def test_connection_killed_mid_request_is_503_and_leaves_nothing(postgres, app, db, monkeypatch):
    real_create_user = onboarding.create_user

    def create_user_after_losing_the_connection(**kwargs):
        # The organisation row is already flushed; now the server goes away.
        conn = db.session.connection()
        pid = conn.exec_driver_sql("SELECT pg_backend_pid()").scalar()
        with db.engine.connect() as killer:
            killer.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
            killer.commit()
        return real_create_user(**kwargs)

    monkeypatch.setattr(onboarding, "create_user", create_user_after_losing_the_connection)
    client = app.test_client()
    response = client.post(
        "/api/v1/join-requests",
        json={
            "organization": {
                "kind": "company",
                "name": "Fragile Co",
                "country": "KR",
                "region": "asia",
            },
            "name": "Fay",
            "email": "fay@example.org",
            "password": "a long enough passphrase",
            "motivation": "Testing faults.",
        },
    )
    assert response.status_code == 503
    assert response.headers["Content-Type"] == "application/problem+json"
    assert "Traceback" not in response.get_data(True)
    monkeypatch.undo()
    db.session.rollback()
    assert db.session.scalar(select(func.count(Organization.id))) == 0
    assert db.session.scalar(select(func.count(User.id))) == 0
    assert client.get("/healthz").status_code == 200


def test_pooled_connections_killed_then_next_request_works(postgres, app, db):
    client = app.test_client()
    assert client.get("/healthz").status_code == 200
    db.session.remove()
    _kill_other_backends(db)
    assert client.get("/healthz").status_code == 200
