"""The collaboration graph: who works, talks and learns with whom.

Nodes are organisations, pilot requests and people; edges are partnerships, interests, cohort
co-membership, awards and messages. Parallel edges between two nodes are merged into one edge that
keeps the set of kinds, so centrality and paths see one link and explanations still name every
kind. Everything is deterministic: nodes and edges are inserted in sorted order and every
randomised algorithm takes a seed.
"""

from __future__ import annotations

import io
import itertools
import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import networkx as nx

NODE_KINDS = ("organisation", "request", "person")
EDGE_KINDS = ("partnership", "interest", "cohort", "award", "message")
_ACTIVE = frozenset(EDGE_KINDS) - {"award"}  # kinds that show a winner is actually connected


class GraphError(ValueError):
    """Invalid graph input: unknown kind, unknown endpoint, self-loop, bad weight."""


@dataclass(frozen=True)
class GraphNode:
    id: str
    kind: str
    label: str = ""
    winner: bool = False  # has won the prize: isolated winners are flagged for officials
    attrs: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class GraphEdge:
    source: str
    target: str
    kind: str
    weight: float = 1.0


@dataclass(frozen=True)
class Hop:
    source: str
    target: str
    kinds: tuple[str, ...]


@dataclass(frozen=True)
class IntroPath:
    """Who can introduce whom: the nodes in order and the kinds of link between each step."""

    nodes: tuple[str, ...]
    hops: tuple[Hop, ...]


@dataclass(frozen=True)
class NodeStats:
    degree: int
    degree_centrality: float
    betweenness: float
    community: int


@dataclass(frozen=True)
class TableRow:
    """One row of the accessible table that accompanies the network picture."""

    node: str
    label: str
    kind: str
    degree: int
    community: int


def build_graph(nodes: Iterable[GraphNode], edges: Iterable[GraphEdge]) -> nx.Graph:
    """Build the undirected graph; raises :class:`GraphError` for invalid nodes or edges."""
    g = nx.Graph()
    for n in sorted(nodes, key=lambda n: n.id):
        if n.kind not in NODE_KINDS:
            raise GraphError(f"node {n.id}: unknown kind {n.kind!r}")
        if n.id in g:
            raise GraphError(f"duplicate node {n.id}")
        g.add_node(n.id, **dict(n.attrs), kind=n.kind, label=n.label or n.id, winner=n.winner)
    for e in sorted(
        edges, key=lambda e: (min(e.source, e.target), max(e.source, e.target), e.kind)
    ):
        if e.kind not in EDGE_KINDS:
            raise GraphError(f"edge {e.source}-{e.target}: unknown kind {e.kind!r}")
        for end in (e.source, e.target):
            if end not in g:
                raise GraphError(f"edge {e.source}-{e.target}: unknown node {end}")
        if e.source == e.target:
            raise GraphError(f"edge {e.source}-{e.target}: a node cannot link to itself")
        if not math.isfinite(e.weight) or e.weight <= 0:
            raise GraphError(f"edge {e.source}-{e.target}: weight must be finite and > 0")
        if g.has_edge(e.source, e.target):
            data = g.edges[e.source, e.target]
            data["kinds"] = tuple(sorted({*data["kinds"], e.kind}))
            data["weight"] += e.weight
            data["count"] += 1
        else:
            g.add_edge(e.source, e.target, kinds=(e.kind,), weight=e.weight, count=1)
    return g


def communities(g: nx.Graph, seed: int = 0) -> dict[str, int]:
    """Community number per node (Louvain, seeded); 0 is the largest community."""
    if g.number_of_nodes() == 0:
        return {}
    groups = nx.community.louvain_communities(g, weight="weight", seed=seed)
    ordered = sorted(groups, key=lambda c: (-len(c), min(c)))
    return {node: i for i, group in enumerate(ordered) for node in group}


def node_stats(g: nx.Graph, seed: int = 0, exact_limit: int = 2000) -> dict[str, NodeStats]:
    """Degree, degree centrality, betweenness (sampled with ``seed`` above ``exact_limit`` nodes)
    and community for every node."""
    n = g.number_of_nodes()
    sample = None if n <= exact_limit else min(n, 500)
    between = nx.betweenness_centrality(g, k=sample, seed=seed) if n else {}
    degree_c = nx.degree_centrality(g) if n > 1 else dict.fromkeys(g, 0.0)
    comm = communities(g, seed)
    return {v: NodeStats(g.degree(v), degree_c[v], between[v], comm[v]) for v in sorted(g.nodes)}


def isolated_winners(g: nx.Graph) -> list[str]:
    """Winners with no partnership, interest, cohort or message link (awards alone don't count)."""
    return [
        v
        for v in sorted(g.nodes)
        if g.nodes[v].get("winner")
        and not any(_ACTIVE.intersection(g.edges[v, u]["kinds"]) for u in g.neighbors(v))
    ]


def introduction_path(g: nx.Graph, source: str, target: str) -> IntroPath | None:
    """Shortest chain of links from ``source`` to ``target`` (None if unconnected).

    Raises :class:`GraphError` if either node is unknown.
    """
    for v in (source, target):
        if v not in g:
            raise GraphError(f"unknown node {v}")
    try:
        path = nx.shortest_path(g, source, target)
    except nx.NetworkXNoPath:
        return None
    hops = tuple(Hop(a, b, g.edges[a, b]["kinds"]) for a, b in itertools.pairwise(path))
    return IntroPath(tuple(path), hops)


def table_rows(g: nx.Graph, community: Mapping[str, int]) -> list[TableRow]:
    """Rows for the table alternative of the picture: by community, then busiest first."""
    rows = [
        TableRow(v, str(g.nodes[v]["label"]), g.nodes[v]["kind"], g.degree(v), community[v])
        for v in g.nodes
    ]
    return sorted(rows, key=lambda r: (r.community, -r.degree, r.node))


def _clean(value: object) -> str | int | float | bool:
    """GraphML/GEXF accept scalars only: None → "", collections → text, non-finite → text."""
    if value is None:
        return ""
    if isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, Mapping):
        return json.dumps(value, sort_keys=True, default=str)
    if isinstance(value, list | tuple | set | frozenset):
        items = sorted(value, key=str) if isinstance(value, set | frozenset) else value
        return ";".join(str(i) for i in items)
    return str(value)


def clean_copy(g: nx.Graph) -> nx.Graph:
    """A copy whose every attribute is a GraphML/GEXF-safe scalar with one type per key."""
    h = nx.Graph()
    node_keys = sorted({k for _, d in g.nodes(data=True) for k in d})
    edge_keys = sorted({k for *_, d in g.edges(data=True) for k in d})
    node_types = _key_types(g.nodes(data=True), node_keys)
    edge_types = _key_types(((a, b, d) for a, b, d in g.edges(data=True)), edge_keys, edge=True)
    for v, d in g.nodes(data=True):
        h.add_node(str(v), **{k: _typed(d.get(k), node_types[k]) for k in node_keys})
    for a, b, d in g.edges(data=True):
        h.add_edge(str(a), str(b), **{k: _typed(d.get(k), edge_types[k]) for k in edge_keys})
    return h


def _key_types(items: Iterable, keys: list[str], edge: bool = False) -> dict[str, type]:
    # One type per attribute key: GraphML declares each key once, so mixed types become text.
    seen: dict[str, set[type]] = {k: set() for k in keys}
    for item in items:
        d = item[-1] if edge else item[1]
        for k in keys:
            seen[k].add(type(_clean(d.get(k))) if k in d else str)
    return {k: (t.pop() if len(t) == 1 else str) for k, t in seen.items()}


def _typed(value: object, kind: type) -> str | int | float | bool:
    cleaned = _clean(value)
    return cleaned if type(cleaned) is kind else str(cleaned)


def to_graphml(g: nx.Graph) -> str:
    """GraphML text of the cleaned graph (readable by ``networkx.read_graphml`` and Gephi)."""
    buf = io.BytesIO()
    nx.write_graphml(clean_copy(g), buf, encoding="utf-8")
    return buf.getvalue().decode("utf-8")


def to_gexf(g: nx.Graph) -> str:
    """GEXF text of the cleaned graph (readable by ``networkx.read_gexf`` and Gephi)."""
    buf = io.BytesIO()
    nx.write_gexf(clean_copy(g), buf, encoding="utf-8")
    return buf.getvalue().decode("utf-8")
