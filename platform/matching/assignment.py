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


class AssignmentError(ValueError):
    """Malformed or infeasible input; ``diagnostic.message`` is one line naming the problem."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(diagnostic.message)
        self.diagnostic = diagnostic


def _fail(code: str, message: str, **params: object) -> AssignmentError:
    return AssignmentError(Diagnostic(code, message, params))


def _is_int(v: object) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _valid_id(v: object) -> bool:
    return (isinstance(v, str) and v != "") or _is_int(v)


def pair_label(r: object, f: object) -> str:
    """``r7\u2013f3`` with an en dash: reads as a pair, not as a minus sign or part of an id."""
    return f"{r}\u2013{f}"


def _sort_key(i: Id) -> tuple[int, int | str]:
    # Ints before strings so mixed id types still sort deterministically.
    return (0, i) if isinstance(i, int) else (1, i)


def validate_problem(p: AssignmentProblem) -> None:
    """Check types, ids, numbers and pinned pairs; raise :class:`AssignmentError` on a fault.

    Infeasibility that depends on the optimisation (minimum loads) is detected by the solve.
    """
    req_ids: dict[Id, AssignmentRequest] = {}
    for r in p.requests:
        if not _valid_id(r.id):
            raise _fail("bad_id", f"request id {r.id!r} must be a non-empty string or an integer")
        if r.id in req_ids:
            raise _fail("duplicate_id", f"duplicate request id {r.id}", id=r.id)
        if not _is_int(r.demand) or r.demand < 0:
            raise _fail(
                "bad_demand", f"request {r.id}: demand must be an integer ≥ 0, got {r.demand!r}"
            )
        req_ids[r.id] = r
    firm_ids: dict[Id, AssignmentFirm] = {}
    for f in p.firms:
        if not _valid_id(f.id):
            raise _fail("bad_id", f"firm id {f.id!r} must be a non-empty string or an integer")
        if f.id in firm_ids:
            raise _fail("duplicate_id", f"duplicate firm id {f.id}", id=f.id)
        if not _is_int(f.capacity) or f.capacity < 0:
            raise _fail(
                "bad_capacity", f"firm {f.id}: capacity must be an integer ≥ 0, got {f.capacity!r}"
            )
        if not _is_int(f.min_load) or not 0 <= f.min_load <= f.capacity:
            raise _fail(
                "bad_min_load",
                f"firm {f.id}: minimum load must be an integer between 0 and its capacity "
                f"{f.capacity}, got {f.min_load!r}",
            )
        firm_ids[f.id] = f
    seen: set[tuple[Id, Id]] = set()
    for e in p.edges:
        _check_pair("edge", e.request, e.firm, req_ids, firm_ids)
        key = (e.request, e.firm)
        if key in seen:
            raise _fail("duplicate_edge", f"duplicate edge {pair_label(*key)}")
        s = e.score
        if not isinstance(s, int | float) or isinstance(s, bool) or not math.isfinite(s) or s < 0:
            raise _fail(
                "bad_score",
                f"edge {pair_label(*key)}: score must be a finite number ≥ 0, got {s!r}",
            )
        seen.add(key)
    forbidden = set()
    for r, f in p.forbidden:
        _check_pair("forbidden pair", r, f, req_ids, firm_ids)
        forbidden.add((r, f))
    pinned_seen: set[tuple[Id, Id]] = set()
    for r, f in p.pinned:
        _check_pair("pinned pair", r, f, req_ids, firm_ids)
        if (r, f) in pinned_seen:
            raise _fail("duplicate_pinned", f"pinned pair {pair_label(r, f)} is listed twice")
        if (r, f) in forbidden:
            raise _fail("pinned_forbidden", f"pinned pair {pair_label(r, f)} is forbidden")
        if (r, f) not in seen:
            raise _fail(
                "pinned_no_edge", f"pinned pair {pair_label(r, f)} is not an edge (no score)"
            )
        pinned_seen.add((r, f))
    _check_pinned_limits(p, req_ids, firm_ids)


def _check_pair(what: str, r: object, f: object, reqs: Mapping, firms: Mapping) -> None:
    if not _valid_id(r) or r not in reqs:
        raise _fail("unknown_id", f"{what} {pair_label(r, f)}: unknown request {r!r}")  # type: ignore[arg-type]
    if not _valid_id(f) or f not in firms:
        raise _fail("unknown_id", f"{what} {pair_label(r, f)}: unknown firm {f!r}")  # type: ignore[arg-type]


def _check_pinned_limits(p: AssignmentProblem, reqs: Mapping, firms: Mapping) -> None:
    by_firm: dict[Id, list[Id]] = {}
    by_req: dict[Id, list[Id]] = {}
    for r, f in p.pinned:
        by_firm.setdefault(f, []).append(r)
        by_req.setdefault(r, []).append(f)
    for f, rs in by_firm.items():
        if len(rs) > firms[f].capacity:
            pairs = ", ".join(pair_label(r, f) for r in rs)
            noun = "pair" if len(rs) == 1 else "pairs"
            verb = "exceeds" if len(rs) == 1 else "exceed"
            raise _fail(
                "pinned_over_capacity",
                f"pinned {noun} {pairs} {verb} {f}'s capacity {firms[f].capacity}",
                firm=f,
                capacity=firms[f].capacity,
            )
    for r, fs in by_req.items():
        if len(fs) > reqs[r].demand:
            pairs = ", ".join(pair_label(r, f) for f in fs)
            noun = "pair" if len(fs) == 1 else "pairs"
            verb = "exceeds" if len(fs) == 1 else "exceed"
            raise _fail(
                "pinned_over_demand",
                f"pinned {noun} {pairs} {verb} {r}'s demand {reqs[r].demand}",
                request=r,
                demand=reqs[r].demand,
            )


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
    validate_problem(problem)
    reqs = sorted(problem.requests, key=lambda r: _sort_key(r.id))
    firms = sorted(problem.firms, key=lambda f: _sort_key(f.id))
    r_index = {r.id: i for i, r in enumerate(reqs)}
    f_index = {f.id: i for i, f in enumerate(firms)}
    forbidden = set(problem.forbidden)
    pinned = set(problem.pinned)
    units = [r.demand for r in reqs]
    capacity = [f.capacity for f in firms]
    min_load = [f.min_load for f in firms]
    for r, f in problem.pinned:
        units[r_index[r]] -= 1
        capacity[f_index[f]] -= 1
        min_load[f_index[f]] = max(0, min_load[f_index[f]] - 1)
    served_by_pin = {r_index[r] for r, _ in problem.pinned}

    # Free edges: allowed, not pinned, and usable (room on both sides), in canonical order.
    free = [
        e
        for e in problem.edges
        if (e.request, e.firm) not in forbidden
        and (e.request, e.firm) not in pinned
        and units[r_index[e.request]] > 0
        and capacity[f_index[e.firm]] > 0
    ]
    free.sort(key=lambda e: (r_index[e.request], f_index[e.firm]))
    net = _build_network(free, units, capacity, min_load, served_by_pin, r_index, f_index, fair)
    net.progress = progress
    solve_flow(net)
    assert net.load is not None and net.used is not None

    short = [i for i, m in enumerate(min_load) if net.load[i] < m]
    if short:
        raise AssignmentError(explain_min_loads(free, units, min_load, r_index, f_index, firms))

    pin_score = {
        (e.request, e.firm): e.score for e in problem.edges if (e.request, e.firm) in pinned
    }
    chosen = [Pair(r, f, pin_score[r, f], True) for r, f in problem.pinned]
    chosen += [Pair(e.request, e.firm, e.score) for e, u in zip(free, net.used, strict=True) if u]
    return _result(problem, chosen, fair, alternates, started)


def _build_network(
    free: list[Edge],
    units: list[int],
    capacity: list[int],
    min_load: list[int],
    served_by_pin: set[int],
    r_index: Mapping[Id, int],
    f_index: Mapping[Id, int],
    fair: bool,
) -> FlowNetwork:
    max_pairs = min(len(free), sum(units), sum(capacity)) + 1
    max_score = max((e.score for e in free), default=0.0)
    # Scale so rounding moves the objective by < 1e-7 in total; stay far from float overflow.
    bits = max(40, (max_pairs * 10**7).bit_length())
    if max_score > 0:
        bits = min(bits, 1000 - math.frexp(max_score)[1])
    pair_weight = max_pairs + 1  # a score unit outweighs any number of extra pairs
    costs = [-(round(math.ldexp(e.score, bits)) * pair_weight + 1) for e in free]
    big_b = -sum(costs) + 1  # one more served request outweighs any score difference
    big_m = big_b * (len(units) + 1)  # one more minimum-load seat outweighs everything else
    cheap = list(units)
    if fair:
        for i in range(len(units)):
            if i not in served_by_pin and units[i] > 0:
                cheap[i] = units[i] - 1
    return FlowNetwork(
        units=units,
        capacity=capacity,
        min_load=min_load,
        edge_request=[r_index[e.request] for e in free],
        edge_firm=[f_index[e.firm] for e in free],
        edge_cost=costs,
        unfilled_cheap=cheap,
        unfilled_penalty=[big_b] * len(units),
        min_load_cost=-big_m,
    )


def _result(
    problem: AssignmentProblem,
    chosen: list[Pair],
    fair: bool,
    n_alt: int,
    started: float,
) -> AssignmentResult:
    req_order = {r.id: i for i, r in enumerate(problem.requests)}
    firm_order = {f.id: i for i, f in enumerate(problem.firms)}
    chosen.sort(key=lambda p: (req_order[p.request], -p.score, firm_order[p.firm]))
    got: dict[Id, int] = {}
    loads: dict[Id, int] = {f.id: 0 for f in problem.firms}
    chosen_set = set()
    for p in chosen:
        got[p.request] = got.get(p.request, 0) + 1
        loads[p.firm] += 1
        chosen_set.add((p.request, p.firm))
    forbidden = set(problem.forbidden)
    eligible: dict[Id, list[Edge]] = {r.id: [] for r in problem.requests}
    for e in problem.edges:
        if (e.request, e.firm) not in forbidden:
            eligible[e.request].append(e)
    cap = {f.id: f.capacity for f in problem.firms}
    unfilled = []
    alternates: dict[Id, tuple[Alternate, ...]] = {}
    for r in problem.requests:
        mine = eligible[r.id]
        missing = r.demand - got.get(r.id, 0)
        if missing > 0:
            reason = explain_unfilled(r.id, r.demand, mine, chosen_set, loads, cap)
            unfilled.append(Unfilled(r.id, missing, reason))
        others = [e for e in mine if (e.request, e.firm) not in chosen_set]
        others.sort(key=lambda e: (-e.score, firm_order[e.firm]))
        alternates[r.id] = tuple(
            Alternate(e.firm, e.score, loads[e.firm] < cap[e.firm]) for e in others[:n_alt]
        )
    diagnostics = tuple(u.reason for u in unfilled) + sector_shortages(problem, unfilled)
    return AssignmentResult(
        status="optimal",
        objective=math.fsum(p.score for p in chosen),
        seconds=time.perf_counter() - started,
        assignments=tuple(chosen),
        unfilled=tuple(unfilled),
        alternates=alternates,
        diagnostics=diagnostics,
        served_requests=len(got),
        fair=fair,
        loads=loads,
    )
