"""Delivery: after commit only, claimed before sent, retried with backoff, failed at the end,
one bad message never blocks the others, nothing lost while SMTP is down."""

from __future__ import annotations

import contextlib
import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from seoul_platform.db import as_utc, unit_of_work, utcnow
from seoul_platform.mail import delivery, tasks
from seoul_platform.mail.models import MailStatus, OutboundEmail
from support import queue_text


def _queue(to="a@example.org", subject="Hello", body="Body"):
    with unit_of_work():
        return queue_text(to, subject, body).id


@contextlib.contextmanager
def undelivered(app):
    """Queue messages without their immediate delivery (as if SMTP were configured later)."""
    host = app.config["SMTP_HOST"]
    app.config["SMTP_HOST"] = None
    try:
        yield
    finally:
        app.config["SMTP_HOST"] = host


def _row(db, message_id) -> OutboundEmail:
    db.session.expire_all()
    return db.session.get(OutboundEmail, message_id)


def test_rollback_sends_nothing(db, smtp):
    with pytest.raises(RuntimeError), unit_of_work():
        queue_text("a@example.org", "Hello", "Body")
        raise RuntimeError("the change failed")
    assert smtp.sent == [] and smtp.connections == 0
    assert db.session.scalar(select(func.count(OutboundEmail.id))) == 0


def test_commit_enqueues_a_delivery_job(db, smtp, real_queue):
    message_id = _queue()
    assert smtp.sent == []  # nothing is sent inside the transaction or the request
    assert real_queue.pending_count() == 1
    task = real_queue.dequeue()
    assert task.name.endswith("deliver_email") and task.args == (message_id,)
    real_queue.execute(task)
    assert smtp.recipients() == ["a@example.org"]
    row = _row(db, message_id)
    assert row.status == MailStatus.SENT and row.attempts == 1 and row.sent_at is not None


def test_rolled_back_transaction_enqueues_nothing(db, smtp, real_queue):
    with pytest.raises(RuntimeError), unit_of_work():
        queue_text("a@example.org", "Hello", "Body")
        raise RuntimeError
    assert real_queue.pending_count() == 0


def test_commit_delivers_once_and_forgets_the_text(db, smtp):
    message_id = _queue(body="secret link https://x/reset/abc")
    assert smtp.recipients() == ["a@example.org"]
    row = _row(db, message_id)
    assert row.status == MailStatus.SENT and "abc" not in row.body
    assert row.template is None and row.context is None  # the link went with the context
    assert "secret link https://x/reset/abc" in smtp.sent[0][0]  # rendered when sent
    assert row.claim_token is None and row.last_error == ""
    assert str(tasks.sweep()) == "attempted 0: nothing due"
    assert len(smtp.sent) == 1  # a sweep never sends it again


def test_without_smtp_nothing_is_claimed(app, db, monkeypatch):
    monkeypatch.setitem(app.config, "SMTP_HOST", None)
    message_id = _queue()
    assert tasks.deliver(message_id) is None
    assert tasks.sweep().attempted == 0
    row = _row(db, message_id)
    assert row.status == MailStatus.QUEUED and row.attempts == 0


def test_smtp_down_keeps_the_message_queued_then_sends_it(app, db, smtp, clock):
    smtp.down = True
    message_id = _queue()
    row = _row(db, message_id)
    assert row.status == MailStatus.QUEUED and row.attempts == 1
    assert "ConnectionRefusedError" in row.last_error
    assert as_utc(row.next_attempt_at) > utcnow() + timedelta(seconds=50)
    assert tasks.sweep().attempted == 0  # not due yet: no retry storm

    smtp.down = False
    clock.advance(app.config["MAIL_RETRY_BASE"] + timedelta(seconds=1))
    report = tasks.sweep()
    assert report.statuses == {"sent": 1}
    row = _row(db, message_id)
    assert row.status == MailStatus.SENT and row.attempts == 2
    assert smtp.recipients() == ["a@example.org"]


def test_smtp_down_stops_the_sweep_without_counting_the_others(app, db, smtp, clock):
    with undelivered(app):
        ids = [_queue(to=f"p{i}@example.org") for i in range(3)]
    smtp.down = True
    report = tasks.sweep()
    assert report.stopped_early and report.attempted == 1
    assert [_row(db, i).attempts for i in ids] == [1, 0, 0]
    assert all(_row(db, i).status == MailStatus.QUEUED for i in ids)


def test_backoff_doubles_and_the_last_attempt_fails(app, db, smtp, clock, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_MAX_ATTEMPTS", 4)
    smtp.down = True
    message_id = _queue()
    delays = []
    for _ in range(3):
        row = _row(db, message_id)
        assert row.status == MailStatus.QUEUED
        delays.append(as_utc(row.next_attempt_at) - clock.now())
        clock.advance(delays[-1] + timedelta(seconds=1))
        tasks.sweep()
    base = app.config["MAIL_RETRY_BASE"].total_seconds()
    assert [round(d.total_seconds() / base) for d in delays] == [1, 2, 4]
    row = _row(db, message_id)
    assert row.status == MailStatus.FAILED and row.attempts == 4
    clock.advance(timedelta(days=1))
    smtp.down = False
    assert tasks.sweep().attempted == 0 and smtp.sent == []  # failed stays failed


def test_backoff_is_capped(app):
    assert delivery.backoff(1, app.config) == app.config["MAIL_RETRY_BASE"]
    assert delivery.backoff(30, app.config) == app.config["MAIL_RETRY_MAX"]


def test_refused_recipient_fails_at_once_and_the_next_is_sent(app, db, smtp):
    smtp.refuse_recipients = {"gone@example.org"}
    with undelivered(app):
        first, second = _queue(to="gone@example.org"), _queue(to="b@example.org")
    report = tasks.sweep()
    assert report.statuses == {"failed": 1, "sent": 1}
    assert _row(db, first).status == MailStatus.FAILED and "550" in _row(db, first).last_error
    assert _row(db, second).status == MailStatus.SENT


def test_an_unexpected_error_in_one_message_does_not_stop_the_others(app, db, smtp, monkeypatch):
    with undelivered(app):
        bad, good = _queue(subject="explodes"), _queue(subject="fine")
    real = delivery.build_message

    def build(claim, sender):
        if claim.subject == "explodes":
            raise RuntimeError("bug")
        return real(claim, sender)

    monkeypatch.setattr(delivery, "build_message", build)
    tasks.sweep()
    assert _row(db, good).status == MailStatus.SENT
    row = _row(db, bad)
    assert row.status == MailStatus.QUEUED and row.last_error == "RuntimeError"
    assert row.claim_token is None  # not left claimed


def test_a_claim_left_by_a_killed_worker_is_taken_over_after_the_timeout(app, db, smtp, clock):
    with undelivered(app):
        message_id = _queue()
    with unit_of_work(write=True):
        abandoned = delivery.claim_email(message_id)  # the worker dies after this commit
    assert abandoned is not None
    assert tasks.deliver(message_id) is None  # held by the other worker: not sent
    assert smtp.sent == []
    clock.advance(app.config["MAIL_CLAIM_TIMEOUT"] + timedelta(seconds=1))
    assert tasks.sweep().statuses == {"sent": 1}
    assert _row(db, message_id).attempts == 2
    with unit_of_work(write=True):  # the old holder, were it alive, may not overwrite
        assert delivery.record_outcome(abandoned, delivery.Outcome(False, "late")) == "lost"
    assert _row(db, message_id).status == MailStatus.SENT


def test_two_concurrent_deliveries_send_each_message_exactly_once(app, db, smtp):
    with undelivered(app):
        ids = [_queue(to=f"p{i}@example.org") for i in range(10)]
    smtp.delay = 0.01  # the SMTP conversation takes time, as in life
    start = threading.Barrier(4)
    errors = []

    def worker(order):
        try:
            with app.app_context():
                start.wait()
                for message_id in order:
                    tasks.deliver(message_id)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    orders = [ids, ids, list(reversed(ids)), ids[5:] + ids[:5]]
    threads = [threading.Thread(target=worker, args=(o,)) for o in orders]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    assert sorted(smtp.recipients()) == sorted(f"p{i}@example.org" for i in range(10))
    db.session.expire_all()
    rows = db.session.scalars(select(OutboundEmail)).all()
    assert all(r.status == MailStatus.SENT and r.attempts == 1 for r in rows)


def test_two_threads_race_for_one_message(app, db, smtp):
    with undelivered(app):
        message_id = _queue()
    start = threading.Barrier(2)
    results = []

    def worker():
        with app.app_context():
            start.wait()
            results.append(tasks.deliver(message_id))

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert len(smtp.sent) == 1
    assert sorted(r is None for r in results) == [False, True]


def test_a_due_message_is_not_claimed_twice_in_one_transaction_window(db, smtp, app):
    with undelivered(app):
        message_id = _queue()
    with unit_of_work(write=True):
        assert delivery.claim_email(message_id) is not None
        assert delivery.claim_email(message_id) is None
    with unit_of_work(write=True):
        db.session.execute(update(OutboundEmail).values(status=MailStatus.FAILED, claim_token=None))
        assert delivery.claim_email(message_id) is None  # failed is never claimed


def test_a_message_that_kills_its_worker_every_time_ends_failed(app, db, smtp, clock, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_MAX_ATTEMPTS", 3)
    with undelivered(app):
        message_id = _queue()
    for _ in range(3):  # each attempt: claimed, then the worker dies
        with unit_of_work(write=True):
            assert delivery.claim_email(message_id) is not None
        clock.advance(app.config["MAIL_CLAIM_TIMEOUT"] + timedelta(seconds=1))
    report = tasks.sweep()
    assert report.abandoned == 1 and report.attempted == 0
    row = _row(db, message_id)
    assert row.status == MailStatus.FAILED and row.attempts == 3 and "stopped" in row.last_error
    assert smtp.sent == []


def test_without_smtp_no_job_is_enqueued(app, db, real_queue, monkeypatch):
    monkeypatch.setitem(app.config, "SMTP_HOST", None)
    _queue()
    assert real_queue.pending_count() == 0


def test_a_sweep_drains_a_backlog_larger_than_one_batch(app, db, smtp):
    with undelivered(app):
        for i in range(7):
            _queue(to=f"p{i}@example.org")
    report = tasks.sweep(limit=3)
    assert report.statuses == {"sent": 7}
    assert len(smtp.sent) == 7


def test_a_sweep_stops_at_its_time_budget(app, db, smtp):
    with undelivered(app):
        for i in range(3):
            _queue(to=f"p{i}@example.org")
    assert tasks.sweep(budget=0).attempted == 0
