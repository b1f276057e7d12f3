"""Brute-force protection that an attacker cannot turn into a lockout of the account owner."""

from __future__ import annotations

import re
from contextlib import contextmanager

from sqlalchemy import select

from seoul_platform.mail.delivery import render_text
from seoul_platform.mail.models import OutboundEmail
from support import PASSWORD, csrf_token

ATTACKER = "203.0.113.66"
OWNER = "198.51.100.7"


def _client(app, ip: str):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = ip
    return client


def _login(client, email: str, password: str) -> int:
    token = csrf_token(client)
    return client.post(
        "/login", data={"email": email, "password": password, "csrf_token": token}
    ).status_code


@contextmanager
def _config(app, **values):
    old = {k: app.config[k] for k in values}
    app.config.update(values)
    try:
        yield
    finally:
        app.config.update(old)


def test_attackers_failures_do_not_lock_the_owner_out(app, official):
    attacker = _client(app, ATTACKER)
    for i in range(12):
        _login(attacker, official.email, f"guess number {i}")
    assert _login(_client(app, OWNER), official.email, PASSWORD) == 302


def test_per_account_and_ip_limit_still_stops_guessing(app, official):
    attacker = _client(app, ATTACKER)
    statuses = [_login(attacker, official.email, f"guess number {i}") for i in range(11)]
    assert statuses[:10] == [422] * 10
    assert statuses[10] == 429
    # the same client also cannot sign in with the right password until the window passes
    assert _login(attacker, official.email, PASSWORD) == 429
    # the same limit also covers the token endpoint (same account, same client)
    response = attacker.post("/api/v1/tokens", json={"email": official.email, "password": PASSWORD})
    assert response.status_code == 429


def test_successful_sign_ins_do_not_count(app, official):
    with _config(app, LOGIN_LIMIT_PER_ACCOUNT="3 per minute"):
        owner = _client(app, OWNER)
        assert [_login(owner, official.email, PASSWORD) for _ in range(5)] == [302] * 5


def test_global_ceiling_per_account_triggers_across_addresses(app, official):
    with _config(app, LOGIN_LIMIT_PER_ACCOUNT_CEILING="5 per day"):
        statuses = [
            _login(_client(app, f"192.0.2.{i}"), official.email, "not the password")
            for i in range(7)
        ]
        assert statuses[:5] == [422] * 5
        assert statuses[5:] == [429, 429]
        assert _login(_client(app, OWNER), official.email, PASSWORD) == 429
        # other accounts are not affected
        assert _login(_client(app, OWNER), "someone.else@example.org", "x") == 422


def test_a_password_reset_clears_the_account_counters(app, official, db):
    with _config(app, LOGIN_LIMIT_PER_ACCOUNT_CEILING="5 per day"):
        for i in range(6):
            _login(_client(app, f"192.0.2.{i}"), official.email, "not the password")
        owner = _client(app, OWNER)
        assert _login(owner, official.email, PASSWORD) == 429
        owner.post(
            "/forgot-password",
            data={"email": official.email, "csrf_token": csrf_token(owner, "/forgot-password")},
        )
        body = render_text(
            db.session.scalar(select(OutboundEmail).where(OutboundEmail.to == official.email))
        )
        token = re.search(r"/reset-password/([A-Za-z0-9_-]+)", body).group(1)
        new = "a fresh passphrase for 2027"
        reset = owner.post(
            f"/reset-password/{token}",
            data={"password": new, "confirm": new, "csrf_token": csrf_token(owner)},
        )
        assert reset.status_code == 302
        assert _login(owner, official.email, new) == 302
        assert _login(_client(app, "192.0.2.1"), official.email, new) == 302


def test_reset_form_posts_do_not_share_one_empty_account_counter(app, official):
    with _config(app, LOGIN_LIMIT_PER_ACCOUNT_CEILING="2 per day"):
        for i in range(4):
            client = _client(app, f"192.0.2.{i}")
            response = client.post(
                "/reset-password/not-a-token",
                data={"password": "x", "confirm": "x", "csrf_token": csrf_token(client)},
            )
            assert response.status_code == 409  # a bad link, not 429
