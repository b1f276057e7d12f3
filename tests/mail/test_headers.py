"""No header injection: line breaks and control characters are stripped from header values at
the mail boundary, and a recipient that is not exactly one address fails only its message."""

from __future__ import annotations

import pytest

from seoul_platform.db import db as _db
from seoul_platform.db import unit_of_work
from seoul_platform.mail import tasks
from seoul_platform.mail.delivery import clean_header
from seoul_platform.mail.models import MailStatus, OutboundEmail
from support import queue_text

SEPARATORS = ["\r", "\n", "\r\n", "\x85", "\u2028", "\u2029", "\x0b", "\x0c", "\x1c", "\x00", "\t"]


@pytest.mark.parametrize("sep", SEPARATORS, ids=[hex(ord(s[-1])) for s in SEPARATORS])
def test_clean_header_removes_every_line_break_and_control(sep):
    cleaned = clean_header(f"Hello{sep}Bcc: evil@example.org")
    assert cleaned == "Hello Bcc: evil@example.org"
    assert cleaned.splitlines() == [cleaned]


def test_clean_header_keeps_ordinary_text():
    assert clean_header("  서울 스마트도시상 — invitation  ") == "서울 스마트도시상 — invitation"


def _raw_row(to: str, subject: str) -> int:
    """A row written without queue_email (older code, a manual fix): the boundary must hold."""
    with unit_of_work():
        row = OutboundEmail(to=to, subject=subject, body="Body")
        _db.session.add(row)
        _db.session.flush()
        return row.id


def _headers(raw: str) -> list[str]:
    head = raw.split("\n\n", 1)[0]
    return [line for line in head.splitlines() if not line.startswith((" ", "\t"))]


@pytest.mark.parametrize("sep", ["\r\n", "\n", "\u2028", "\x85"])
def test_injected_subject_is_sent_without_the_extra_header(db, smtp, sep):
    _raw_row("a@example.org", f"Hello{sep}Bcc: evil@example.org")
    assert tasks.sweep().statuses == {"sent": 1}
    raw, parsed = smtp.sent[0]
    assert parsed["Bcc"] is None
    assert not any(h.lower().startswith("bcc:") for h in _headers(raw))
    assert parsed["Subject"] == "Hello Bcc: evil@example.org"
    assert parsed.get_all("To") == ["a@example.org"]


def test_queue_email_stores_clean_headers(db, smtp):
    with unit_of_work():
        message = queue_text("a@example.org\n", "Hi\r\nX-Evil: 1", "Body")
    assert message.to == "a@example.org" and message.subject == "Hi X-Evil: 1"


@pytest.mark.parametrize(
    "to",
    [
        "victim@example.org\r\nBcc: evil@example.org",
        "victim@example.org\u2028Bcc: evil@example.org",
        "victim@example.org, evil@example.org",
        "not an address",
        "",
    ],
)
def test_a_bad_recipient_fails_its_message_and_the_next_one_is_sent(db, smtp, to):
    bad = _raw_row(to, "Bad one")
    good = _raw_row("good@example.org", "Good one")
    report = tasks.sweep()
    assert report.statuses == {"failed": 1, "sent": 1}
    assert smtp.recipients() == ["good@example.org"]
    db.session.expire_all()
    row = db.session.get(OutboundEmail, bad)
    assert row.status == MailStatus.FAILED and row.last_error.startswith("invalid message")
    assert row.attempts == 1  # permanent: not retried
    assert db.session.get(OutboundEmail, good).status == MailStatus.SENT


def test_a_bad_recipient_through_queue_email_fails_without_blocking(db, smtp):
    with unit_of_work():
        bad = queue_text("victim@example.org\r\nBcc: evil@example.org", "Bad", "Body").id
        queue_text("good@example.org", "Good", "Body")
    assert smtp.recipients() == ["good@example.org"]  # each delivered after the commit
    db.session.expire_all()
    assert db.session.get(OutboundEmail, bad).status == MailStatus.FAILED
