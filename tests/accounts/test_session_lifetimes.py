"""Browser sessions expire server-side: idle and absolute lifetimes apply to captured session
and remember cookies alike; last_seen_at is written at most once a minute; sign-out deletes
the remember cookie."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, text, update

from seoul_platform.accounts.models import UserSession
from seoul_platform.db import as_utc, utcnow
from support import PASSWORD, csrf_token


def sign_in(app, user, *, remember: bool):
    client = app.test_client()
    data = {"email": user.email, "password": PASSWORD, "csrf_token": csrf_token(client)}
    if remember:
        data["remember"] = "y"
    response = client.post("/login", data=data)
    assert response.status_code == 302
    return client


def only_cookie(app, name: str, value: str):
    """A new browser holding just one captured cookie."""
    thief = app.test_client()
    thief.set_cookie(name, value)
    return thief


def signed_in(client) -> bool:
    return client.get("/account").status_code == 200


def age_session(db, *, idle: timedelta = timedelta(0), age: timedelta = timedelta(0)) -> None:
    """Move the clock: the session was created ``age`` ago and last seen ``idle`` ago."""
    row = db.session.scalars(select(UserSession)).one()
    db.session.execute(
        update(UserSession)
        .where(UserSession.id == row.id)
        .values(
            created_at=as_utc(row.created_at) - age,
            last_seen_at=as_utc(row.last_seen_at) - idle,
        )
    )
    db.session.commit()


def test_captured_session_cookie_dies_when_idle(app, db, city_member):
    client = sign_in(app, city_member, remember=False)
    cookie = client.get_cookie("session").value
    assert signed_in(only_cookie(app, "session", cookie))
    age_session(db, idle=timedelta(hours=11))
    assert signed_in(only_cookie(app, "session", cookie))
    age_session(db, idle=timedelta(hours=12, seconds=1))  # beyond the 12 hours
    assert not signed_in(only_cookie(app, "session", cookie))
    assert not signed_in(client)


def test_captured_remember_cookie_dies_when_idle(app, db, city_member):
    client = sign_in(app, city_member, remember=True)
    remember = client.get_cookie("remember_token").value
    assert signed_in(only_cookie(app, "remember_token", remember))
    age_session(db, idle=timedelta(hours=13))  # "keep me signed in" allows two idle days
    assert signed_in(only_cookie(app, "remember_token", remember))
    age_session(db, idle=timedelta(days=2))
    assert not signed_in(only_cookie(app, "remember_token", remember))


@pytest.mark.parametrize("cookie", ["session", "remember_token"])
def test_captured_cookies_die_after_the_absolute_lifetime(app, db, city_member, cookie):
    client = sign_in(app, city_member, remember=True)
    value = client.get_cookie(cookie).value
    age_session(db, age=timedelta(days=13, hours=23))
    assert signed_in(only_cookie(app, cookie, value))  # in use all along: not idle
    age_session(db, age=timedelta(hours=1, seconds=1))
    assert not signed_in(only_cookie(app, cookie, value))


def test_an_active_session_stays_alive_and_is_touched_at_most_once_a_minute(app, db, city_member):
    client = sign_in(app, city_member, remember=False)
    seen = as_utc(db.session.scalars(select(UserSession.last_seen_at)).one())
    assert signed_in(client)
    assert as_utc(db.session.scalars(select(UserSession.last_seen_at)).one()) == seen

    # Requests 11 hours apart keep a 12-hour-idle session alive, each one refreshing it.
    for _ in range(3):
        age_session(db, idle=timedelta(hours=11))
        assert signed_in(client)
        refreshed = as_utc(db.session.scalars(select(UserSession.last_seen_at)).one())
        assert utcnow() - refreshed < timedelta(minutes=1)


def test_touch_on_get_survives_a_concurrent_commit(app, db, city_member, monkeypatch):
    """The GET's read transaction has seen the database when another connection commits;
    recording last_seen_at must not then fail the page (SQLite: SQLITE_BUSY_SNAPSHOT)."""
    from seoul_platform.accounts import privacy
    from seoul_platform.db import db as _db

    client = sign_in(app, city_member, remember=False)
    age_session(db, idle=timedelta(minutes=5))
    original = privacy.export_user_data

    def export_then_someone_else_writes(user):
        data = original(user)
        with _db.engine.begin() as other:  # a second connection, as another worker would
            other.execute(
                text("UPDATE users SET job_title = 'changed elsewhere' WHERE id = :id"),
                {"id": user.id},
            )
        return data

    monkeypatch.setattr(privacy, "export_user_data", export_then_someone_else_writes)
    response = client.get("/account/data")
    assert response.status_code == 200
    assert response.get_json()["sessions"][0]["last_seen_at"]  # personal data: exported
    refreshed = as_utc(db.session.scalars(select(UserSession.last_seen_at)).one())
    assert utcnow() - refreshed < timedelta(minutes=1)


def test_logout_deletes_the_remember_cookie(app, db, city_member):
    client = sign_in(app, city_member, remember=True)
    remember = client.get_cookie("remember_token").value
    response = client.post("/logout", data={"csrf_token": csrf_token(client, "/account")})
    assert response.status_code == 302
    deleted = [h for h in response.headers.getlist("Set-Cookie") if h.startswith("remember_token=")]
    assert deleted and ("Max-Age=0" in deleted[0] or "1970" in deleted[0]), deleted
    assert client.get_cookie("remember_token") is None
    assert not signed_in(client)
    assert not signed_in(only_cookie(app, "remember_token", remember))  # and the row is revoked
