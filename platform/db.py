"""Database: the declarative base, the Flask-SQLAlchemy handle, the unit of work.

`unit_of_work()` is the one way a request handler, CLI command, background job or test runs a
transaction: it commits once at the end and then runs the effects registered with
`after_commit()` during it (socket pushes and disconnects, enqueued jobs, waking the mailer);
on rollback those effects are dropped. Services only flush.
"""

from __future__ import annotations

import contextlib
import contextvars
import enum
import logging
from collections.abc import Callable, Iterator
from datetime import UTC, datetime

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import Enum, MetaData, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Session

log = logging.getLogger("seoul_platform.db")

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)


def str_enum(cls: type[enum.Enum], name: str) -> Enum:
    """A portable enum column: VARCHAR plus a CHECK constraint, stored by value."""
    return Enum(
        cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        validate_strings=True,
        length=20,
        values_callable=lambda e: [m.value for m in e],
    )


def utcnow() -> datetime:
    """Timezone-aware now in UTC; used as a callable column default."""
    return datetime.now(UTC)


def as_utc(value: datetime) -> datetime:
    """SQLite returns naive datetimes for timezone-aware columns; they are UTC."""
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


# On SQLite a deferred transaction that reads and later writes can fail with SQLITE_BUSY
# without waiting, when another writer committed in between. Transactions that will write
# therefore start with BEGIN IMMEDIATE (the write lock is taken up front; waiters queue on
# busy_timeout). Write requests (POST, PUT, PATCH, DELETE) declare that intent in app.py;
# CLI commands, jobs and tests that write from several threads use `write_intent()`.
_write_intent: contextvars.ContextVar[bool] = contextvars.ContextVar("write_intent", default=False)


def set_write_intent(value: bool) -> contextvars.Token:
    return _write_intent.set(value)


@contextlib.contextmanager
def write_intent() -> Iterator[None]:
    """Begin transactions in this block with the write lock taken (SQLite only)."""
    token = _write_intent.set(True)
    try:
        yield
    finally:
        _write_intent.reset(token)


def configure_sqlite(engine: Engine) -> None:
    """Foreign keys on, WAL, a busy timeout, and explicit BEGIN handling for SQLite."""
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Take transaction control away from pysqlite so that our BEGIN is the one used.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        if engine.url.database and engine.url.database != ":memory:":
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        conn.exec_driver_sql("BEGIN IMMEDIATE" if _write_intent.get() else "BEGIN")


# ---- the unit of work ------------------------------------------------------------------------

_PENDING = "after_commit_pending"  # registered during the open transaction
_READY = "after_commit_ready"  # the transaction committed; waiting to run


def after_commit(effect: Callable[[], object]) -> None:
    """Run ``effect`` once the current transaction has committed; drop it on rollback.

    Effects are best-effort and must not touch the database session (the work is already
    committed): a failing effect is logged and the others still run.
    """
    db.session.info.setdefault(_PENDING, []).append(effect)


@event.listens_for(Session, "after_commit")
def _effects_committed(session: Session) -> None:
    pending = session.info.pop(_PENDING, None)
    if pending:
        session.info.setdefault(_READY, []).extend(pending)


@event.listens_for(Session, "after_rollback")
def _effects_dropped(session: Session) -> None:
    # Only a rollback of the outermost transaction fires this; a savepoint that rolls back
    # (begin_nested) keeps the effects of the enclosing transaction.
    session.info.pop(_PENDING, None)


def run_after_commit_effects() -> int:
    """Run the effects of transactions that have committed; returns how many ran."""
    ready = db.session.info.pop(_READY, None) or []
    for effect in ready:
        try:
            effect()
        except Exception:  # best-effort by contract: the change itself is committed
            log.exception("after-commit effect %r failed", effect)
    return len(ready)


@contextlib.contextmanager
def unit_of_work(*, write: bool | None = None) -> Iterator[Session]:
    """One transaction: commit once on success, roll back on any exception (re-raised).

    After the commit, the effects registered with `after_commit` run. ``write=True`` takes
    SQLite's write lock when the transaction begins (for CLI commands, jobs and threads that
    will write; web requests that write declare it in app.py).
    """
    token = _write_intent.set(True) if write else None
    session = db.session
    try:
        yield session
        session.commit()
    except BaseException as exc:
        session.rollback()
        _after_rollback(exc)
        raise
    finally:
        if token is not None:
            _write_intent.reset(token)
    run_after_commit_effects()


def _after_rollback(exc: BaseException) -> None:
    """Some refusals are facts worth keeping although the work is rolled back (a failed
    sign-in is a security event): an exception may carry ``record_after_rollback()``, which
    runs here in a transaction of its own."""
    cause: BaseException | None = exc
    while cause is not None and getattr(cause, "record_after_rollback", None) is None:
        cause = cause.__cause__  # e.g. the API turns a failed sign-in into a 401
    if cause is None:
        return
    record = cause.record_after_rollback  # type: ignore[attr-defined]
    try:
        with unit_of_work(write=True):
            record()
    except Exception:
        log.exception("recording %s after rollback failed", type(exc).__name__)
