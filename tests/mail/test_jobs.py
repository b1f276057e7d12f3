"""The task queue: storage chosen from the configuration, tasks and the periodic sweep
registered, consumers that run jobs in the background (CLI worker and embedded in the dev
server, where Ctrl-C still stops everything), and the send-mail command."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from datetime import datetime
from pathlib import Path

import pytest
from huey.storage import MemoryStorage, RedisStorage, SqliteStorage

from seoul_platform import jobs
from seoul_platform.app import create_app
from seoul_platform.config import TestConfig
from seoul_platform.db import unit_of_work
from seoul_platform.mail import tasks
from seoul_platform.mail.models import MailStatus, OutboundEmail
from support import queue_text, require_or_skip

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def rebind(app):
    """Tests here reconfigure the one queue; put the suite's configuration back after."""
    yield
    jobs.init_app(app)


def test_storage_for_each_url(tmp_path):
    assert jobs.storage_for("memory://") == (MemoryStorage, {})
    path = tmp_path / "q" / "huey.db"
    assert jobs.storage_for(f"sqlite:///{path}") == (SqliteStorage, {"filename": str(path)})
    assert jobs.storage_for("redis://127.0.0.1:6379/3") == (
        RedisStorage,
        {"url": "redis://127.0.0.1:6379/3"},
    )
    assert jobs.storage_for("rediss://h:6380/0")[0] is RedisStorage
    for bad in ("sqlite://", "postgres://x/y", "huey.db"):
        with pytest.raises(ValueError):
            jobs.storage_for(bad)


def test_queue_url_precedence():
    assert jobs.queue_url({}, "/srv/i") == "sqlite:////srv/i/huey.db"
    assert jobs.queue_url({"REDIS_URL": "redis://r:6379/0"}, "/srv/i") == "redis://r:6379/0"
    both = {"REDIS_URL": "redis://r:6379/0", "HUEY_URL": "memory://"}
    assert jobs.queue_url(both, "/srv/i") == "memory://"


def _app_with(tmp_path, **settings):
    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'app.db'}"
        HUEY_IMMEDIATE = False

    for key, value in settings.items():
        setattr(Config, key, value)
    return create_app(Config)


def test_create_app_binds_sqlite_storage_in_a_file(tmp_path, rebind):
    path = tmp_path / "queue" / "huey.db"
    _app_with(tmp_path, HUEY_URL=f"sqlite:///{path}")
    assert isinstance(jobs.huey.storage, SqliteStorage) and not jobs.huey.immediate
    assert path.exists()
    tasks.deliver_email(7)
    assert jobs.huey.pending_count() == 1  # stored in the file, for a consumer to run


def test_redis_storage_when_redis_url_is_set(tmp_path):
    # Not through create_app: an app with REDIS_URL would give the process-wide Socket.IO
    # server a Redis message queue, which Socket.IO's test client refuses for the rest of
    # the session.
    storage_class, kwargs = jobs.storage_for(
        jobs.queue_url({"HUEY_URL": None, "REDIS_URL": "redis://127.0.0.1:6379/15"}, tmp_path)
    )
    assert storage_class is RedisStorage and kwargs == {"url": "redis://127.0.0.1:6379/15"}


def test_redis_queue_round_trip(tmp_path, rebind):
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            pass
    except OSError:
        require_or_skip("redis", "no Redis on 127.0.0.1:6379")
    _app_with(tmp_path, HUEY_URL="redis://127.0.0.1:6379/15")
    jobs.huey.flush()
    try:
        tasks.deliver_email(42)
        assert jobs.huey.pending_count() == 1
        assert jobs.huey.dequeue().args == (42,)
    finally:
        jobs.huey.flush()


def test_tests_run_tasks_immediately_in_memory(app):
    assert jobs.huey.immediate and isinstance(jobs.huey.storage, MemoryStorage)


def test_mail_tasks_and_the_periodic_sweep_are_registered(app):
    registered = set(jobs.huey._registry._registry)
    assert "seoul_platform.mail.tasks.deliver_email" in registered
    assert "seoul_platform.mail.tasks.sweep_outbox" in registered
    periodic = {type(t) for t in jobs.huey._registry.periodic_tasks}
    assert tasks.sweep_outbox.task_class in periodic
    sweep = tasks.sweep_outbox.task_class()
    # Every minute of the day: a due retry waits at most a minute.
    assert all(
        sweep.validate_datetime(datetime(2026, 12, 1, h, m)) for h in (0, 13) for m in range(60)
    )


def test_the_periodic_task_sweeps_the_outbox(app, db, smtp, clock):
    with unit_of_work():
        smtp.down = True
        message_id = queue_text("a@example.org", "Hello", "Body").id
    smtp.down = False
    clock.advance(app.config["MAIL_RETRY_BASE"] * 2)
    tasks.sweep_outbox.call_local()
    db.session.expire_all()
    assert db.session.get(OutboundEmail, message_id).status == MailStatus.SENT


def test_embedded_consumer_delivers_in_the_background(app, db, smtp, tmp_path, rebind):
    huey = jobs.huey
    huey.storage_class, huey.storage_kwargs = SqliteStorage, {"filename": str(tmp_path / "q.db")}
    huey.immediate = False
    huey.storage = huey.create_storage()
    jobs._bound["app"] = app
    with unit_of_work():
        message_id = queue_text("a@example.org", "Hello", "Body").id
    assert smtp.sent == [] and huey.pending_count() == 1  # enqueued, not run
    with jobs.embedded_consumer(app) as consumer:
        assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # Ctrl-C kept
        deadline = time.monotonic() + 15
        while not smtp.sent and time.monotonic() < deadline:
            time.sleep(0.05)
    assert smtp.recipients() == ["a@example.org"]
    assert consumer.stop_flag.is_set()
    assert not any(t.is_alive() for _, t in consumer.worker_threads)
    db.session.expire_all()
    assert db.session.get(OutboundEmail, message_id).status == MailStatus.SENT


def test_worker_command_refuses_immediate_mode(app):
    result = app.test_cli_runner().invoke(args=["worker"])
    assert result.exit_code != 0 and "immediate mode" in result.output


def test_worker_command_runs_a_consumer(app, real_queue, monkeypatch):
    ran = []
    monkeypatch.setattr("huey.consumer.Consumer.run", lambda self: ran.append(self.workers))
    result = app.test_cli_runner().invoke(args=["worker", "--workers", "3"])
    assert result.exit_code == 0, result.output
    assert ran == [3]


def test_send_mail_command_runs_one_sweep(app, db, smtp):
    smtp.down = True
    with unit_of_work():
        queue_text("a@example.org", "Hello", "Body")
    smtp.down = False
    result = app.test_cli_runner().invoke(args=["send-mail"])
    assert result.exit_code == 0 and "attempted 0" in result.output  # not due yet
    with unit_of_work():
        db.session.execute(
            OutboundEmail.__table__.update().values(next_attempt_at=datetime(2000, 1, 1))
        )
    result = app.test_cli_runner().invoke(args=["send-mail"])
    assert result.exit_code == 0 and "1 sent" in result.output
    assert smtp.recipients() == ["a@example.org"]


def test_send_mail_command_without_smtp(app, db):
    result = app.test_cli_runner().invoke(args=["send-mail"])
    assert result.exit_code != 0 and "SMTP_HOST" in result.output


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
def test_dev_server_runs_the_workers_and_ctrl_c_stops_both(tmp_path):
    port = _free_port()
    env = {
        **os.environ,
        "PORT": str(port),
        "SEOUL_INSTANCE_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'dev.db'}",
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("REDIS_URL", None)
    env.pop("HUEY_URL", None)
    proc = subprocess.Popen(
        [sys.executable, "wsgi.py"], cwd=ROOT, env=env, stderr=subprocess.PIPE, text=True
    )
    try:
        deadline, healthy = time.monotonic() + 30, False
        while time.monotonic() < deadline and not healthy:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as r:
                    healthy = r.status == 200
            except OSError:
                time.sleep(0.2)
        assert healthy, "the development server did not answer"
        assert (tmp_path / "huey.db").exists()  # the embedded default: a file in the instance
        proc.send_signal(signal.SIGINT)
        _out, err = proc.communicate(timeout=40)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 0, err[-2000:]
    assert "Background jobs: 2 worker threads" in err
    assert "Background jobs stopped" in err
