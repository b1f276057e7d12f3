"""The lifecycle convention: pure transition tables, and the one compare-and-set helper."""

from __future__ import annotations

import subprocess
import sys

import pytest
from sqlalchemy import func, select

from seoul_platform.accounts import lifecycle as accounts_lifecycle
from seoul_platform.accounts.models import User, UserStatus
from seoul_platform.audit.models import StateChange
from seoul_platform.db import unit_of_work
from seoul_platform.errors import Conflict, NotFound, PermissionDenied
from seoul_platform.lifecycle import (
    N_,
    IllegalMove,
    RoleNotAllowed,
    TransitionTable,
    history,
    transition,
)
from seoul_platform.onboarding import lifecycle as onboarding_lifecycle
from seoul_platform.onboarding.models import JoinRequest, JoinRequestStatus

DOOR = TransitionTable.build(
    "door",
    [("shut", "open", {"keyholder"}), ("open", "shut", {"keyholder", "system"})],
    {"shut": N_("The door is shut."), "open": N_("The door is open.")},
)


# ---- the pure table -------------------------------------------------------------------------


def test_table_checks_moves_and_roles():
    assert DOOR.check("shut", "open", {"keyholder", "guest"}) == "keyholder"
    with pytest.raises(IllegalMove):
        DOOR.check("shut", "shut", {"keyholder"})
    with pytest.raises(RoleNotAllowed):
        DOOR.check("open", "shut", {"guest"})
    assert DOOR.targets("open") == {"shut"}
    assert DOOR.targets("shut", {"system"}) == frozenset()
    assert not DOOR.is_terminal("open")


def test_table_refuses_unknown_states_and_missing_messages():
    with pytest.raises(ValueError, match="names no state"):
        TransitionTable.build("x", [("a", "b", {"r"})], {"a": "A"})
    with pytest.raises(ValueError, match="no role"):
        TransitionTable.build("x", [("a", "b", set())], {"a": "A", "b": "B"})
    with pytest.raises(ValueError, match="no conflict message"):
        TransitionTable(
            subject_type="x",
            states=frozenset({"a", "b"}),
            moves={("a", "b"): frozenset({"r"})},
            conflict_messages={"a": "A"},
        )


def test_account_tables_match_their_enums():
    assert accounts_lifecycle.USER.states == {s.value for s in UserStatus}
    assert onboarding_lifecycle.JOIN_REQUEST.states == {s.value for s in JoinRequestStatus}
    # The holes that let vetting be skipped stay closed:
    user = accounts_lifecycle.USER
    assert not user.allows("declined", "active")
    assert user.roles_for("pending", "active") == {"system"}  # only via the join request
    assert user.targets("declined") == {"deleted"}


PURITY = """
import sys
import seoul_platform.lifecycle
import seoul_platform.accounts.lifecycle, seoul_platform.onboarding.lifecycle
bad = [m for m in sys.modules if m.split(".")[0] in ("flask", "sqlalchemy", "flask_babel")]
assert not bad, f"lifecycle tables imported the web stack: {bad}"
print("pure")
"""


def test_tables_import_without_flask_or_the_database():
    proc = subprocess.run(
        [sys.executable, "-c", PURITY], capture_output=True, text=True, timeout=120, check=False
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "pure"


# ---- the compare-and-set helper --------------------------------------------------------------


@pytest.fixture
def join_request(db, make, official):
    org = make.org("company")
    applicant = make.user(org, role="admin", status=UserStatus.PENDING)
    row = JoinRequest(organization_id=org.id, applicant_id=applicant.id, motivation="m")
    db.session.add(row)
    db.session.commit()
    return row


def _move(row_id, actor, *, to="approved", roles=("official",), expected="pending"):
    return transition(
        onboarding_lifecycle.JOIN_REQUEST,
        JoinRequest,
        row_id,
        expected=expected,
        to=to,
        actor=actor,
        roles=roles,
        reason="because",
    )


def test_transition_moves_the_row_and_writes_history(db, join_request, official):
    with unit_of_work():
        change = _move(join_request.id, official)
        assert join_request.status == JoinRequestStatus.APPROVED  # the loaded row is refreshed
    rows = history("join_request", join_request.id)
    assert [(r.from_state, r.to_state, r.actor_id, r.role, r.reason) for r in rows] == [
        ("pending", "approved", official.id, "official", "because")
    ]
    assert rows[0].id == change.id and rows[0].at is not None


def test_a_second_move_from_the_same_state_is_a_conflict_naming_the_state(
    db, join_request, official
):
    with unit_of_work():
        _move(join_request.id, official, to="approved")
    with pytest.raises(Conflict) as err, unit_of_work():
        _move(join_request.id, official, to="approved")
    assert err.value.detail == "This join request is already approved."
    assert db.session.scalar(select(func.count(StateChange.id))) == 1


def test_role_and_table_are_checked_before_the_database(db, join_request, city_member):
    with pytest.raises(PermissionDenied), unit_of_work():
        _move(join_request.id, city_member, roles=("member",))
    with pytest.raises(Conflict), unit_of_work():
        _move(join_request.id, city_member, expected="approved", to="pending")
    db.session.expire_all()
    assert db.session.get(JoinRequest, join_request.id).status == JoinRequestStatus.PENDING
    assert db.session.scalar(select(func.count(StateChange.id))) == 0


def test_unknown_row_is_not_found_and_rollback_drops_the_history(db, join_request, official):
    with pytest.raises(NotFound), unit_of_work():
        _move(10**6, official)
    with pytest.raises(RuntimeError), unit_of_work():
        _move(join_request.id, official)
        raise RuntimeError("the rest of the work failed")
    db.session.expire_all()
    assert db.session.get(JoinRequest, join_request.id).status == JoinRequestStatus.PENDING
    assert db.session.scalar(select(func.count(StateChange.id))) == 0
    assert db.session.get(User, join_request.applicant_id).status == UserStatus.PENDING


def test_extra_conditions_that_fail_give_their_own_message(db, join_request, official):
    with pytest.raises(Conflict) as err, unit_of_work():
        transition(
            onboarding_lifecycle.JOIN_REQUEST,
            JoinRequest,
            join_request.id,
            expected="pending",
            to="approved",
            actor=official,
            roles={"official"},
            where=[JoinRequest.motivation == "something else"],
            where_message=N_("The request changed meanwhile."),
        )
    assert err.value.detail == "The request changed meanwhile."
    assert db.session.scalar(select(func.count(StateChange.id))) == 0
