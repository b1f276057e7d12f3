"""Exact min-cost flow for the request/firm transportation network (pure Python, integer costs).

The network: every source node r (a request, or a firm when the caller swaps the sides) has a
supply of ``units[r]``; each unit either travels along an edge r→f (capacity 1, cost
``edge_cost``) and on to the sink through f (capacity ``capacity[f]``), or straight to the sink
through r's "unfilled" arc. Both sink arcs are convex and
split in two tiers (see :class:`FlowNetwork`), which is how minimum loads and fair mode become
lexicographic objectives without leaving integer arithmetic.

Algorithm: successive shortest paths, one unit at a time, from the request that owns the unit, with
Dijkstra on reduced costs and node potentials (Johnson). Dijkstra stops as soon as the sink is
settled and only the settled nodes' potentials move (the Jonker-Volgenant trick), so on the sparse,
capacity-rich instances of a matching round a search touches a few dozen arcs instead of the whole
graph. Every step keeps reduced costs non-negative, so the final flow has no negative residual cycle
and is exactly optimal for the integer costs. Processing order only picks among equal-cost optima.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable
from dataclasses import dataclass

_INF = float("inf")
SINK = 0  # node 0; requests are 1..R, firms R+1..R+F (sink first so it wins ties in the heap)


@dataclass(slots=True)
class FlowNetwork:
    """Mutable solver state; build it, call :func:`solve_flow`, then read ``used``.

    ``edge_request[e]``/``edge_firm[e]`` are 0-based request/firm indices, ``edge_cost[e]`` an int
    (negative = attractive). Request r's unfilled arc costs ``unfilled_cost[r]`` for its first
    ``unfilled_cheap[r]`` units and ``unfilled_penalty[r]`` after that. Firm f's sink arc costs
    ``min_load_cost`` (≤ 0) for its first ``min_load[f]`` units and 0 up to ``capacity[f]``.
    """

    units: list[int]
    capacity: list[int]
    min_load: list[int]
    edge_request: list[int]
    edge_firm: list[int]
    edge_cost: list[int]
    unfilled_cheap: list[int]
    unfilled_penalty: list[int]
    min_load_cost: int = 0
    progress: Callable[[float], None] | None = None
    used: list[bool] | None = None
    load: list[int] | None = None
    unfilled: list[int] | None = None


def solve_flow(net: FlowNetwork) -> None:
    """Send every request unit to the sink at minimum total cost.

    Fills ``used`` (per edge), ``load`` (per firm) and ``unfilled`` (per request).

    Raises nothing for valid networks: each unit can always fall back on its unfilled arc.
    """
    n_req = len(net.units)
    n_firm = len(net.capacity)
    n_edges = len(net.edge_cost)
    base_f = n_req + 1  # node id of firm 0
    used = [False] * n_edges
    load = [0] * n_firm
    unfilled = [0] * n_req
    req_edges: list[list[int]] = [[] for _ in range(n_req)]
    for e in range(n_edges):
        req_edges[net.edge_request[e]].append(e)
    # Firm → edges currently carrying flow (the residual backward arcs); dicts keep insertion order.
    firm_used: list[dict[int, None]] = [{} for _ in range(n_firm)]
    units, capacity, min_load, cost = net.units, net.capacity, net.min_load, net.edge_cost
    cheap, penalty, ml_cost = net.unfilled_cheap, net.unfilled_penalty, net.min_load_cost
    efirm = [f + base_f for f in net.edge_firm]
    ereq = [r + 1 for r in net.edge_request]

    # Initial potentials: minus the shortest distance to the sink in the (acyclic) empty network,
    # so every arc starts with a non-negative reduced cost and each request's best arc with zero.
    pi = [0] * (n_req + n_firm + 1)
    for f in range(n_firm):
        pi[base_f + f] = -ml_cost if min_load[f] > 0 else 0
    for r in range(n_req):
        best = 0 if cheap[r] > 0 else penalty[r]
        for e in req_edges[r]:
            best = min(best, cost[e] - pi[efirm[e]])
        pi[r + 1] = -best

    heappush, heappop = heapq.heappush, heapq.heappop
    total_units = sum(units)
    done_units = 0
    report_every = max(1, total_units // 100)
    for r in range(n_req):
        for _ in range(units[r]):
            done_units += 1
            if net.progress is not None and done_units % report_every == 0:
                net.progress(done_units / total_units)
            # Lazy Dijkstra from request node r+1 over reduced costs: heap entries carry
            # (distance, node, predecessor, edge); a node's distance and predecessor are recorded
            # only when it is settled, which saves dictionary work for the many entries never
            # popped. best = tentative distance to the sink; reduced costs are non-negative, so
            # an entry at best or more can never shorten the path and is not queued.
            src = r + 1
            dist: dict[int, int] = {}
            prev: dict[int, tuple[int, int]] = {}
            settled: list[int] = []
            heap = [(0, src, -1, -1)]
            best = _INF
            while heap:
                du, u, pu_node, pu_edge = heappop(heap)
                if u in dist:
                    continue
                dist[u] = du
                prev[u] = (pu_node, pu_edge)
                settled.append(u)
                if u == SINK:
                    break
                pu = pi[u]
                if u < base_f:  # a request: its unfilled arc first (sets a bound), then edges
                    ri = u - 1
                    sent = unfilled[ri]
                    arc = 0 if sent < cheap[ri] else penalty[ri] if sent < units[ri] else None
                    if arc is not None:
                        nd = du + arc + pu - pi[SINK]
                        if nd < best:
                            best = nd
                            heappush(heap, (nd, SINK, u, -1))
                    for e in req_edges[ri]:
                        if used[e]:
                            continue
                        v = efirm[e]
                        nd = du + cost[e] + pu - pi[v]
                        if nd < best and v not in dist:
                            heappush(heap, (nd, v, u, e))
                else:  # a firm: its sink arc, then backward arcs to the requests it serves
                    fi = u - base_f
                    ld = load[fi]
                    if ld < capacity[fi]:
                        arc = ml_cost if ld < min_load[fi] else 0
                        nd = du + arc + pu - pi[SINK]
                        if nd < best:
                            best = nd
                            heappush(heap, (nd, SINK, u, -1))
                    for e in firm_used[fi]:
                        v = ereq[e]
                        nd = du - cost[e] + pu - pi[v]
                        if nd < best and v not in dist:
                            heappush(heap, (nd, v, u, e))
            big_d = dist[SINK]
            for v in settled:
                pi[v] += dist[v] - big_d
            # Augment one unit along the path, sink back to source.
            v = SINK
            while v != src:
                u, e = prev[v]
                if v == SINK:
                    if u < base_f:
                        unfilled[u - 1] += 1
                    else:
                        load[u - base_f] += 1
                elif u < base_f:  # forward arc request → firm
                    used[e] = True
                    firm_used[v - base_f][e] = None
                else:  # backward arc firm → request: that request gives the firm up
                    used[e] = False
                    del firm_used[u - base_f][e]
                v = u
    net.used, net.load, net.unfilled = used, load, unfilled
