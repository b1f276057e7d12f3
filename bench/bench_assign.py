"""Benchmark: matching-round assignment vs scipy's HiGHS LP on the same instance, same run.

    .venv/bin/python bench/bench_assign.py                 # 2,000 x 20,000 x 30 (the issue's case)
    .venv/bin/python bench/bench_assign.py --large         # 20,000 x 200,000 x 30
    .venv/bin/python bench/bench_assign.py --scarce        # 1,000 firms: seats scarcer than demand
    .venv/bin/python bench/bench_assign.py --balanced      # 2,000 firms: seats = demand (hardest)

Prints instance size, our time (full ``solve_assignment``: validation, solve, alternates,
diagnostics), the reference time (``scipy.optimize.linprog(method="highs")`` alone, the constraint
matrix prebuilt), their ratio (wall clock and CPU time; runs alternate, best of ``--repeat``, so
both see the same machine load), our peak memory (a child process: tracemalloc peak during the solve
and the process's peak RSS) and whether both objectives agree within 1e-6. Exits 1 if they don't.
The LP of this problem is totally unimodular, so its optimum equals the integer optimum.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
import tracemalloc

import numpy as np
import scipy.sparse as sp
from scipy.optimize import linprog

from seoul_platform.matching.assignment import (
    AssignmentFirm,
    AssignmentProblem,
    AssignmentRequest,
    Edge,
    solve_assignment,
)


def instance(n_req: int, n_firm: int, per_req: int, seed: int) -> AssignmentProblem:
    """Demand 1-3, capacity 1-3, ``per_req`` distinct random firms per request, scores in [0, 1)."""
    rng = np.random.default_rng(seed)
    demand = rng.integers(1, 4, n_req).tolist()
    capacity = rng.integers(1, 4, n_firm).tolist()
    firms = np.concatenate([rng.choice(n_firm, per_req, replace=False) for _ in range(n_req)])
    scores = rng.random(n_req * per_req).tolist()
    reqs = np.repeat(np.arange(n_req), per_req).tolist()
    return AssignmentProblem(
        tuple(AssignmentRequest(f"r{i}", d) for i, d in enumerate(demand)),
        tuple(AssignmentFirm(f"f{j}", c) for j, c in enumerate(capacity)),
        tuple(
            Edge(f"r{r}", f"f{f}", s) for r, f, s in zip(reqs, firms.tolist(), scores, strict=True)
        ),
    )


def highs(problem: AssignmentProblem) -> tuple[float, float, float]:
    """(objective, linprog seconds, matrix-building seconds) of the LP relaxation."""
    t0 = time.perf_counter()
    r_ix = {r.id: i for i, r in enumerate(problem.requests)}
    f_ix = {f.id: i for i, f in enumerate(problem.firms)}
    n = len(problem.edges)
    rows_r = np.fromiter((r_ix[e.request] for e in problem.edges), np.int64, n)
    rows_f = np.fromiter((f_ix[e.firm] for e in problem.edges), np.int64, n)
    w = np.fromiter((e.score for e in problem.edges), np.float64, n)
    cols = np.arange(n)
    a = sp.vstack(
        [
            sp.csr_matrix((np.ones(n), (rows_r, cols)), shape=(len(problem.requests), n)),
            sp.csr_matrix((np.ones(n), (rows_f, cols)), shape=(len(problem.firms), n)),
        ]
    ).tocsr()
    b = np.array([r.demand for r in problem.requests] + [f.capacity for f in problem.firms], float)
    t1 = time.perf_counter()
    res = linprog(-w, A_ub=a, b_ub=b, bounds=(0, 1), method="highs")
    t2 = time.perf_counter()
    if res.status != 0:
        raise SystemExit(f"HiGHS failed: {res.message}")
    return -res.fun, t2 - t1, t1 - t0


def child_memory(args: argparse.Namespace) -> None:
    """Run in a subprocess: build the instance, then measure the solve's memory alone."""
    problem = instance(args.requests, args.firms, args.edges, args.seed)
    tracemalloc.start()
    tracemalloc.reset_peak()
    solve_assignment(problem, fair=args.fair)
    _, peak = tracemalloc.get_traced_memory()
    rss_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"traced_peak": peak, "rss_peak": rss_kib * 1024}))


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--firms", type=int, default=20000)
    parser.add_argument("--edges", type=int, default=30, help="edges per request")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--large", action="store_true", help="20,000 x 200,000 x 30")
    parser.add_argument("--scarce", action="store_true", help="firms = requests / 2")
    parser.add_argument("--balanced", action="store_true", help="firms = requests")
    parser.add_argument("--fair", action="store_true", help="time fair mode (no LP reference)")
    parser.add_argument("--repeat", type=int, default=3, help="timing runs; the best is kept")
    parser.add_argument("--child-memory", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.large:
        args.requests, args.firms = 20000, 200000
        args.repeat = min(args.repeat, 1)
    if args.scarce:
        args.firms = args.requests // 2
    if args.balanced:
        args.firms = args.requests
    if args.child_memory:
        child_memory(args)
        return 0

    problem = instance(args.requests, args.firms, args.edges, args.seed)
    print(
        f"instance: {args.requests:,} requests (demand 1-3) x {args.firms:,} firms (capacity 1-3), "
        f"{len(problem.edges):,} edges, seed {args.seed}{', fair mode' if args.fair else ''}"
    )
    ours = ours_cpu = ref = ref_cpu = float("inf")
    result, objective, build = None, None, 0.0
    for _ in range(args.repeat):
        t, c = time.perf_counter(), time.process_time()
        result = solve_assignment(problem, fair=args.fair)
        ours = min(ours, time.perf_counter() - t)
        ours_cpu = min(ours_cpu, time.process_time() - c)
        if not args.fair:
            c = time.process_time()
            objective, seconds, build = highs(problem)
            ref = min(ref, seconds)
            ref_cpu = min(ref_cpu, time.process_time() - c)
    assert result is not None
    print(
        f"ours:      {ours:8.3f} s wall, {ours_cpu:8.3f} s CPU  objective {result.objective:.9f}  "
        f"pairs {len(result.assignments):,}"
    )
    ok = True
    if objective is not None:
        diff = abs(objective - result.objective)
        ok = diff <= 1e-6
        print(
            f"reference: {ref:8.3f} s wall, {ref_cpu:8.3f} s CPU  objective {objective:.9f}  "
            f"(scipy linprog HiGHS; +{build:.3f} s to build its matrix, not counted)"
        )
        print(
            f"ratio ours/reference: {ours / ref:.2f} wall, {ours_cpu / ref_cpu:.2f} CPU "
            "(target <= 2)"
        )
        print(f"objectives agree within 1e-6: {'yes' if ok else 'NO'} (|diff| = {diff:.2e})")

    cmd = [
        sys.executable,
        __file__,
        "--child-memory",
        "--requests",
        str(args.requests),
        "--firms",
        str(args.firms),
        "--edges",
        str(args.edges),
        "--seed",
        str(args.seed),
    ]
    if args.fair:
        cmd.append("--fair")
    mem = json.loads(subprocess.run(cmd, capture_output=True, text=True, check=True).stdout)
    print(
        f"peak memory: solve {mem['traced_peak'] / 2**20:.0f} MiB (tracemalloc), "
        f"whole process incl. instance {mem['rss_peak'] / 2**20:.0f} MiB (max RSS); target < 1 GiB"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
