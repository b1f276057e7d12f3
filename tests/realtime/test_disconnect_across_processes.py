"""Revocation reaches a user's sockets in every server process, through Redis.

The other process is played by a second Redis connection: it publishes on the channel exactly
what `disconnect_user` publishes in a process that revokes a session.
"""

from __future__ import annotations

import os
import socket
import time

import pytest

from support import csrf_token, require_or_skip, signed_in

REDIS_URL = "redis://127.0.0.1:6379/15"


@pytest.fixture
def redis_client():
    try:
        import redis

        client = redis.Redis.from_url(REDIS_URL, socket_timeout=2)
        client.ping()
    except Exception as exc:  # no server on this machine
        require_or_skip("redis", f"Redis is not reachable at {REDIS_URL}: {exc}")
    return client


@pytest.fixture
def with_redis(app, redis_client, monkeypatch):
    monkeypatch.setitem(app.config, "REDIS_URL", REDIS_URL)
    # Parallel test workers share the Redis server: each publishes on a channel of its own.
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    monkeypatch.setitem(app.config, "REALTIME_CHANNEL", f"seoul-test-{worker}:disconnect-user")
    return redis_client


def _wait_until(predicate, seconds: float = 5.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return predicate()


def test_a_disconnect_published_by_another_process_closes_this_ones_sockets(
    app, city_member, city_admin, socket_client_for, with_redis
):
    mine = socket_client_for(signed_in(app, city_member))
    other = socket_client_for(signed_in(app, city_admin))
    assert mine.is_connected() and other.is_connected()
    with_redis.publish(app.config["REALTIME_CHANNEL"], str(city_member.id))
    assert _wait_until(lambda: not mine.is_connected())
    assert other.is_connected()  # only that user's sockets


def test_revoking_a_session_publishes_the_user_for_the_other_processes(
    app, city_member, with_redis
):
    pubsub = with_redis.pubsub(ignore_subscribe_messages=True)
    pubsub.subscribe(app.config["REALTIME_CHANNEL"])
    client = signed_in(app, city_member)
    client.post("/logout", data={"csrf_token": csrf_token(client, "/account")})
    message = None
    deadline = time.monotonic() + 5
    while message is None and time.monotonic() < deadline:
        message = pubsub.get_message(timeout=0.5)
    pubsub.close()
    assert message is not None and message["data"] == str(city_member.id).encode()


def test_sign_out_still_works_when_redis_is_down(app, city_member, socket_client_for, monkeypatch):
    with socket.socket() as s:  # a loopback port with nobody listening
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setitem(app.config, "REDIS_URL", f"redis://127.0.0.1:{port}/0")
    client = signed_in(app, city_member)
    sc = socket_client_for(client)
    assert sc.is_connected()
    response = client.post("/logout", data={"csrf_token": csrf_token(client, "/account")})
    assert response.status_code == 302
    assert not sc.is_connected()  # this process's sockets close whatever Redis does
    assert client.get("/account").status_code == 302  # and the session is gone
