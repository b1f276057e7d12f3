"""The README's production recipe, run for real: separate processes, an environment built
from scratch (nothing inherited from the test run), gunicorn on a loopback port, a sign-in
through the login form over HTTP. And the refusals, the same way."""

from __future__ import annotations

import http.client
import re
import secrets
import socket
import subprocess
import sys
import time
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent  # the virtualenv's bin/ (flask, gunicorn)
HOST = "platform.example.org"
OFFICIAL_EMAIL = "admin@seoul.go.kr"
OFFICIAL_PASSWORD = "a long production password 2026"
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def production_env(tmp_path: Path, **changes: str | None) -> dict[str, str]:
    env = {
        "PATH": f"{BIN}:/usr/bin:/bin",
        "HOME": str(tmp_path),
        "LANG": "C.UTF-8",
        "SEOUL_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(36),  # 48 characters
        "DATABASE_URL": f"sqlite:///{tmp_path / 'production.db'}",
        "SEOUL_INSTANCE_DIR": str(tmp_path / "instance"),
        "TRUSTED_HOSTS": HOST,
        "TRUSTED_PROXIES": "1",  # the test plays the TLS-terminating reverse proxy
        "PUBLIC_BASE_URL": f"https://{HOST}",
    }
    for name, value in changes.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


def flask(env: dict[str, str], *args: str, stdin: str | None = None):
    return subprocess.run(
        [str(BIN / "flask"), "--app", "wsgi", *args],
        cwd=ROOT,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=180,
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Gunicorn:
    """``gunicorn -k gthread ... wsgi:app`` as in the README (one worker: two cores shared)."""

    def __init__(self, env: dict[str, str], log_dir: Path) -> None:
        self.port = free_port()
        self.log = log_dir / f"gunicorn-{self.port}.log"
        self._log_file = self.log.open("w")
        self.process = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                *("-w", "1", "-k", "gthread", "--threads", "4"),
                *("-b", f"127.0.0.1:{self.port}", "wsgi:app"),
            ],
            cwd=ROOT,
            env=env,
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
        )

    def output(self) -> str:
        self._log_file.flush()
        return self.log.read_text()

    def request(self, method: str, path: str, *, headers=None, body: str | None = None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            response = conn.getresponse()
            response.text = response.read().decode()
            return response
        finally:
            conn.close()

    def wait_healthy(self, deadline: float = 90) -> http.client.HTTPResponse:
        end = time.monotonic() + deadline
        while time.monotonic() < end:
            if self.process.poll() is not None:
                pytest.fail(f"gunicorn exited with {self.process.returncode}:\n{self.output()}")
            try:
                return self.request("GET", "/healthz", headers={"Host": HOST})
            except OSError:
                time.sleep(0.2)
        pytest.fail(f"gunicorn did not answer within {deadline} s:\n{self.output()}")

    def wait_exit(self, deadline: float = 90) -> int:
        try:
            return self.process.wait(timeout=deadline)
        except subprocess.TimeoutExpired:
            pytest.fail(f"gunicorn kept running although it should refuse:\n{self.output()}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=20)
        self._log_file.close()


def set_cookies(response) -> dict[str, str]:
    """Each cookie set by the response: name -> the raw Set-Cookie header."""
    found = {}
    for header in response.msg.get_all("Set-Cookie") or []:
        name = SimpleCookie(header)
        for key in name:
            found[key] = header
    return found


def cookie_value(header: str) -> str:
    return next(iter(SimpleCookie(header).values())).value


def test_production_recipe_from_the_readme(tmp_path):
    env = production_env(tmp_path)
    upgrade = flask(env, "db", "upgrade")
    assert upgrade.returncode == 0, upgrade.stderr
    created = flask(
        env,
        *("create-official", "--email", OFFICIAL_EMAIL, "--name", "Platform Admin"),
        stdin=OFFICIAL_PASSWORD + "\n",
    )
    assert created.returncode == 0, created.stderr

    server = Gunicorn(env, tmp_path)
    try:
        health = server.wait_healthy()
        assert health.status == 200 and '"ok"' in health.text
        assert health.getheader("Strict-Transport-Security", "").startswith("max-age=")

        # Behind the reverse proxy: TLS ends there; it forwards the scheme and the client.
        proxy = {"Host": HOST, "X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7"}
        form = server.request("GET", "/login", headers=proxy)
        assert form.status == 200, form.text[:500]
        session = cookie_value(set_cookies(form)["session"])
        token = CSRF.search(form.text).group(1)

        signed_in = server.request(
            "POST",
            "/login",
            headers={
                **proxy,
                "Cookie": f"session={session}",
                "Content-Type": "application/x-www-form-urlencoded",
                "Referer": f"https://{HOST}/login",
            },
            body=urlencode(
                {
                    "email": OFFICIAL_EMAIL,
                    "password": OFFICIAL_PASSWORD,
                    "remember": "y",
                    "csrf_token": token,
                }
            ),
        )
        assert signed_in.status == 302, signed_in.text[:800]
        cookies = set_cookies(signed_in)
        for name in ("session", "remember_token"):
            attributes = [part.strip().lower() for part in cookies[name].split(";")]
            assert "secure" in attributes and "httponly" in attributes, cookies[name]
            assert "samesite=lax" in attributes, cookies[name]
        assert signed_in.getheader("Strict-Transport-Security") == (
            "max-age=63072000; includeSubDomains"
        )

        account = server.request(
            "GET",
            "/account",
            headers={**proxy, "Cookie": f"session={cookie_value(cookies['session'])}"},
        )
        assert account.status == 200 and OFFICIAL_EMAIL in account.text

        wrong_host = server.request("GET", "/healthz", headers={"Host": "evil.example"})
        assert wrong_host.status == 400
    finally:
        server.stop()


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"SECRET_KEY": None}, "SECRET_KEY must be set"),
        ({"SECRET_KEY": "short-but-not-empty"}, "SECRET_KEY must be set"),
        ({"TRUSTED_HOSTS": None}, "TRUSTED_HOSTS must list the host names"),
    ],
    ids=["no-key", "short-key", "no-trusted-hosts"],
)
def test_production_refuses_unsafe_settings(tmp_path, changes, message):
    result = flask(production_env(tmp_path, **changes), "db", "upgrade")
    assert result.returncode != 0
    assert message in result.stderr
    assert not (tmp_path / "production.db").exists()  # refused before touching anything


def test_production_refuses_to_serve_demo_data_until_removed(tmp_path):
    env = production_env(tmp_path)
    assert flask(env, "db", "upgrade").returncode == 0
    development = production_env(tmp_path, SEOUL_ENV=None, SECRET_KEY=None, TRUSTED_PROXIES=None)
    seeded = flask(development, "seed-demo")
    assert seeded.returncode == 0, seeded.stderr

    server = Gunicorn(env, tmp_path)
    try:
        assert server.wait_exit() != 0
        assert "demo accounts are present" in server.output()
        assert "remove-demo" in server.output()
    finally:
        server.stop()

    # The remedy the message names works in the production environment itself.
    removed = flask(env, "remove-demo")
    assert removed.returncode == 0, removed.stderr
    server = Gunicorn(env, tmp_path)
    try:
        assert server.wait_healthy().status == 200
    finally:
        server.stop()
