"""The outbox page: statuses, attempts, errors and next attempt; a status filter; "retry now"
for failed messages (POST, CSRF, officials only); the job queue's counts."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select, update

from seoul_platform.audit.models import AuditEvent
from seoul_platform.db import unit_of_work
from seoul_platform.mail import tasks
from seoul_platform.mail.models import MailStatus, OutboundEmail
from support import csrf_token, queue_text


def _queue(to, subject, body="Body"):
    with unit_of_work():
        return queue_text(to, subject, body).id


def _fail(db, message_id, error="SMTPDataError: 554 rejected"):
    with unit_of_work():
        db.session.execute(
            update(OutboundEmail)
            .where(OutboundEmail.id == message_id)
            .values(status=MailStatus.FAILED, attempts=8, last_error=error)
        )


def _status(db, message_id) -> MailStatus:
    db.session.expire_all()
    return db.session.get(OutboundEmail, message_id).status


class smtp_off:
    """Queue with delivery off, as if the failure happened earlier."""

    def __init__(self, smtp):
        self.smtp = smtp

    def __enter__(self):
        self.smtp.down = True

    def __exit__(self, *exc):
        self.smtp.down = False


def _rows(page: str) -> list[str]:
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return re.findall(r"(?s)<tr>.*?</tr>", body)


def test_without_smtp_the_outbox_keeps_mail_for_officials(db, official_client):
    _queue("b@example.org", "Subject here", "Body here")
    page = official_client.get("/outbox").get_data(True)
    assert "Subject here" in page and "Body here" in page
    assert "No SMTP server is configured" in page
    assert '<th scope="col">Status</th>' in page and "Queued" in page


def test_the_page_shows_status_attempts_error_and_next_attempt(db, official_client):
    queued = _queue("q@example.org", "Still queued")
    failed = _queue("f@example.org", "Went wrong")
    _fail(db, failed, error="SMTPDataError: 554 rejected")
    page = official_client.get("/outbox").get_data(True)
    rows = {m: r for r in _rows(page) for m in ("Still queued", "Went wrong") if m in r}
    assert "Failed" in rows["Went wrong"] and "554 rejected" in rows["Went wrong"]
    assert ">8<" in rows["Went wrong"]  # attempts
    assert "Queued" in rows["Still queued"]
    next_attempt = db.session.get(OutboundEmail, queued).next_attempt_at
    assert next_attempt.strftime("%Y-%m-%d %H:%M:%S") in rows["Still queued"]
    # The status is a word, not a colour; counts per status link to the filter.
    assert 'href="/outbox?status=failed">Failed: 1<' in page
    assert 'href="/outbox?status=queued">Queued: 1<' in page


def test_filter_by_status(db, official_client):
    _queue("q@example.org", "Still queued")
    _fail(db, _queue("f@example.org", "Went wrong"))
    page = official_client.get("/outbox?status=failed").get_data(True)
    assert "Went wrong" in page and "Still queued" not in page
    assert '<label for="status">Status</label>' in page
    assert '<option value="failed" selected>' in page
    page = official_client.get("/outbox?status=bogus").get_data(True)  # ignored, not a 500
    assert "Went wrong" in page and "Still queued" in page
    page = official_client.get("/outbox?status=sent").get_data(True)
    assert "No messages with this status." in page


def test_retry_now_queues_a_failed_message_and_delivers_it(db, official_client, official, smtp):
    with smtp_off(smtp):
        message_id = _queue("f@example.org", "Went wrong")
    _fail(db, message_id)
    page = official_client.get("/outbox?status=failed").get_data(True)
    assert f'action="/outbox/{message_id}/retry"' in page and "Retry now" in page
    response = official_client.post(
        f"/outbox/{message_id}/retry",
        data={"csrf_token": csrf_token(official_client, "/outbox"), "status": "failed"},
    )
    assert response.status_code == 302 and response.location.endswith("/outbox?status=failed")
    assert _status(db, message_id) == MailStatus.SENT  # delivered after the commit
    assert smtp.recipients() == ["f@example.org"]
    row = db.session.get(OutboundEmail, message_id)
    assert row.attempts == 1  # a fresh count
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "mail.retried"))
    assert event.actor_id == official.id and event.target_id == message_id


def test_retry_of_a_message_that_is_not_failed_is_a_conflict(db, official_client):
    message_id = _queue("q@example.org", "Still queued")
    response = official_client.post(
        f"/outbox/{message_id}/retry", data={"csrf_token": csrf_token(official_client, "/outbox")}
    )
    assert response.status_code == 409
    assert _status(db, message_id) == MailStatus.QUEUED
    response = official_client.post(
        "/outbox/999999/retry", data={"csrf_token": csrf_token(official_client, "/outbox")}
    )
    assert response.status_code == 404


def test_retry_needs_the_csrf_token(db, official_client):
    message_id = _queue("f@example.org", "Went wrong")
    _fail(db, message_id)
    assert official_client.post(f"/outbox/{message_id}/retry").status_code == 400
    assert _status(db, message_id) == MailStatus.FAILED


@pytest.mark.parametrize("who", ["member", "admin", "anonymous"])
def test_retry_and_the_page_are_for_officials_only(db, who, member_client, admin_client, client):
    message_id = _queue("f@example.org", "Went wrong")
    _fail(db, message_id)
    http = {"member": member_client, "admin": admin_client, "anonymous": client}[who]
    token = csrf_token(http, "/login" if who == "anonymous" else "/account")
    response = http.post(f"/outbox/{message_id}/retry", data={"csrf_token": token})
    page = http.get("/outbox")
    if who == "anonymous":
        assert response.status_code == 302 and "/login" in response.location
        assert page.status_code == 302
    else:
        assert response.status_code == 403 and page.status_code == 403
    assert _status(db, message_id) == MailStatus.FAILED


def test_retry_service_refuses_a_non_official(db, city_member):
    from seoul_platform.errors import PermissionDenied
    from seoul_platform.mail.services import retry_email

    message_id = _queue("f@example.org", "Went wrong")
    _fail(db, message_id)
    with pytest.raises(PermissionDenied), unit_of_work():
        retry_email(city_member, message_id)
    assert _status(db, message_id) == MailStatus.FAILED


def test_job_queue_counts(db, official_client, real_queue):
    tasks.deliver_email.schedule((3,), delay=3600)
    real_queue.add_schedule(real_queue.dequeue())  # what the consumer does with a later task
    tasks.deliver_email(1)
    tasks.deliver_email(2)
    page = official_client.get("/outbox").get_data(True)
    queue = page.split('id="job-queue"', 1)[1]
    assert re.search(r"<dt>Pending tasks</dt><dd>2</dd>", queue)
    assert re.search(r"<dt>Scheduled tasks</dt><dd>1</dd>", queue)
    assert "<code>sweep_outbox</code>" in queue


def test_job_queue_unreachable_is_said_plainly(db, official_client, monkeypatch):
    from seoul_platform.jobs import huey

    def down():
        raise ConnectionError("redis is down")

    monkeypatch.setattr(huey, "pending_count", down)
    response = official_client.get("/outbox")
    assert response.status_code == 200
    assert "The job queue cannot be reached." in response.get_data(True)


def test_production_shows_the_status_but_never_the_text(app, db, official_client, monkeypatch):
    _queue("b@example.org", "Subject here", "secret link https://x/reset/abc")
    monkeypatch.setitem(app.config, "ENV_NAME", "production")
    page = official_client.get("/outbox").get_data(True)
    assert "Subject here" in page and "Queued" in page
    assert "reset/abc" not in page


def test_past_the_last_page_shows_the_last_page_with_a_notice(db, official_client):
    _queue("q@example.org", "Only one")
    response = official_client.get("/outbox?page=99")
    page = response.get_data(True)
    assert response.status_code == 200
    assert "Page 99 does not exist; showing the last page, 1." in page and "Only one" in page
