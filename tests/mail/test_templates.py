"""Mail is queued as a template, a JSON context and a locale, and rendered at the job boundary:
the subject when it is queued (the outbox lists it), the body when it is delivered or shown,
both in the recipient's locale. Rows from before keep their rendered body."""

from __future__ import annotations

from datetime import datetime
from email.header import decode_header, make_header

import pytest
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from seoul_platform.db import db as _db
from seoul_platform.db import unit_of_work
from seoul_platform.mail import tasks
from seoul_platform.mail.delivery import DELIVERED_BODY, render_text
from seoul_platform.mail.models import MailStatus, OutboundEmail
from seoul_platform.mail.services import queue_email
from support import queue_text

LINK = "http://localhost/forgot-password"


def _text(parsed) -> str:
    return parsed.get_payload(decode=True).decode("utf-8")


def _password_changed(locale: str) -> OutboundEmail:
    return queue_email(
        "a@example.org",
        _l("Your password was changed"),
        template="emails/password_changed.txt",
        context={"user": {"name": "Ji-woo"}, "link": LINK},
        locale=locale,
        kind="password_changed",
    )


def test_the_row_keeps_template_context_and_locale_and_the_subject_in_that_locale(db):
    with unit_of_work():
        message = _password_changed("ko")
    row = db.session.get(OutboundEmail, message.id)
    assert row.subject == "비밀번호가 변경되었습니다"  # rendered when queued, in Korean
    assert row.template == "emails/password_changed.txt" and row.locale == "ko"
    assert row.context == {"user": {"name": "Ji-woo"}, "link": LINK}
    assert row.body == ""  # the body is not rendered in the service's transaction


def test_the_body_is_rendered_in_the_recipients_locale_when_delivered(db, smtp):
    with unit_of_work():
        _password_changed("ko")
        _password_changed("en")
    korean, english = (parsed for _raw, parsed in smtp.sent)
    ko_text = _text(korean)
    assert "Ji-woo" in ko_text and LINK in ko_text and "Hello" not in ko_text
    assert "Hello Ji-woo," in _text(english)
    assert str(make_header(decode_header(korean["Subject"]))) == "비밀번호가 변경되었습니다"
    assert english["Subject"] == "Your password was changed"
    rows = db.session.scalars(select(OutboundEmail)).all()
    assert {r.status for r in rows} == {MailStatus.SENT}
    assert all(r.context is None and r.body == DELIVERED_BODY for r in rows)  # link forgotten


def test_a_context_that_is_not_json_is_refused_when_queued(db):
    with pytest.raises(TypeError), unit_of_work():
        queue_email(
            "a@example.org",
            "Hello",
            template="emails/password_changed.txt",
            context={"user": {"name": "X"}, "link": LINK, "when": datetime(2026, 1, 1)},
            locale="en",
        )
    assert db.session.scalar(select(func.count(OutboundEmail.id))) == 0


def test_a_row_from_before_templates_is_sent_with_its_stored_body(db, smtp):
    with unit_of_work():
        _db.session.add(OutboundEmail(to="old@example.org", subject="Old", body="Stored text"))
    assert tasks.sweep().statuses == {"sent": 1}
    assert _text(smtp.sent[0][1]).strip() == "Stored text"


def test_a_template_that_cannot_be_rendered_fails_its_message_only(db, smtp, official_client):
    with unit_of_work():
        bad = queue_email(
            "bad@example.org", "Bad", template="emails/missing.txt", context={}, locale="en"
        ).id
        queue_text("good@example.org", "Good")
    assert smtp.recipients() == ["good@example.org"]
    db.session.expire_all()
    row = db.session.get(OutboundEmail, bad)
    assert row.status == MailStatus.FAILED and row.attempts == 1  # permanent: not retried
    assert row.last_error.startswith("invalid message")
    page = official_client.get("/outbox")
    assert page.status_code == 200  # the outbox shows the problem rather than a 500
    assert "This message cannot be rendered: emails/missing.txt" in page.get_data(True)


def test_the_outbox_shows_the_rendered_body_without_smtp(db, official_client):
    with unit_of_work():
        message_id = _password_changed("en").id
    page = official_client.get("/outbox").get_data(True)
    assert "Hello Ji-woo," in page and LINK in page
    db.session.expire_all()
    row = db.session.get(OutboundEmail, message_id)
    assert render_text(row).startswith("Hello Ji-woo,")
    assert row.status == MailStatus.QUEUED  # reading it on /outbox changes nothing
