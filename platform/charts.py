"""Server-rendered, accessible SVG charts (no JavaScript), shared by every feature.

Pure functions (no Flask, no database): numbers in, an escaped SVG string out. The rules every
chart here follows (pilots' KPI chart in pilots/charts.py, training's feedback bars below):
- the SVG is ``role="img"`` labelled by its own ``<title>`` and described by ``<desc>`` (the
  gist in words); the page puts the same numbers in a table right after it;
- everything is drawn in ``currentColor`` (forced-colours and dark modes keep it visible) and
  nothing is told by colour alone: every bar or point carries its value as text;
- the texts are passed in by the caller (already translated), so the chart speaks the page's
  language.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from html import escape


def attr(value: object) -> str:
    """``value`` escaped for an attribute."""
    return escape(str(value), quote=True)


def scale(value: float, low: float, high: float, start: float, end: float) -> float:
    """Map ``value`` from [low, high] onto [start, end] (end may be < start, as for y)."""
    if high == low:
        return (start + end) / 2
    return start + (value - low) * (end - start) / (high - low)


def svg_open(
    *, chart_id: str, title: str, description: str, width: int, height: int, css_class: str
) -> list[str]:
    """The opening of an accessible chart: the svg element named by its title and described
    by its description (ids made unique on the page by ``chart_id``)."""
    title_id, desc_id = f"{chart_id}-title", f"{chart_id}-desc"
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="{attr(css_class)}" role="img" '
        f'viewBox="0 0 {width} {height}" width="100%" preserveAspectRatio="xMinYMin meet" '
        f'aria-labelledby="{attr(title_id)}" aria-describedby="{attr(desc_id)}" '
        f'font-size="13" fill="currentColor" stroke="currentColor">',
        f'<title id="{attr(title_id)}">{escape(title)}</title>',
        f'<desc id="{attr(desc_id)}">{escape(description)}</desc>',
    ]


BAR_WIDTH, BAR_ROW, BAR_LEFT, BAR_RIGHT, BAR_TOP = 640, 30, 150, 70, 10


def bar_chart(
    bars: Sequence[tuple[str, int]],
    *,
    title: str,
    description: str,
    chart_id: str,
    number: Callable[[int], str] = str,
) -> str:
    """Horizontal bars, one per (label, count), each labelled on the left and followed by its
    count as text; lengths are proportional to the largest count (an empty bar draws no
    rectangle, its 0 is still written)."""
    height = BAR_TOP * 2 + BAR_ROW * max(1, len(bars))
    parts = svg_open(
        chart_id=chart_id,
        title=title,
        description=description,
        width=BAR_WIDTH,
        height=height,
        css_class="bar-chart",
    )
    top = max((count for _label, count in bars), default=0)
    plot_right = BAR_WIDTH - BAR_RIGHT
    parts.append(
        f'<path d="M{BAR_LEFT} {BAR_TOP} V{height - BAR_TOP}" fill="none" stroke-width="1"/>'
    )
    for row, (label, count) in enumerate(bars):
        y = BAR_TOP + row * BAR_ROW
        end = scale(count, 0, top, BAR_LEFT, plot_right) if top else BAR_LEFT
        parts.append('<g class="bar">')
        parts.append(
            f'<text x="{BAR_LEFT - 8}" y="{y + BAR_ROW / 2 + 4:.1f}" text-anchor="end" '
            f'stroke="none">{escape(label)}</text>'
        )
        if count > 0:
            parts.append(
                f'<rect x="{BAR_LEFT}" y="{y + 5}" width="{end - BAR_LEFT:.1f}" '
                f'height="{BAR_ROW - 10}" stroke="none"/>'
            )
        parts.append(
            f'<text x="{end + 6:.1f}" y="{y + BAR_ROW / 2 + 4:.1f}" stroke="none">'
            f"{escape(number(count))}</text></g>"
        )
    parts.append("</svg>")
    return "".join(parts)
