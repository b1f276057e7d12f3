"""An accessible, deterministic SVG picture of the collaboration graph.

Accessibility: ``role="img"`` with ``aria-labelledby`` pointing at a ``<title>`` and a ``<desc>``
that summarises the network in words; node kinds differ by shape (not only by colour); colours are
the Okabe-Ito palette, readable with colour-vision deficiencies; every node and link has a
``<title>`` tooltip. The page should also show :func:`.graph.table_rows` as a table.
Determinism: spring layout with a fixed seed over nodes inserted in sorted order, coordinates
rounded, elements emitted in sorted order: the same graph and seed give byte-identical SVG.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from xml.sax.saxutils import escape, quoteattr

import networkx as nx

PALETTE = ("#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#999999")
DASHES = {
    "partnership": "",
    "interest": "6 3",
    "cohort": "2 3",
    "award": "8 3 2 3",
    "message": "1 2",
}
KIND_WORDS = {
    "organisation": ("organisation", "organisations"),
    "request": ("request", "requests"),
    "person": ("person", "people"),
}


def _shape(kind: str, x: float, y: float, r: float, fill: str) -> str:
    common = f'fill="{fill}" stroke="#222222" stroke-width="1"'
    if kind == "request":  # square
        side = f"{2 * r:.1f}"
        return f'<rect x="{x - r:.1f}" y="{y - r:.1f}" width="{side}" height="{side}" {common}'
    if kind == "person":  # triangle
        pts = f"{x:.1f},{y - r:.1f} {x - r:.1f},{y + r:.1f} {x + r:.1f},{y + r:.1f}"
        return f'<polygon points="{pts}" {common}'
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" {common}'


def render_svg(
    g: nx.Graph,
    community: Mapping[str, int],
    *,
    seed: int = 0,
    width: int = 800,
    height: int = 600,
    title: str = "Collaboration network",
    id_prefix: str = "network",
    max_labels: int = 20,
) -> str:
    """SVG text of ``g`` coloured by ``community`` (see module docstring for the guarantees)."""
    pad = 30.0
    pos = nx.spring_layout(g, seed=seed) if g.number_of_nodes() else {}
    xs = [p[0] for p in pos.values()] or [0.0]
    ys = [p[1] for p in pos.values()] or [0.0]
    span_x = (max(xs) - min(xs)) or 1.0
    span_y = (max(ys) - min(ys)) or 1.0

    def at(v: str) -> tuple[float, float]:
        x = pad + (pos[v][0] - min(xs)) / span_x * (width - 2 * pad)
        y = pad + (pos[v][1] - min(ys)) / span_y * (height - 2 * pad)
        return round(x, 1), round(y, 1)

    kinds = Counter(g.nodes[v]["kind"] for v in g.nodes)
    parts = ", ".join(f"{kinds[k]} {KIND_WORDS[k][kinds[k] != 1]}" for k in KIND_WORDS if kinds[k])
    n_comm = len(set(community.values()))
    desc = (
        f"{g.number_of_nodes()} nodes ({parts or 'none'}), {g.number_of_edges()} links, "
        f"{n_comm} communities. Circles are organisations, squares requests, triangles people; "
        "colour shows the community. The table below lists the same data."
    )
    t_id, d_id = f"{id_prefix}-title", f"{id_prefix}-desc"
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-labelledby="{t_id} {d_id}">',
        f'<title id="{t_id}">{escape(title)}</title>',
        f'<desc id="{d_id}">{escape(desc)}</desc>',
        '<g class="links" fill="none">',
    ]
    for a, b in sorted(tuple(sorted(e)) for e in g.edges):
        kinds_ab = g.edges[a, b]["kinds"]
        (x1, y1), (x2, y2) = at(a), at(b)
        dash = DASHES[kinds_ab[0]]
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        label = f"{g.nodes[a]['label']} and {g.nodes[b]['label']}: {', '.join(kinds_ab)}"
        out.append(
            f'<line x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}" stroke="#555555" stroke-width="1.2"'
            f"{dash_attr}><title>{escape(label)}</title></line>"
        )
    out.append("</g>")
    out.append('<g class="nodes">')
    for v in sorted(g.nodes):
        x, y = at(v)
        data = g.nodes[v]
        fill = PALETTE[community.get(v, 0) % len(PALETTE)]
        tip = f"{data['label']} ({data['kind']}, community {community.get(v, 0) + 1})"
        out.append(f"{_shape(data['kind'], x, y, 6.0, fill)}><title>{escape(tip)}</title></")
        out[-1] += {"request": "rect>", "person": "polygon>"}.get(data["kind"], "circle>")
    out.append("</g>")
    busiest = sorted(g.nodes, key=lambda v: (-g.degree(v), v))[:max_labels]
    out.append('<g class="labels" font-family="sans-serif" font-size="11" fill="#111111">')
    for v in sorted(busiest):
        x, y = at(v)
        out.append(
            f"<text x={quoteattr(f'{x + 8:.1f}')} y={quoteattr(f'{y + 4:.1f}')}>"
            f"{escape(str(g.nodes[v]['label']))}</text>"
        )
    out.append("</g>")
    out.append("</svg>")
    return "\n".join(out) + "\n"
