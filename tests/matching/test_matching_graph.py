"""Collaboration graph: analysis, introductions, clean exports, accessible deterministic SVG."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET  # parses only SVG this test just generated

import networkx as nx
import pytest

from seoul_platform.matching.graph import (
    GraphEdge,
    GraphError,
    GraphNode,
    build_graph,
    communities,
    introduction_path,
    isolated_winners,
    node_stats,
    table_rows,
    to_gexf,
    to_graphml,
)
from seoul_platform.matching.graph_svg import render_svg

SVG = "{http://www.w3.org/2000/svg}"


def sample():
    nodes = [
        GraphNode(
            "org:odense", "organisation", "Odense", winner=True, attrs={"sectors": ["welfare"]}
        ),
        GraphNode("org:wellington", "organisation", "Wellington", winner=True),
        GraphNode("org:konya", "organisation", "Konya", winner=True, attrs={"population": None}),
        GraphNode("org:twin", "organisation", "TwinCoast", attrs={"meta": {"size": "sme"}}),
        GraphNode("person:kim", "person", "Kim", attrs={"score": float("nan")}),
        GraphNode("req:7", "request", "Flood twin pilot"),
        GraphNode("org:a", "organisation", "A"),
        GraphNode("org:b", "organisation", "B"),
    ]
    edges = [
        GraphEdge("org:odense", "person:kim", "cohort"),
        GraphEdge("person:kim", "org:wellington", "message"),
        GraphEdge("person:kim", "org:wellington", "cohort"),
        GraphEdge("org:wellington", "req:7", "interest"),
        GraphEdge("org:twin", "req:7", "interest"),
        GraphEdge("org:konya", "person:kim", "award"),
        GraphEdge("org:a", "org:b", "partnership"),
    ]
    return nodes, edges


def test_parallel_edges_merge_and_keep_every_kind():
    g = build_graph(*sample())
    data = g.edges["person:kim", "org:wellington"]
    assert data["kinds"] == ("cohort", "message") and data["count"] == 2 and data["weight"] == 2.0


@pytest.mark.parametrize(
    ("edge", "fragment"),
    [
        (GraphEdge("org:a", "org:zzz", "partnership"), "unknown node"),
        (GraphEdge("org:a", "org:b", "friendship"), "unknown kind"),
        (GraphEdge("org:a", "org:a", "message"), "itself"),
        (GraphEdge("org:a", "org:b", "message", weight=float("nan")), "weight"),
    ],
)
def test_invalid_edges_are_rejected(edge, fragment):
    nodes, edges = sample()
    with pytest.raises(GraphError, match=fragment):
        build_graph(nodes, [*edges, edge])


def test_isolated_winner_has_only_award_links():
    assert isolated_winners(build_graph(*sample())) == ["org:konya"]


def test_introduction_path_names_the_kinds_of_each_hop():
    g = build_graph(*sample())
    path = introduction_path(g, "org:odense", "org:twin")
    assert path is not None
    assert path.nodes == ("org:odense", "person:kim", "org:wellington", "req:7", "org:twin")
    assert [h.kinds for h in path.hops] == [
        ("cohort",),
        ("cohort", "message"),
        ("interest",),
        ("interest",),
    ]
    assert introduction_path(g, "org:odense", "org:a") is None
    with pytest.raises(GraphError):
        introduction_path(g, "org:odense", "org:nowhere")


def test_stats_communities_and_table_are_deterministic_and_consistent():
    g = build_graph(*sample())
    first, second = node_stats(g, seed=3), node_stats(build_graph(*sample()), seed=3)
    assert first == second
    assert first["person:kim"].degree == 3
    # Kim is on every path between the Odense side and the request side.
    assert first["person:kim"].betweenness == max(s.betweenness for s in first.values())
    comm = communities(g, seed=3)
    assert comm["org:a"] == comm["org:b"] != comm["org:odense"]
    rows = table_rows(g, comm)
    assert {r.node for r in rows} == set(g.nodes)
    assert all(r.degree == g.degree(r.node) and r.community == comm[r.node] for r in rows)


@pytest.mark.parametrize(
    ("export", "reader"), [(to_graphml, nx.read_graphml), (to_gexf, nx.read_gexf)]
)
def test_exports_are_valid_and_re_readable(export, reader):
    g = build_graph(*sample())
    text = export(g)
    back = reader(io.BytesIO(text.encode("utf-8")))
    assert set(back.nodes) == set(g.nodes)
    assert back.number_of_edges() == g.number_of_edges()
    kinds = {frozenset(d["kinds"].split(";")) for *_, d in back.edges(data=True)}
    assert frozenset({"cohort", "message"}) in kinds
    assert back.nodes["org:odense"]["sectors"] == "welfare"
    assert back.nodes["org:konya"]["population"] == ""  # None became empty text
    assert "size" in back.nodes["org:twin"]["meta"]
    assert export(build_graph(*sample())) == text


def test_svg_is_accessible_and_deterministic():
    g = build_graph(*sample())
    comm = communities(g, seed=1)
    svg = render_svg(g, comm, seed=1, title="Network & partners")
    assert svg == render_svg(build_graph(*sample()), comm, seed=1, title="Network & partners")
    root = ET.fromstring(  # noqa: S314 (our own output)
        svg
    )
    assert root.get("role") == "img"
    title_id, desc_id = root.get("aria-labelledby").split()
    assert root.find(f"{SVG}title").get("id") == title_id
    assert root.find(f"{SVG}title").text == "Network & partners"
    desc = root.find(f"{SVG}desc")
    assert desc.get("id") == desc_id and "8 nodes" in desc.text and "1 request," in desc.text
    assert len(root.findall(f".//{SVG}line")) == g.number_of_edges()
    shapes = root.findall(f".//{SVG}circle") + root.findall(f".//{SVG}rect")
    shapes += root.findall(f".//{SVG}polygon")
    assert len(shapes) == g.number_of_nodes()
    assert all(s.find(f"{SVG}title") is not None for s in shapes)
    assert render_svg(g, comm, seed=2) != render_svg(g, comm, seed=1)


def test_empty_graph_still_renders():
    g = build_graph([], [])
    root = ET.fromstring(  # noqa: S314 (our own output)
        render_svg(g, {})
    )
    assert "0 nodes" in root.find(f"{SVG}desc").text
