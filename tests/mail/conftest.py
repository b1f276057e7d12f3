"""Mail test tools: a recording fake SMTP server, a movable clock, a real (non-immediate) queue."""

from __future__ import annotations

import smtplib
import threading
import time
from datetime import timedelta
from email import message_from_string

import pytest

from seoul_platform import jobs
from seoul_platform.db import utcnow
from seoul_platform.mail import delivery


class FakeSMTPServer:
    """Stands in for smtplib.SMTP. ``down``: the connection is refused, as when the server is
    off; ``delay``: seconds spent in send_message (widens race windows)."""

    def __init__(self):
        self.sent: list = []  # (raw text, parsed message)
        self.down = False
        self.delay = 0.0
        self.refuse_recipients: set[str] = set()
        self.connections = 0
        self._lock = threading.Lock()

    def factory(self):
        server = self

        class FakeSMTP:
            def __init__(self, host, port, timeout):
                with server._lock:
                    server.connections += 1
                if server.down:
                    raise ConnectionRefusedError(111, "Connection refused")

            def __enter__(self):
                return self

            def __exit__(self, *exc):
                return False

            def starttls(self):
                pass

            def login(self, user, password):
                pass

            def send_message(self, message):
                to = str(message["To"])
                if to in server.refuse_recipients:
                    raise smtplib.SMTPRecipientsRefused({to: (550, b"no such user")})
                if server.delay:
                    time.sleep(server.delay)
                raw = message.as_string()
                with server._lock:
                    server.sent.append((raw, message_from_string(raw)))

        return FakeSMTP

    def recipients(self) -> list[str]:
        return [parsed["To"] for _raw, parsed in self.sent]


@pytest.fixture
def smtp(app, monkeypatch):
    server = FakeSMTPServer()
    monkeypatch.setattr(smtplib, "SMTP", server.factory())
    monkeypatch.setitem(app.config, "SMTP_HOST", "smtp.test")
    return server


class Clock:
    def __init__(self):
        self.offset = timedelta(0)

    def now(self):
        return utcnow() + self.offset

    def advance(self, delta: timedelta) -> None:
        self.offset += delta


@pytest.fixture
def clock(monkeypatch) -> Clock:
    """Delivery's idea of now (due times, claim timeouts), movable forward."""
    c = Clock()
    monkeypatch.setattr(delivery, "utcnow", c.now)
    return c


@pytest.fixture
def real_queue(app):
    """The queue in its production mode (tasks are stored, not run on enqueue), in memory."""
    huey = jobs.huey
    huey.immediate = False
    huey.storage = huey.create_storage()  # HUEY_URL is memory:// in TestConfig
    huey.flush()
    yield huey
    huey.flush()
    huey.immediate = True
