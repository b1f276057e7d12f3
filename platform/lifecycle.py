"""Lifecycles: the shared convention for every feature whose rows have states.

A feature declares its states once, in its own ``lifecycle.py``, as a `TransitionTable`: the
states, the allowed moves and the roles that may make each move. The table is pure data (this
part of the module imports nothing but the standard library, so feature tables can be imported
and tested without Flask or a database; tests/core/test_lifecycle.py checks it in a subprocess).

Services then move a row with `transition()`, the one compare-and-set helper:

1. the move must be in the table (else `Conflict`) and one of the actor's roles must be allowed
   to make it (else `PermissionDenied`) — checked before touching the database;
2. ``UPDATE <table> SET <state> = :to WHERE id = :id AND <state> = :expected`` — never a state
   read in Python and written back, so of N concurrent moves from one state exactly one wins;
3. the winner writes the history entry (who, from, to, when, reason) in the same transaction;
4. a loser (0 rows moved) gets `Conflict` naming the state the row is in now, with the table's
   translated message for that state ("This join request is already declined.").

History: one shared ``state_changes`` table (`seoul_platform.audit.models.StateChange`: subject
type + subject id + from + to + actor + role + reason + at) rather than a history model per
feature. Every feature's "show its history" page is then the same query (`history()`) and the
same template; one migration serves pilots and training too; deleting a person's data touches
one table; and a feature cannot forget to write history, because the helper does it. The price
is no foreign key from a history row to its subject: history is an audit record and outlives
its subject on purpose (``ondelete`` of the subject does not cascade), and lookups go through
the ``(subject_type, subject_id)`` index.

Roles are the names a feature gives to the relationship between actor and row ("official",
"org_admin", "invitee", "self", "system"). Who holds which role for a given row is an object
-level rule and so lives in the feature's permissions module; the table only says which roles
may make a move. "system" is for moves the platform makes on its own or as a consequence of
another change (an invitation revoked because its sender was disabled, expiry).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # only for type checkers: the table part stays importable without them
    from .accounts.models import User
    from .audit.models import StateChange

SYSTEM = "system"


def N_(message: str) -> str:
    """Mark a message for translation without translating it now (tables are pure data;
    `transition()` translates when it raises). pybabel extracts ``N_`` by default."""
    return message


class LifecycleError(Exception):
    """Base of the pure table's refusals; `transition()` turns them into domain errors."""


class IllegalMove(LifecycleError):
    """The table has no move from this state to that one."""


class RoleNotAllowed(LifecycleError):
    """The move exists, but none of the actor's roles may make it."""


@dataclass(frozen=True)
class TransitionTable:
    """States, allowed moves and who may make each move, for one kind of subject.

    ``moves`` maps ``(from_state, to_state)`` to the roles allowed to make that move; a move
    from a state to itself is allowed when listed (e.g. re-sending an open invitation).
    ``conflict_messages`` maps every state to the message shown when a move fails because
    the row is in that state now (marked with ``N_``; translated when raised).
    """

    subject_type: str
    states: frozenset[str]
    moves: Mapping[tuple[str, str], frozenset[str]]
    conflict_messages: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for (source, target), roles in self.moves.items():
            if source not in self.states or target not in self.states:
                raise ValueError(f"{self.subject_type}: move {source}->{target} names no state")
            if not roles:
                raise ValueError(f"{self.subject_type}: move {source}->{target} has no role")
        missing = self.states - set(self.conflict_messages)
        if missing:
            raise ValueError(f"{self.subject_type}: no conflict message for {sorted(missing)}")

    @classmethod
    def build(
        cls,
        subject_type: str,
        moves: Iterable[tuple[str, str, Iterable[str]]],
        conflict_messages: Mapping[str, str],
    ) -> TransitionTable:
        """A table from ``(from, to, roles)`` triples; the states are those the messages name."""
        table: dict[tuple[str, str], frozenset[str]] = {}
        for source, target, roles in moves:
            key = (str(source), str(target))
            table[key] = table.get(key, frozenset()) | frozenset(roles)
        return cls(
            subject_type=subject_type,
            states=frozenset(str(s) for s in conflict_messages),
            moves=table,
            conflict_messages={str(k): v for k, v in conflict_messages.items()},
        )

    def allows(self, source: str, target: str) -> bool:
        return (str(source), str(target)) in self.moves

    def roles_for(self, source: str, target: str) -> frozenset[str]:
        return self.moves.get((str(source), str(target)), frozenset())

    def targets(self, source: str, roles: Iterable[str] = ()) -> frozenset[str]:
        """The states reachable from ``source`` in one move by someone holding ``roles``
        (all targets when ``roles`` is empty)."""
        wanted = set(roles)
        return frozenset(
            target
            for (src, target), allowed in self.moves.items()
            if src == str(source) and (not wanted or allowed & wanted)
        )

    def is_terminal(self, state: str) -> bool:
        return not self.targets(state)

    def check(self, source: str, target: str, roles: Iterable[str]) -> str:
        """The role under which ``roles`` may make the move (the first in sorted order);
        raises IllegalMove or RoleNotAllowed."""
        if not self.allows(source, target):
            raise IllegalMove(f"{self.subject_type}: no move {source}->{target}")
        granted = sorted(self.roles_for(source, target) & set(roles))
        if not granted:
            raise RoleNotAllowed(
                f"{self.subject_type}: {source}->{target} needs one of "
                f"{sorted(self.roles_for(source, target))}"
            )
        return granted[0]


# ---- the compare-and-set helper (needs Flask and the database; imported when called) --------


def transition(
    table: TransitionTable,
    model: type,
    row_id: int,
    *,
    expected: str,
    to: str,
    actor: User | None,
    roles: Iterable[str],
    reason: str = "",
    values: Mapping[str, Any] | None = None,
    where: Iterable[Any] = (),
    where_message: str = "",
    state_attr: str = "status",
) -> StateChange:
    """Move row ``row_id`` of ``model`` from ``expected`` to ``to`` and record it.

    Checks the move against ``table`` first (Conflict if the table has no such move,
    PermissionDenied if none of ``roles`` may make it), then runs one conditional UPDATE that
    also sets ``values`` (timestamps, who decided...); ``where`` adds conditions to that UPDATE
    (e.g. "not expired yet"), and ``where_message`` is the Conflict when the state matched but
    they did not. When no row moved, raises NotFound if the row does not exist,
    else Conflict with the table's message for its current state.
    The winner's history entry is added to the session and flushed. An instance of the row
    already in the session is expired, so reading it afterwards shows the new state.
    """
    from flask_babel import gettext
    from sqlalchemy import select, update
    from sqlalchemy.orm.util import identity_key

    from .audit.models import StateChange
    from .db import db, utcnow
    from .errors import Conflict, NotFound, PermissionDenied

    expected, to = str(expected), str(to)
    try:
        role = table.check(expected, to, roles)
    except IllegalMove as exc:
        raise Conflict(gettext(table.conflict_messages[expected])) from exc
    except RoleNotAllowed as exc:
        raise PermissionDenied(gettext("You may not make this change.")) from exc

    column = getattr(model, state_attr)
    moved = db.session.execute(
        update(model)
        .where(model.id == row_id, column == expected, *where)
        .values({state_attr: to, **(values or {})})
        .execution_options(synchronize_session=False)
    ).rowcount
    if moved != 1:
        current = db.session.scalar(select(column).where(model.id == row_id))
        if current is None:
            raise NotFound(gettext("Not found"))
        if str(getattr(current, "value", current)) == expected and where_message:
            raise Conflict(gettext(where_message))  # the state matched; ``where`` did not
        raise Conflict(gettext(table.conflict_messages[str(getattr(current, "value", current))]))

    loaded = db.session.identity_map.get(identity_key(model, row_id))
    if loaded is not None:
        db.session.expire(loaded)
    change = StateChange(
        subject_type=table.subject_type,
        subject_id=row_id,
        from_state=expected,
        to_state=to,
        actor_id=actor.id if actor is not None else None,
        role=role,
        reason=reason.strip()[:2000],
        at=utcnow(),
    )
    db.session.add(change)
    db.session.flush()
    return change


def record_start(
    table: TransitionTable,
    row_id: int,
    state: str,
    *,
    actor: User | None,
    role: str,
    reason: str = "",
) -> StateChange:
    """Record the first state of a new row (from_state ``""``), so that its history shows
    every state it was in, the first included. Flushes."""
    from .audit.models import StateChange
    from .db import db, utcnow

    if state not in table.states:
        raise IllegalMove(f"{table.subject_type}: unknown state {state!r}")
    change = StateChange(
        subject_type=table.subject_type,
        subject_id=row_id,
        from_state="",
        to_state=state,
        actor_id=actor.id if actor is not None else None,
        role=role,
        reason=reason.strip()[:2000],
        at=utcnow(),
    )
    db.session.add(change)
    db.session.flush()
    return change


def history(subject_type: str, subject_id: int) -> list[StateChange]:
    """Every recorded move of one subject, oldest first (for "show its history" pages)."""
    from sqlalchemy import select

    from .audit.models import StateChange
    from .db import db

    return list(
        db.session.scalars(
            select(StateChange)
            .where(StateChange.subject_type == subject_type, StateChange.subject_id == subject_id)
            .order_by(StateChange.id)
        )
    )
