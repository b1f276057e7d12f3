"""Explanations for a matching round: why a request is unfilled, why minimum loads are infeasible.

Every message names the binding constraint in one line; ``code`` and ``params`` let the web layer
translate it. Kept apart from the solver so the solve path stays small and stdlib-only.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .assignment import AssignmentFirm, AssignmentProblem, Edge, Id, Unfilled


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """A machine-readable ``code``, an English one-line ``message`` and its ``params``."""

    code: str
    message: str
    params: Mapping[str, Any] = field(default_factory=dict)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _names(ids: Sequence[object], limit: int = 5) -> str:
    shown = ", ".join(str(i) for i in ids[:limit])
    return shown if len(ids) <= limit else f"{shown} and {len(ids) - limit} more"


def explain_unfilled(
    request: Id,
    demand: int,
    eligible: Sequence[Edge],
    chosen: set[tuple[Id, Id]],
    loads: Mapping[Id, int],
    capacity: Mapping[Id, int],
) -> Diagnostic:
    """Say why ``request`` got fewer firms than its demand, given the optimal assignment."""
    n = len(eligible)
    if n == 0:
        return Diagnostic(
            "no_eligible", f"request {request}: no eligible firm", {"request": request}
        )
    if n < demand:
        return Diagnostic(
            "few_eligible",
            f"request {request}: only {_plural(n, 'eligible firm')} for demand {demand}",
            {"request": request, "eligible": n, "demand": demand},
        )
    others = [e.firm for e in eligible if (request, e.firm) not in chosen]
    if all(loads[f] >= capacity[f] for f in others):
        which = "other eligible firm" if len(others) < n else "eligible firm"
        verb = "is" if len(others) == 1 else "are"
        return Diagnostic(
            "firms_full",
            f"request {request}: {'its' if len(others) < n else 'all'} "
            f"{_plural(len(others), which)} {verb} at capacity",
            {"request": request, "firms": len(others)},
        )
    # Unreachable for an optimal solution (a free seat on an eligible firm would be filled), but
    # a message is better than an exception if that reasoning is ever wrong.
    return Diagnostic(
        "not_worth",
        f"request {request}: filling it would lower the total score",
        {"request": request},
    )


def explain_min_loads(
    free: Sequence[Edge],
    units: Sequence[int],
    min_load: Sequence[int],
    r_index: Mapping[Id, int],
    f_index: Mapping[Id, int],
    firms: Sequence[AssignmentFirm],
) -> Diagnostic:
    """Name a set of firms whose minimum loads exceed what their eligible requests can supply.

    Computes a maximum flow of the lower-bound network (source → request: remaining demand,
    request → firm: 1, firm → sink: remaining minimum load); the firms beyond its minimum cut form a
    Hall violator: together they need more than the requests able to reach them can give.
    """
    import numpy as np
    from scipy.sparse import csr_array
    from scipy.sparse.csgraph import breadth_first_order, maximum_flow

    n_r, n_f = len(units), len(min_load)
    sink = n_r + n_f + 1
    rows = [0] * n_r + [r_index[e.request] + 1 for e in free] + [n_r + 1 + f for f in range(n_f)]
    cols = [r + 1 for r in range(n_r)] + [n_r + 1 + f_index[e.firm] for e in free] + [sink] * n_f
    caps = list(units) + [1] * len(free) + list(min_load)
    keep = [i for i, c in enumerate(caps) if c > 0]
    size = sink + 1
    graph = csr_array(
        (
            np.array([caps[i] for i in keep], dtype=np.int32),
            (np.array([rows[i] for i in keep]), np.array([cols[i] for i in keep])),
        ),
        shape=(size, size),
    )
    result = maximum_flow(graph, 0, sink)
    residual = (graph - result.flow).tocsr()
    residual.data[residual.data < 0] = 0
    residual.eliminate_zeros()
    reached = set(breadth_first_order(residual, 0, directed=True, return_predecessors=False))
    starved = [f for f in range(n_f) if min_load[f] > 0 and n_r + 1 + f not in reached]
    need = sum(min_load[f] for f in starved)
    supply = int(result.flow_value) - sum(min_load[f] for f in range(n_f) if n_r + 1 + f in reached)
    ids = [firms[f].id for f in starved]
    pinned_note = (
        " beyond pinned pairs" if any(firms[f].min_load != min_load[f] for f in starved) else ""
    )
    if len(ids) == 1:
        message = (
            f"minimum load of firm {ids[0]} cannot be met: it needs {need} requests{pinned_note} "
            f"but its eligible requests can supply at most {supply}"
        )
    else:
        message = (
            f"minimum loads cannot be met: firms {_names(ids)} need {need} requests in total"
            f"{pinned_note} but their eligible requests can supply at most {supply}"
        )
    params = {"firms": ids, "need": need, "supply": supply}
    return Diagnostic("min_load_infeasible", message, params)


def sector_shortages(
    problem: AssignmentProblem, unfilled: Sequence[Unfilled]
) -> tuple[Diagnostic, ...]:
    """For sectors with unfilled requests, report demand above the capacity that could serve it.

    A sector's capacity is the total capacity of the firms with an allowed edge to at least one of
    its requests, so "demand > capacity" is a true bound on what the sector can get, not a guess.
    """
    by_id = {r.id: r for r in problem.requests}
    sectors = sorted({s for u in unfilled if (s := by_id[u.request].sector) is not None})
    if not sectors:
        return ()
    forbidden = {(r, f) for r, f in problem.forbidden}  # lists from JSON are not hashable
    capacity = {f.id: f.capacity for f in problem.firms}
    out = []
    for s in sectors:
        members = {r.id for r in problem.requests if r.sector == s}
        demand = sum(by_id[r].demand for r in members)
        firms = {
            e.firm
            for e in problem.edges
            if e.request in members and (e.request, e.firm) not in forbidden
        }
        supply = sum(capacity[f] for f in firms)
        if demand > supply:
            out.append(
                Diagnostic(
                    "sector_shortage",
                    f"sector {s}: demand {demand} > capacity {supply}",
                    {"sector": s, "demand": demand, "capacity": supply},
                )
            )
    return tuple(out)
