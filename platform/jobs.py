"""The task queue: one Huey instance, configured from the app at create_app.

Storage follows the configuration: ``HUEY_URL`` if set, else Redis when ``REDIS_URL`` is set,
else a SQLite file under the instance folder (the embedded default, one machine). Tests set
``HUEY_IMMEDIATE``: a task runs synchronously, in memory, when it is enqueued.

Feature tasks live in ``<feature>/tasks.py`` and are imported by `init_app`, so that the
consumer knows them. A task runs inside `job_context()` (an app context of its own, hence its
own database session) and opens `unit_of_work(write=True)` around the services it calls.

Consumers: ``flask --app wsgi worker`` (production, a second long-running process) or
`embedded_consumer` (``python wsgi.py``: worker threads inside the development server).
"""

from __future__ import annotations

import contextlib
import logging
import signal
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import click
from flask import Flask, current_app, has_app_context
from flask.cli import with_appcontext
from huey import Huey
from huey.consumer import Consumer
from huey.storage import MemoryStorage, RedisStorage, SqliteStorage

log = logging.getLogger("seoul_platform.jobs")

# results=False: our tasks return nothing worth keeping, so storage never grows with results.
# Until init_app binds it, the queue is in memory (nothing may be enqueued before that).
huey = Huey("seoul_platform", results=False, utc=True, storage_class=MemoryStorage)
_bound: dict[str, Flask] = {}


def storage_for(url: str) -> tuple[type, dict]:
    """The Huey storage class and its arguments for a queue URL:
    ``memory://``, ``sqlite:///path/to/huey.db``, ``redis://…`` / ``rediss://…``."""
    scheme = urlsplit(url).scheme
    if scheme == "memory":
        return MemoryStorage, {}
    if scheme == "sqlite":
        path = url.removeprefix("sqlite:///")
        if not path or path == url:
            raise ValueError(f"a SQLite queue URL looks like sqlite:///path/huey.db, not {url!r}")
        return SqliteStorage, {"filename": path}
    if scheme in {"redis", "rediss", "unix"}:
        return RedisStorage, {"url": url}
    raise ValueError(f"unsupported task queue URL scheme {scheme!r}")


def queue_url(config: dict, instance_path: str | Path) -> str:
    return (
        config.get("HUEY_URL")
        or config.get("REDIS_URL")
        or f"sqlite:///{Path(instance_path) / 'huey.db'}"
    )


def init_app(app: Flask) -> None:
    storage_class, kwargs = storage_for(queue_url(app.config, app.instance_path))
    if storage_class is SqliteStorage:
        Path(kwargs["filename"]).parent.mkdir(parents=True, exist_ok=True)
    huey.storage_class = storage_class
    huey.storage_kwargs = kwargs
    huey.immediate = bool(app.config.get("HUEY_IMMEDIATE"))
    huey.storage = huey.create_storage()
    _bound["app"] = app
    app.extensions["huey"] = huey
    app.cli.add_command(worker_command)

    # Import every feature's tasks so that they are registered with the queue.
    from .mail import tasks  # noqa: F401
    from .onboarding import tasks as _onboarding_tasks  # noqa: F401
    from .pilots import tasks as _pilot_tasks  # noqa: F401
    from .training import tasks as _training_tasks  # noqa: F401


@contextlib.contextmanager
def job_context() -> Iterator[Flask]:
    """An app context of its own for a task. In immediate mode (tests) a task runs inside the
    caller's context: it uses the caller's app but still gets a fresh context and session."""
    app = current_app._get_current_object() if has_app_context() else _bound.get("app")
    if app is None:
        raise RuntimeError("the task queue is not bound to an app (create_app binds it)")
    with app.app_context():
        yield app


def enqueue_safely(task, *args) -> None:
    """Enqueue, but never fail the caller: an after-commit effect is best-effort and the
    periodic sweeps pick up whatever an unreachable queue missed."""
    try:
        task(*args)
    except Exception:
        log.exception("could not enqueue %s%r; the periodic sweep will do it", task.name, args)


@dataclass(frozen=True)
class QueueSummary:
    storage: str  # sqlite, redis, memory
    immediate: bool
    pending: int | None  # None: the queue storage cannot be reached
    scheduled: int | None
    periodic: tuple[str, ...]


def queue_summary() -> QueueSummary:
    """Counts for the officials' outbox page; never raises when the storage is down."""
    kind = {SqliteStorage: "sqlite", RedisStorage: "redis", MemoryStorage: "memory"}.get(
        type(huey.storage), type(huey.storage).__name__
    )
    periodic = tuple(sorted(t.name for t in huey._registry.periodic_tasks))
    try:
        pending, scheduled = huey.pending_count(), huey.scheduled_count()
    except Exception:
        log.warning("task queue storage unreachable", exc_info=True)
        pending = scheduled = None
    return QueueSummary(kind, huey.immediate, pending, scheduled, periodic)


def create_consumer(workers: int) -> Consumer:
    if huey.immediate:
        raise click.ClickException("the task queue is in immediate mode (HUEY_IMMEDIATE)")
    # max_delay: an idle consumer polls SQLite storage at most every 2 s (Huey's default is
    # 10 s), so mail goes out within seconds of its commit; Redis storage blocks instead.
    return huey.create_consumer(workers=workers, worker_type="thread", periodic=True, max_delay=2.0)


@contextlib.contextmanager
def embedded_consumer(app: Flask) -> Iterator[Consumer | None]:
    """Run consumer threads beside the development server; stop them when the block ends.

    Huey's `Consumer.start` installs its own SIGINT/SIGTERM handlers, which would swallow the
    server's Ctrl-C; they are put back, so Ctrl-C stops the server and then this block stops
    the workers (waiting at most ``HUEY_SHUTDOWN_TIMEOUT`` seconds for a running task).
    """
    if huey.immediate:
        yield None
        return
    consumer = create_consumer(app.config.get("HUEY_WORKERS", 2))
    consumer.shutdown_timeout = app.config.get("HUEY_SHUTDOWN_TIMEOUT", 30)
    signals = [signal.SIGINT, signal.SIGTERM]
    if hasattr(signal, "SIGHUP"):
        signals.append(signal.SIGHUP)
    saved = {s: signal.getsignal(s) for s in signals}
    consumer.start()
    for signum, handler in saved.items():
        signal.signal(signum, handler)
    try:
        yield consumer
    finally:
        consumer.stop(graceful=True)


@click.command("worker")
@with_appcontext
@click.option("--workers", type=int, default=None, help="Worker threads (HUEY_WORKERS).")
def worker_command(workers: int | None) -> None:
    """Run the task queue consumer: background jobs and periodic tasks (long-running)."""
    app = current_app
    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    consumer = create_consumer(workers or app.config.get("HUEY_WORKERS", 2))
    consumer.shutdown_timeout = app.config.get("HUEY_SHUTDOWN_TIMEOUT", 30)
    click.echo(f"task queue: {queue_url(app.config, app.instance_path).split('@')[-1]}")
    consumer.run()
