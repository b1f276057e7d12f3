"""The assignment solver: exact optimality, hard constraints, fair mode, diagnostics."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from matching.assign_reference import (
    brute_force,
    check_feasible,
    lp_optimum,
    milp_fair_optimum,
    random_problem,
)

from seoul_platform.matching.assignment import (
    AssignmentError,
    AssignmentFirm,
    AssignmentProblem,
    AssignmentRequest,
    Edge,
    solve_assignment,
)


def _problem(reqs, firms, edges, forbidden=(), pinned=()):
    return AssignmentProblem(
        tuple(AssignmentRequest(*r) for r in reqs),
        tuple(AssignmentFirm(*f) for f in firms),
        tuple(Edge(*e) for e in edges),
        tuple(forbidden),
        tuple(pinned),
    )


@st.composite
def small_problems(draw):
    n_req = draw(st.integers(1, 4))
    n_firm = draw(st.integers(1, 3))
    reqs = [AssignmentRequest(f"r{i}", draw(st.integers(0, 3))) for i in range(n_req)]
    firms = []
    for j in range(n_firm):
        cap = draw(st.integers(0, 3))
        firms.append(AssignmentFirm(f"f{j}", cap, draw(st.integers(0, min(cap, 2)))))
    scores = st.one_of(
        st.sampled_from([0.0, 0.5, 1.0]), st.floats(0, 1, allow_nan=False, allow_subnormal=False)
    )
    edges = [Edge(r.id, f.id, draw(scores)) for r in reqs for f in firms if draw(st.booleans())][
        :10
    ]  # brute force enumerates 2**edges subsets
    keys = [(e.request, e.firm) for e in edges]
    forbidden = [k for k in keys if draw(st.integers(0, 9)) == 0]
    allowed = [k for k in keys if k not in forbidden]
    pinned = [k for k in allowed if draw(st.integers(0, 9)) == 0]
    return AssignmentProblem(
        tuple(reqs), tuple(firms), tuple(edges), tuple(forbidden), tuple(pinned)
    )


def _solve_or_none(p, fair):
    try:
        return solve_assignment(p, fair=fair)
    except AssignmentError:
        return None


@settings(max_examples=250, deadline=None)
@given(small_problems(), st.booleans())
def test_equals_brute_force(p, fair):
    expected = brute_force(p, fair)
    res = _solve_or_none(p, fair)
    if expected is None:
        assert res is None, "solver accepted an infeasible round"
        return
    assert res is not None, "solver rejected a feasible round"
    check_feasible(p, res)
    assert abs(res.objective - expected[1]) < 1e-9
    if fair:
        assert res.served_requests == expected[0]


@pytest.mark.parametrize("seed", range(6))
def test_plain_equals_highs_lp_on_larger_instances(seed):
    p = random_problem(seed, n_req=60, n_firm=90, density=0.12, pins=4)
    expected = lp_optimum(p)
    res = _solve_or_none(p, fair=False)
    assert (res is None) == (expected is None)
    if res is not None:
        check_feasible(p, res)
        assert abs(res.objective - expected) < 1e-6


@pytest.mark.parametrize("seed", range(6))
def test_plain_equals_highs_lp_when_seats_are_scarce(seed):
    # Fewer firm seats than request units: the solver then searches from the firm side.
    p = random_problem(seed, n_req=80, n_firm=25, density=0.2, pins=3)
    assert sum(f.capacity for f in p.firms) < sum(r.demand for r in p.requests)
    expected = lp_optimum(p)
    res = _solve_or_none(p, fair=False)
    assert (res is None) == (expected is None)
    if res is not None:
        check_feasible(p, res)
        assert abs(res.objective - expected) < 1e-6


@pytest.mark.parametrize("seed", range(4))
def test_fair_equals_highs_milp_on_larger_instances(seed):
    # Scarce capacity so fair and plain differ.
    p = random_problem(seed, n_req=40, n_firm=15, density=0.15, pins=2, with_min_loads=False)
    served, score = milp_fair_optimum(p)
    res = solve_assignment(p, fair=True)
    check_feasible(p, res)
    assert res.served_requests == served
    assert abs(res.objective - score) < 1e-6


def test_fair_mode_serves_a_request_plain_mode_leaves_out():
    # r1 likes f1 best; r2 can only use f1; f1 has one seat.
    p = _problem(
        [("r1", 1), ("r2", 1)],
        [("f1", 1), ("f2", 1)],
        [("r1", "f1", 0.9), ("r1", "f2", 0.1), ("r2", "f1", 0.5)],
    )
    plain = solve_assignment(p)
    fair = solve_assignment(p, fair=True)
    assert plain.served_requests == 1 and abs(plain.objective - 0.9) < 1e-12
    assert fair.served_requests == 2 and abs(fair.objective - 0.6) < 1e-12
    assert {(a.request, a.firm) for a in fair.assignments} == {("r1", "f2"), ("r2", "f1")}


def test_pairs_given_as_lists_are_accepted():
    p = AssignmentProblem(
        (AssignmentRequest("r1", 1), AssignmentRequest("r2", 1)),
        (AssignmentFirm("f1", 1), AssignmentFirm("f2", 1)),
        (Edge("r1", "f1", 0.9), Edge("r1", "f2", 0.5), Edge("r2", "f2", 0.4)),
        forbidden=[["r1", "f1"]],  # type: ignore[arg-type]
        pinned=[["r2", "f2"]],  # type: ignore[arg-type]
    )
    res = solve_assignment(p)
    assert {(a.request, a.firm) for a in res.assignments} == {("r2", "f2")}
    assert res.unfilled[0].reason.code == "firms_full"


def test_zero_score_edge_still_fills_a_seat():
    p = _problem([("r1", 2)], [("f1", 1), ("f2", 1)], [("r1", "f1", 0.0), ("r1", "f2", 0.3)])
    res = solve_assignment(p)
    assert len(res.assignments) == 2 and not res.unfilled


def test_same_result_for_any_input_order():
    p = random_problem(11, n_req=30, n_firm=20, density=0.3, pins=3)
    base = solve_assignment(p)
    rnd = random.Random(5)
    for _ in range(3):
        shuffled = AssignmentProblem(
            tuple(rnd.sample(p.requests, len(p.requests))),
            tuple(rnd.sample(p.firms, len(p.firms))),
            tuple(rnd.sample(p.edges, len(p.edges))),
            p.forbidden,
            p.pinned,
        )
        other = solve_assignment(shuffled)
        assert {(a.request, a.firm) for a in other.assignments} == {
            (a.request, a.firm) for a in base.assignments
        }


def test_pinned_over_capacity_names_pair_and_capacity():
    p = _problem(
        [("r7", 1), ("r8", 1)],
        [("f3", 1)],
        [("r7", "f3", 0.5), ("r8", "f3", 0.4)],
        pinned=[("r7", "f3"), ("r8", "f3")],
    )
    with pytest.raises(AssignmentError, match="pinned pairs r7–f3, r8–f3 exceed f3's capacity 1"):  # noqa: RUF001 (the en dash is the contract)
        solve_assignment(p)


def test_pinned_single_pair_over_zero_capacity():
    p = _problem([("r7", 1)], [("f3", 0)], [("r7", "f3", 0.5)], pinned=[("r7", "f3")])
    with pytest.raises(AssignmentError, match="pinned pair r7–f3 exceeds f3's capacity 0"):  # noqa: RUF001 (the en dash is the contract)
        solve_assignment(p)


def test_pinned_forbidden_is_rejected():
    p = _problem(
        [("r1", 1)],
        [("f2", 1)],
        [("r1", "f2", 0.5)],
        forbidden=[("r1", "f2")],
        pinned=[("r1", "f2")],
    )
    with pytest.raises(AssignmentError, match="pinned pair r1–f2 is forbidden"):  # noqa: RUF001 (the en dash is the contract)
        solve_assignment(p)


def test_pinned_over_demand_is_rejected():
    p = _problem(
        [("r1", 1)],
        [("f1", 1), ("f2", 1)],
        [("r1", "f1", 0.5), ("r1", "f2", 0.5)],
        pinned=[("r1", "f1"), ("r1", "f2")],
    )
    with pytest.raises(AssignmentError, match="exceed r1's demand 1"):
        solve_assignment(p)


def test_min_load_infeasible_names_the_firms():
    p = _problem(
        [("r1", 1), ("r2", 1), ("r3", 1)],
        [("f1", 3, 2), ("f2", 3, 2), ("f3", 3, 0)],
        [("r1", "f1", 1), ("r2", "f1", 1), ("r1", "f2", 1), ("r2", "f2", 1), ("r3", "f3", 1)],
    )
    with pytest.raises(AssignmentError) as info:
        solve_assignment(p)
    d = info.value.diagnostic
    assert d.code == "min_load_infeasible"
    assert d.params["firms"] == ["f1", "f2"] and d.params["need"] == 4 and d.params["supply"] == 2
    assert "f1, f2 need 4 requests" in d.message


def test_min_loads_are_met_even_against_scores():
    p = _problem(
        [("r1", 1)],
        [("f1", 1, 0), ("f2", 1, 1)],
        [("r1", "f1", 0.9), ("r1", "f2", 0.1)],
    )
    res = solve_assignment(p)
    assert [(a.request, a.firm) for a in res.assignments] == [("r1", "f2")]


def test_unfilled_reasons_name_the_binding_constraint():
    p = AssignmentProblem(
        (
            AssignmentRequest("r5", 3, "energy"),
            AssignmentRequest("r6", 2, "energy"),
            AssignmentRequest("r7", 1, "mobility"),
        ),
        (AssignmentFirm("f1", 1), AssignmentFirm("f2", 1)),
        (
            Edge("r5", "f1", 0.9),
            Edge("r6", "f1", 0.2),
            Edge("r6", "f2", 0.8),
            Edge("r7", "f1", 0.1),
        ),
    )
    res = solve_assignment(p)
    reasons = {u.request: u.reason.message for u in res.unfilled}
    assert reasons["r5"] == "request r5: only 1 eligible firm for demand 3"
    assert reasons["r6"] == "request r6: its 1 other eligible firm is at capacity"
    assert reasons["r7"] == "request r7: all 1 eligible firm is at capacity"
    messages = [d.message for d in res.diagnostics]
    assert "sector energy: demand 5 > capacity 2" in messages
    # r7 could use f1's whole capacity 1: a sector total no larger than it is no shortage.
    assert not any("mobility" in m for m in messages)


def test_alternates_are_the_next_best_unchosen_allowed_firms():
    p = _problem(
        [("r1", 1)],
        [("f1", 1), ("f2", 1), ("f3", 1), ("f4", 0)],
        [("r1", "f1", 0.9), ("r1", "f2", 0.5), ("r1", "f3", 0.7), ("r1", "f4", 0.95)],
        forbidden=[("r1", "f3")],
    )
    res = solve_assignment(p, alternates=5)
    alts = res.alternates["r1"]
    assert [a.firm for a in alts] == ["f4", "f2"]
    assert [a.has_capacity for a in alts] == [False, True]


def test_progress_is_reported_and_reaches_one():
    p = random_problem(3, n_req=50, n_firm=40, density=0.2)
    seen: list[float] = []
    solve_assignment(p, progress=seen.append)
    assert seen and seen == sorted(seen) and seen[-1] == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("problem", "fragment"),
    [
        (_problem([("r1", 1), ("r1", 2)], [], []), "duplicate request id r1"),
        (_problem([("r1", -1)], [], []), "demand must be an integer ≥ 0"),
        (_problem([("r1", 1.5)], [], []), "demand must be an integer ≥ 0"),
        (_problem([], [("f1", -2)], []), "capacity must be an integer ≥ 0"),
        (_problem([], [("f1", 1, 2)], []), "minimum load must be an integer between 0"),
        (_problem([("r1", 1)], [("f1", 1)], [("r1", "f9", 0.1)]), "unknown firm 'f9'"),
        (_problem([("r1", 1)], [("f1", 1)], [("r1", "f1", float("nan"))]), "finite number"),
        (_problem([("r1", 1)], [("f1", 1)], [("r1", "f1", -0.1)]), "finite number ≥ 0"),
        (
            _problem([("r1", 1)], [("f1", 1)], [("r1", "f1", 0.1), ("r1", "f1", 0.2)]),
            "duplicate edge r1–f1",  # noqa: RUF001 (the en dash is the contract)
        ),
        (_problem([("r1", 1)], [("f1", 1)], [], forbidden=[("r2", "f1")]), "unknown request"),
        (_problem([("r1", 1)], [("f1", 1)], [], pinned=[("r1", "f1")]), "is not an edge"),
        (
            _problem(
                [("r1", 2)], [("f1", 1), ("f2", 1)], [("r1", "f1", 1.5e308), ("r1", "f2", 1.5e308)]
            ),
            "total overflows",
        ),
    ],
)
def test_malformed_problems_are_rejected_with_a_named_fault(problem, fragment):
    with pytest.raises(AssignmentError, match=fragment):
        solve_assignment(problem)
