"""The outbox: queued with the change, delivered later over SMTP, text not kept once sent."""

from __future__ import annotations

import smtplib

from sqlalchemy import select

from seoul_platform.mail import services
from seoul_platform.mail.models import OutboundEmail


class FakeSMTP:
    sent: list = []
    fail = False

    def __init__(self, host, port, timeout):
        self.host = host

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def starttls(self):
        pass

    def login(self, user, password):
        pass

    def send_message(self, message):
        if FakeSMTP.fail:
            raise smtplib.SMTPServerDisconnected("gone")
        FakeSMTP.sent.append(message)


def test_delivery_sends_once_and_forgets_the_text(app, db, monkeypatch):
    monkeypatch.setattr(smtplib, "SMTP", FakeSMTP)
    FakeSMTP.sent = []
    app.config["SMTP_HOST"] = "smtp.example.org"
    try:
        services.queue_email("a@example.org", "Hello", "secret link https://x/reset/abc")
        db.session.commit()
        FakeSMTP.fail = True
        assert services.deliver_outbox() == 0
        row = db.session.scalar(select(OutboundEmail))
        assert row.sent_at is None and row.attempts == 1 and row.last_error
        FakeSMTP.fail = False
        assert services.deliver_outbox() == 1
        assert services.deliver_outbox() == 0  # nothing is sent twice
        assert len(FakeSMTP.sent) == 1 and FakeSMTP.sent[0]["To"] == "a@example.org"
        row = db.session.scalar(select(OutboundEmail))
        assert row.sent_at is not None and "abc" not in row.body
    finally:
        app.config["SMTP_HOST"] = None


def test_without_smtp_the_outbox_keeps_mail_for_officials(app, db, official_client):
    services.queue_email("b@example.org", "Subject here", "Body here")
    db.session.commit()
    assert services.deliver_outbox() == 0
    page = official_client.get("/outbox").get_data(True)
    assert "Subject here" in page and "Body here" in page
