"""The command line, and what the logs may not contain."""

from __future__ import annotations

import logging

from sqlalchemy import select

from seoul_platform.accounts.models import User
from support import PASSWORD, login


def test_create_official_reads_the_password_from_stdin(app, db):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=["create-official", "--email", "Chief@Seoul.example", "--name", "Chief"],
        input=PASSWORD + "\n",
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.email == "chief@seoul.example"))
    assert user.is_official and str(user.id) == result.output.strip()
    assert login(app.test_client(), "chief@seoul.example").status_code == 302


def test_create_official_refuses_a_weak_password(app, db):
    result = app.test_cli_runner().invoke(
        args=["create-official", "--email", "x@seoul.example", "--name", "X"], input="password\n"
    )
    assert result.exit_code != 0 and "stronger password" in result.output
    assert db.session.scalar(select(User)) is None


def test_passwords_and_tokens_never_reach_the_logs(app, city_member, caplog):
    caplog.set_level(logging.DEBUG)
    client = app.test_client()
    login(client, city_member, password="my wrong secret passphrase")
    login(client, city_member)
    token = (
        app.test_client()
        .post("/api/v1/tokens", json={"email": city_member.email, "password": PASSWORD})
        .get_json()["token"]
    )
    client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    text = caplog.text
    assert "login" in text  # security events are logged ...
    for secret in (PASSWORD, "my wrong secret passphrase", token):
        assert secret not in text  # ... without secrets
