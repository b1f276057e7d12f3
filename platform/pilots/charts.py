"""The KPI progress chart: measured values over time against the baseline and the target, as
server-rendered inline SVG (no JavaScript).

Pure functions (no Flask, no database): numbers in, an escaped SVG string out, so they are
tested alone. Accessibility:
- the SVG is ``role="img"`` labelled by its own ``<title>`` and described by ``<desc>`` (the
  gist in words: latest value, baseline, target); the page puts the data table right after it;
- everything is drawn in ``currentColor`` (it follows the text colour, so forced-colours and
  dark modes keep it visible) and nothing is told by colour alone: the baseline is a dashed
  line and the target a dotted one, each labelled in text, and every point carries its value;
- the texts are passed in by the caller (already translated), so the chart speaks the page's
  language.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from html import escape

from ..charts import scale, svg_open

WIDTH, HEIGHT = 640, 280
LEFT, RIGHT, TOP, BOTTOM = 64, 150, 24, 44  # room for tick labels and line labels


@dataclass(frozen=True)
class ChartText:
    """The chart's words in the page's language."""

    title: str
    description: str
    baseline: str = "Baseline"
    target: str = "Target"
    no_values: str = "No values measured yet."


def _fmt(value: float) -> str:
    return f"{value:,.6g}" if abs(value) < 1e15 else f"{value:.3e}"


def _bounds(values: Sequence[float]) -> tuple[float, float]:
    low, high = min(values), max(values)
    if low == high:  # one value, or baseline == target == every point
        pad = abs(low) * 0.1 or 1.0
        return low - pad, high + pad
    pad = (high - low) * 0.08
    return low - pad, high + pad


def kpi_chart(
    points: Sequence[tuple[date, float]],
    *,
    baseline: float | None,
    target: float | None,
    text: ChartText,
    chart_id: str,
    number: Callable[[float], str] = _fmt,
    day: Callable[[date], str] = date.isoformat,
) -> str:
    """The SVG markup of one KPI's chart. ``points`` are (date, value) pairs in any order;
    ``chart_id`` makes the ids of title and description unique on the page."""
    points = sorted(points)
    plot_right = WIDTH - RIGHT
    plot_bottom = HEIGHT - BOTTOM
    parts = svg_open(
        chart_id=chart_id,
        title=text.title,
        description=text.description,
        width=WIDTH,
        height=HEIGHT,
        css_class="kpi-chart",
    )
    levels = [v for _, v in points]
    levels += [v for v in (baseline, target) if v is not None]
    # The axes.
    parts.append(
        f'<path d="M{LEFT} {TOP} V{plot_bottom} H{plot_right}" fill="none" stroke-width="1"/>'
    )
    if not levels:
        parts.append(
            f'<text x="{(LEFT + plot_right) / 2:.1f}" y="{(TOP + plot_bottom) / 2:.1f}" '
            f'text-anchor="middle" stroke="none">{escape(text.no_values)}</text>'
        )
        parts.append("</svg>")
        return "".join(parts)
    low, high = _bounds(levels)

    def y(v: float) -> float:
        return scale(v, low, high, plot_bottom, TOP)

    # Y ticks at the lowest and highest figure drawn and half-way (round numbers people
    # recognise from the data, not the padded edges of the plot).
    lowest, highest = min(levels), max(levels)
    ticks = [lowest] if lowest == highest else [lowest, (lowest + highest) / 2, highest]
    for tick in ticks:
        ty = y(tick)
        parts.append(
            f'<line x1="{LEFT - 4}" x2="{LEFT}" y1="{ty:.1f}" y2="{ty:.1f}" stroke-width="1"/>'
            f'<text x="{LEFT - 8}" y="{ty + 4:.1f}" text-anchor="end" stroke="none">'
            f"{escape(number(tick))}</text>"
        )
    # Reference lines, each told apart by its dash pattern and its label, not its colour.
    label_ys: list[float] = []
    for value, label, dash in ((baseline, text.baseline, "8 5"), (target, text.target, "2 4")):
        if value is None:
            continue
        ly = y(value)
        text_y = ly + 4
        # Close lines (baseline == target) would print their labels on top of each other.
        while any(abs(text_y - other) < 15 for other in label_ys):
            text_y += 16
        label_ys.append(text_y)
        parts.append(
            f'<g class="kpi-{"baseline" if dash == "8 5" else "target"}">'
            f'<line x1="{LEFT}" x2="{plot_right}" y1="{ly:.1f}" y2="{ly:.1f}" '
            f'stroke-width="2" stroke-dasharray="{dash}"/>'
            f'<text x="{plot_right + 6}" y="{text_y:.1f}" stroke="none">'
            f"{escape(label)}: {escape(number(value))}</text></g>"
        )
    if points:
        first, last = points[0][0].toordinal(), points[-1][0].toordinal()
        margin = 24

        def x(d: date) -> float:
            if first == last:
                return (LEFT + plot_right) / 2
            return scale(d.toordinal(), first, last, LEFT + margin, plot_right - margin)

        coords = [(x(d), y(v)) for d, v in points]
        if len(coords) > 1:
            path = " ".join(f"{cx:.1f},{cy:.1f}" for cx, cy in coords)
            parts.append(f'<polyline points="{path}" fill="none" stroke-width="2.5"/>')
        for (_day, v), (cx, cy) in zip(points, coords, strict=True):
            parts.append(
                f'<g class="kpi-point"><circle cx="{cx:.1f}" cy="{cy:.1f}" r="4.5" stroke="none"/>'
                f'<text x="{cx:.1f}" y="{cy - 9:.1f}" text-anchor="middle" stroke="none">'
                f"{escape(number(v))}</text></g>"
            )
        # Dates of the first and the last measurement under the axis.
        parts.append(
            f'<text x="{coords[0][0]:.1f}" y="{plot_bottom + 20}" text-anchor="middle" '
            f'stroke="none">{escape(day(points[0][0]))}</text>'
        )
        if len(points) > 1 and points[-1][0] != points[0][0]:
            parts.append(
                f'<text x="{coords[-1][0]:.1f}" y="{plot_bottom + 20}" text-anchor="middle" '
                f'stroke="none">{escape(day(points[-1][0]))}</text>'
            )
    else:
        parts.append(
            f'<text x="{(LEFT + plot_right) / 2:.1f}" y="{plot_bottom - 10}" '
            f'text-anchor="middle" stroke="none">{escape(text.no_values)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
