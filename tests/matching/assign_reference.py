"""Independent references for the assignment solver: brute force and HiGHS (LP / MILP).

Nothing here shares code with platform/matching/assignment.py or flow.py, so agreement means
something.
"""

from __future__ import annotations

import itertools
import random

import numpy as np
import scipy.sparse as sp
from scipy.optimize import Bounds, LinearConstraint, linprog, milp

from seoul_platform.matching.assignment import (
    AssignmentFirm,
    AssignmentProblem,
    AssignmentRequest,
    AssignmentResult,
    Edge,
)


def allowed_edges(p: AssignmentProblem) -> list[Edge]:
    forbidden = set(p.forbidden)
    return [e for e in p.edges if (e.request, e.firm) not in forbidden]


def brute_force(p: AssignmentProblem, fair: bool) -> tuple[int, float] | None:
    """Best (served requests if fair else 0, total score) over every subset; None if infeasible."""
    edges = allowed_edges(p)
    demand = {r.id: r.demand for r in p.requests}
    capacity = {f.id: f.capacity for f in p.firms}
    min_load = {f.id: f.min_load for f in p.firms}
    pinned = set(p.pinned)
    best = None
    for mask in range(1 << len(edges)):
        chosen = [edges[i] for i in range(len(edges)) if mask >> i & 1]
        keys = {(e.request, e.firm) for e in chosen}
        if not pinned <= keys:
            continue
        per_r: dict = {}
        per_f: dict = {}
        for e in chosen:
            per_r[e.request] = per_r.get(e.request, 0) + 1
            per_f[e.firm] = per_f.get(e.firm, 0) + 1
        if any(n > demand[r] for r, n in per_r.items()):
            continue
        if any(n > capacity[f] for f, n in per_f.items()):
            continue
        if any(per_f.get(f, 0) < m for f, m in min_load.items()):
            continue
        value = (len(per_r) if fair else 0, sum(e.score for e in chosen))
        if best is None or value[0] > best[0] or (value[0] == best[0] and value[1] > best[1]):
            best = value
    return best


def _matrices(p: AssignmentProblem):
    edges = allowed_edges(p)
    r_ix = {r.id: i for i, r in enumerate(p.requests)}
    f_ix = {f.id: i for i, f in enumerate(p.firms)}
    n = len(edges)
    cols = np.arange(n)
    a_req = sp.csr_matrix(
        (np.ones(n), ([r_ix[e.request] for e in edges], cols)), shape=(len(p.requests), n)
    )
    a_firm = sp.csr_matrix(
        (np.ones(n), ([f_ix[e.firm] for e in edges], cols)), shape=(len(p.firms), n)
    )
    w = np.array([e.score for e in edges])
    lower = np.zeros(n)
    pinned = set(p.pinned)
    for i, e in enumerate(edges):
        if (e.request, e.firm) in pinned:
            lower[i] = 1.0
    return edges, a_req, a_firm, w, lower


def lp_optimum(p: AssignmentProblem) -> float | None:
    """Plain objective by HiGHS LP (the constraint matrix is totally unimodular)."""
    _, a_req, a_firm, w, lower = _matrices(p)
    demand = np.array([r.demand for r in p.requests], dtype=float)
    cap = np.array([f.capacity for f in p.firms], dtype=float)
    mins = np.array([f.min_load for f in p.firms], dtype=float)
    a_ub = sp.vstack([a_req, a_firm, -a_firm]).tocsr()
    b_ub = np.concatenate([demand, cap, -mins])
    res = linprog(-w, A_ub=a_ub, b_ub=b_ub, bounds=np.c_[lower, np.ones(len(w))], method="highs")
    return None if res.status != 0 else -res.fun


def milp_fair_optimum(p: AssignmentProblem) -> tuple[int, float] | None:
    """Fair objective by two HiGHS MILP stages: max served requests, then max score."""
    _, a_req, a_firm, w, lower = _matrices(p)
    n, nr = len(w), len(p.requests)
    demand = np.array([r.demand for r in p.requests], dtype=float)
    cap = np.array([f.capacity for f in p.firms], dtype=float)
    mins = np.array([f.min_load for f in p.firms], dtype=float)
    zeros_r = sp.csr_matrix((len(p.firms), nr))
    # Variables: x (edges) then y (request served); y_r <= sum of r's x.
    cons = [
        LinearConstraint(sp.hstack([a_req, sp.csr_matrix((nr, nr))]), -np.inf, demand),
        LinearConstraint(sp.hstack([a_firm, zeros_r]), mins, cap),
        LinearConstraint(sp.hstack([-a_req, sp.identity(nr)]), -np.inf, 0),
    ]
    bounds = Bounds(np.concatenate([lower, np.zeros(nr)]), np.ones(n + nr))
    integrality = np.ones(n + nr)
    first = milp(
        np.concatenate([np.zeros(n), -np.ones(nr)]),
        constraints=cons,
        bounds=bounds,
        integrality=integrality,
    )
    if first.status != 0:
        return None
    served = round(-first.fun)
    cons.append(
        LinearConstraint(np.concatenate([np.zeros(n), np.ones(nr)])[None, :], served, np.inf)
    )
    second = milp(
        np.concatenate([-w, np.zeros(nr)]), constraints=cons, bounds=bounds, integrality=integrality
    )
    return served, -second.fun


def random_problem(
    seed: int, n_req: int, n_firm: int, density: float, pins: int = 0, with_min_loads: bool = True
) -> AssignmentProblem:
    rnd = random.Random(seed)
    reqs = tuple(AssignmentRequest(f"r{i}", rnd.randint(0, 3)) for i in range(n_req))
    firms = []
    for j in range(n_firm):
        cap = rnd.randint(0, 3)
        low = rnd.randint(0, min(cap, 1)) if with_min_loads and rnd.random() < 0.3 else 0
        firms.append(AssignmentFirm(f"f{j}", cap, low))
    edges = tuple(
        Edge(r.id, f.id, round(rnd.random(), rnd.choice([1, 3, 9])))
        for r, f in itertools.product(reqs, firms)
        if rnd.random() < density
    )
    forbidden = tuple((e.request, e.firm) for e in edges if rnd.random() < 0.1)
    allowed = [e for e in edges if (e.request, e.firm) not in set(forbidden)]
    # Pins within demand and capacity, so the round stays feasible unless min loads break it.
    room_r = {r.id: r.demand for r in reqs}
    room_f = {f.id: f.capacity for f in firms}
    pinned = []
    for e in rnd.sample(allowed, len(allowed)):
        if len(pinned) < pins and room_r[e.request] > 0 and room_f[e.firm] > 0:
            pinned.append((e.request, e.firm))
            room_r[e.request] -= 1
            room_f[e.firm] -= 1
    return AssignmentProblem(reqs, tuple(firms), edges, forbidden, tuple(pinned))


def check_feasible(p: AssignmentProblem, res: AssignmentResult) -> None:
    """Assert every hard constraint of the round holds for ``res``."""
    scores = {(e.request, e.firm): e.score for e in p.edges}
    keys = [(a.request, a.firm) for a in res.assignments]
    assert len(keys) == len(set(keys)), "a pair chosen twice"
    assert not set(keys) & set(p.forbidden), "forbidden pair chosen"
    assert set(p.pinned) <= set(keys), "pinned pair missing"
    for a in res.assignments:
        assert scores[(a.request, a.firm)] == a.score
    for r in p.requests:
        assert sum(1 for k in keys if k[0] == r.id) <= r.demand
    for f in p.firms:
        load = sum(1 for k in keys if k[1] == f.id)
        assert f.min_load <= load <= f.capacity
    assert abs(res.objective - sum(a.score for a in res.assignments)) < 1e-9
    missing = {u.request: u.missing for u in res.unfilled}
    for r in p.requests:
        got = sum(1 for k in keys if k[0] == r.id)
        assert missing.get(r.id, 0) == r.demand - got
