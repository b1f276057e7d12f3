"""Matching rounds: exactly optimal assignment of requests to firms under hard constraints.

Pure library (stdlib only on the solve path; scipy is imported lazily to explain infeasible minimum
loads). The caller builds an :class:`AssignmentProblem` and calls :func:`solve_assignment`; invalid
or infeasible input raises :class:`AssignmentError` whose message names the binding constraint.

Objective, lexicographically (each level dominates the next by an integer "big M" bound):
1. every firm's minimum load is met (hard: if impossible the input is infeasible);
2. fair mode only: the number of requests with at least one firm is maximal;
3. the total score is maximal (scores rounded to multiples of 2**-k, k chosen so the result is
   within 1e-7 of the float optimum);
4. among equal scores, as many pairs as possible (a zero-score edge still fills a seat).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from .diagnostics import (
    Diagnostic,
    explain_min_loads,
    explain_unfilled,
    sector_shortages,
)
from .flow import FlowNetwork, solve_flow
from .validation import AssignmentError, check_and_index, pair_label, validate_problem

__all__ = [
    "Alternate",
    "AssignmentError",
    "AssignmentFirm",
    "AssignmentProblem",
    "AssignmentRequest",
    "AssignmentResult",
    "Edge",
    "Pair",
    "Unfilled",
    "pair_label",
    "solve_assignment",
    "validate_problem",
]

Id = str | int


@dataclass(frozen=True, slots=True)
class AssignmentRequest:
    """A pilot request in a matching round: wants up to ``demand`` partner firms."""

    id: Id
    demand: int
    sector: str | None = None  # optional label, used to explain shortages by sector


@dataclass(frozen=True, slots=True)
class AssignmentFirm:
    """A firm: at most ``capacity`` requests, at least ``min_load`` (0 = no minimum)."""

    id: Id
    capacity: int
    min_load: int = 0


@dataclass(frozen=True, slots=True)
class Edge:
    """An eligible pair and its score (finite, ≥ 0)."""

    request: Id
    firm: Id
    score: float


@dataclass(frozen=True)
class AssignmentProblem:
    """Everything a round needs. ``forbidden`` and ``pinned`` are (request id, firm id) pairs."""

    requests: tuple[AssignmentRequest, ...]
    firms: tuple[AssignmentFirm, ...]
    edges: tuple[Edge, ...]
    forbidden: tuple[tuple[Id, Id], ...] = ()
    pinned: tuple[tuple[Id, Id], ...] = ()


@dataclass(frozen=True, slots=True)
class Pair:
    request: Id
    firm: Id
    score: float
    pinned: bool = False


@dataclass(frozen=True, slots=True)
class Unfilled:
    request: Id
    missing: int
    reason: Diagnostic


@dataclass(frozen=True, slots=True)
class Alternate:
    """A feasible firm the request did not get, best first; ``has_capacity``: a seat is free."""

    firm: Id
    score: float
    has_capacity: bool


@dataclass(frozen=True)
class AssignmentResult:
    status: str  # always "optimal": infeasible input raises instead
    objective: float
    seconds: float
    assignments: tuple[Pair, ...]
    unfilled: tuple[Unfilled, ...]
    alternates: Mapping[Id, tuple[Alternate, ...]]
    diagnostics: tuple[Diagnostic, ...]
    served_requests: int
    fair: bool
    loads: Mapping[Id, int] = field(default_factory=dict)


def solve_assignment(
    problem: AssignmentProblem,
    *,
    fair: bool = False,
    alternates: int = 3,
    progress: Callable[[float], None] | None = None,
) -> AssignmentResult:
    """Choose the optimal set of pairs (see the module docstring for the objective).

    Inputs: the problem; ``fair`` to serve as many requests as possible first; ``alternates``: how
    many unchosen feasible firms to list per request; ``progress(fraction)`` called as the solve
    advances. Deterministic: the same input (in any order) gives the same output.
    Raises :class:`AssignmentError` for malformed input, pinned pairs that break a limit or are
    forbidden, and minimum loads that cannot all be met.
    """
    started = time.perf_counter()
    # Canonical (sorted-id) numbering makes the result independent of input order.
    ix = check_and_index(problem)
    edges = problem.edges
    reqs, firms, e_req, e_firm = ix.requests, ix.firms, ix.e_req, ix.e_firm
    forbidden = {(r, f) for r, f in problem.forbidden}  # lists from JSON are not hashable
    pinned = {(r, f) for r, f in problem.pinned}
    allowed = (
        [(e.request, e.firm) not in forbidden for e in edges] if forbidden else [True] * len(edges)
    )
    pinned_edges = (
        [i for i, e in enumerate(edges) if (e.request, e.firm) in pinned] if pinned else []
    )

    units = [r.demand for r in reqs]
    capacity = [f.capacity for f in firms]
    min_load = [f.min_load for f in firms]
    for i in pinned_edges:
        units[e_req[i]] -= 1
        capacity[e_firm[i]] -= 1
        min_load[e_firm[i]] = max(0, min_load[e_firm[i]] - 1)
    served_by_pin = {e_req[i] for i in pinned_edges}
    is_pinned = set(pinned_edges)

    # Free edges: allowed, not pinned, room on both sides; in canonical order.
    n_f = len(firms)
    free = [
        i
        for i in range(len(edges))
        if allowed[i] and units[e_req[i]] > 0 and capacity[e_firm[i]] > 0 and i not in is_pinned
    ]
    free.sort(key=lambda i: e_req[i] * n_f + e_firm[i])
    net = _build_network(
        [edges[i].score for i in free],
        [e_req[i] for i in free],
        [e_firm[i] for i in free],
        units,
        capacity,
        min_load,
        served_by_pin,
        fair,
    )
    net.progress = progress
    solve_flow(net)
    assert net.used is not None
    load = [0] * n_f
    for i, u in zip(free, net.used, strict=True):
        load[e_firm[i]] += u
    if any(load[i] < m for i, m in enumerate(min_load)):
        free_edges = [edges[i] for i in free]
        raise AssignmentError(
            explain_min_loads(free_edges, units, min_load, ix.r_index, ix.f_index, firms)
        )
    chosen = pinned_edges + [i for i, u in zip(free, net.used, strict=True) if u]
    return _result(problem, chosen, is_pinned, allowed, fair, alternates, started)


def _build_network(
    scores: list[float],
    e_req: list[int],
    e_firm: list[int],
    units: list[int],
    capacity: list[int],
    min_load: list[int],
    served_by_pin: set[int],
    fair: bool,
) -> FlowNetwork:
    max_pairs = min(len(scores), sum(units), sum(capacity)) + 1
    max_score = max(scores, default=0.0)
    # Scale so rounding moves the objective by < 1e-7 in total; stay far from float overflow.
    bits = max(40, (max_pairs * 10**7).bit_length())
    if max_score > 0:
        bits = min(bits, 1000 - math.frexp(max_score)[1])
    pair_weight = max_pairs + 1  # a score unit outweighs any number of extra pairs
    ldexp = math.ldexp
    costs = [-(round(ldexp(s, bits)) * pair_weight + 1) for s in scores]
    big_b = -sum(costs) + 1  # one more served request outweighs any score difference
    big_m = big_b * (len(units) + 1)  # one more minimum-load seat outweighs everything else
    # Which side supplies the flow is free (the objective is the same); searching from the side
    # with fewer units is much faster when seats are scarce. Fair mode and minimum loads are then
    # expressed on whichever side they land: a penalty tier on the supplying side's "unused"
    # arc, a bonus tier on the receiving side's sink arc.
    first_unit = [
        1 if fair and i not in served_by_pin and units[i] > 0 else 0 for i in range(len(units))
    ]
    if sum(capacity) < sum(units):
        return FlowNetwork(
            units=capacity,
            capacity=units,
            min_load=first_unit,
            edge_request=e_firm,
            edge_firm=e_req,
            edge_cost=costs,
            unfilled_cheap=[c - m for c, m in zip(capacity, min_load, strict=True)],
            unfilled_penalty=[big_m] * len(capacity),
            min_load_cost=-big_b,
        )
    return FlowNetwork(
        units=units,
        capacity=capacity,
        min_load=min_load,
        edge_request=e_req,
        edge_firm=e_firm,
        edge_cost=costs,
        unfilled_cheap=[u - f for u, f in zip(units, first_unit, strict=True)],
        unfilled_penalty=[big_b] * len(units),
        min_load_cost=-big_m,
    )


def _result(
    problem: AssignmentProblem,
    chosen_idx: list[int],
    is_pinned: set[int],
    allowed: list[bool],
    fair: bool,
    n_alt: int,
    started: float,
) -> AssignmentResult:
    edges = problem.edges
    firm_order = {f.id: i for i, f in enumerate(problem.firms)}
    cap = {f.id: f.capacity for f in problem.firms}
    loads: dict[Id, int] = dict.fromkeys(cap, 0)
    chosen = set(chosen_idx)
    by_req: dict[Id, list[int]] = {r.id: [] for r in problem.requests}
    for i, e in enumerate(edges):
        if allowed[i]:
            by_req[e.request].append(i)
    for i in chosen_idx:
        loads[edges[i].firm] += 1
    pairs: list[Pair] = []
    unfilled = []
    alternates: dict[Id, tuple[Alternate, ...]] = {}
    chosen_keys = {(edges[i].request, edges[i].firm) for i in chosen_idx}

    def best_first(i: int) -> tuple[float, int]:
        return (-edges[i].score, firm_order[edges[i].firm])

    for r in problem.requests:
        mine = by_req[r.id]
        got = sorted(
            (i for i in mine if i in chosen),
            key=lambda i: (-edges[i].score, firm_order[edges[i].firm]),
        )
        pairs.extend(Pair(r.id, edges[i].firm, edges[i].score, i in is_pinned) for i in got)
        if len(got) < r.demand:
            reason = explain_unfilled(
                r.id, r.demand, [edges[i] for i in mine], chosen_keys, loads, cap
            )
            unfilled.append(Unfilled(r.id, r.demand - len(got), reason))
        if n_alt > 0:
            others = sorted((i for i in mine if i not in chosen), key=best_first)[:n_alt]
            alternates[r.id] = tuple(
                Alternate(edges[i].firm, edges[i].score, loads[edges[i].firm] < cap[edges[i].firm])
                for i in others
            )
        else:
            alternates[r.id] = ()
    diagnostics = tuple(u.reason for u in unfilled) + sector_shortages(problem, unfilled)
    try:
        objective = math.fsum(p.score for p in pairs)
    except OverflowError:  # each score finite, their sum not: still the caller's input to fix
        raise AssignmentError(
            Diagnostic("objective_overflow", "scores are too large: their total overflows", {})
        ) from None
    return AssignmentResult(
        status="optimal",
        objective=objective,
        seconds=time.perf_counter() - started,
        assignments=tuple(pairs),
        unfilled=tuple(unfilled),
        alternates=alternates,
        diagnostics=diagnostics,
        served_requests=sum(1 for r in problem.requests if any(i in chosen for i in by_req[r.id])),
        fair=fair,
        loads=loads,
    )
