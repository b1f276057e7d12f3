"""The pilots lifecycle tables are consistent (pure: no app, no database)."""

from __future__ import annotations

import pytest

from seoul_platform.pilots import lifecycle
from seoul_platform.pilots.models import InterestStatus, RequestStatus


def _reachable(table, start: str) -> set[str]:
    seen, todo = {start}, [start]
    while todo:
        for target in table.targets(todo.pop()):
            if target not in seen:
                seen.add(target)
                todo.append(target)
    return seen


def test_the_request_table_names_exactly_the_model_states():
    assert lifecycle.PILOT_REQUEST.states == {s.value for s in RequestStatus}
    assert lifecycle.INTEREST.states == {s.value for s in InterestStatus}


def test_every_state_is_reachable_from_a_draft():
    assert _reachable(lifecycle.PILOT_REQUEST, "draft") == lifecycle.PILOT_REQUEST.states


def test_only_completed_rejected_and_cancelled_are_final():
    final = {s for s in lifecycle.PILOT_REQUEST.states if lifecycle.PILOT_REQUEST.is_terminal(s)}
    assert final == {"completed", "rejected", "cancelled"}


@pytest.mark.parametrize("state", ["in_progress", "evaluation", "completed"])
def test_a_running_partnership_cannot_be_rejected_or_cancelled(state):
    assert not lifecycle.PILOT_REQUEST.allows(state, "rejected")
    assert not lifecycle.PILOT_REQUEST.allows(state, "cancelled")


def test_officials_never_move_a_draft_they_cannot_see():
    roles = {lifecycle.OFFICIAL}
    assert lifecycle.PILOT_REQUEST.targets("draft", roles) == frozenset()


def test_every_move_needing_a_reason_exists():
    for source, target in lifecycle.REASON_REQUIRED:
        assert lifecycle.PILOT_REQUEST.allows(source, target), (source, target)


def test_factory_states_are_consistent(pilots, city):
    for status in RequestStatus:
        req = pilots.request(city, status.value)
        assert req.status == status
        assert (req.submitted_at is None) == (status in ("draft",) or status == "cancelled")
