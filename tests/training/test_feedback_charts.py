"""The shared bar chart (platform/charts.py) the feedback results draw: accessible name and
description, every text escaped, bars proportional to their counts, values written as text."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from seoul_platform.charts import BAR_LEFT, BAR_RIGHT, BAR_WIDTH, bar_chart

SVG = "{http://www.w3.org/2000/svg}"


def _parse(svg: str):
    return ET.fromstring(svg)  # noqa: S314 - our own markup


def _chart(bars, **kw):
    return bar_chart(
        bars,
        title=kw.pop("title", "Overall: answers per rating"),
        description=kw.pop("description", "3 answers"),
        chart_id="c1",
        **kw,
    )


def test_named_and_described_and_parseable():
    svg = _chart([("Rating 1", 1), ("Rating 2", 0)])
    root = _parse(svg)
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "c1-title" and root.get("aria-describedby") == "c1-desc"
    assert root.find(f"{SVG}title").text == "Overall: answers per rating"
    assert root.find(f"{SVG}desc").text == "3 answers"


def test_bars_are_proportional_and_every_count_is_written():
    root = _parse(_chart([("a", 2), ("b", 4), ("c", 0)]))
    widths = [float(r.get("width")) for r in root.iter(f"{SVG}rect")]
    assert len(widths) == 2  # a zero draws no bar
    assert widths[1] == BAR_WIDTH - BAR_RIGHT - BAR_LEFT and widths[0] == widths[1] / 2
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert texts == ["a", "2", "b", "4", "c", "0"]


def test_all_zero_and_empty_charts_draw_no_bars():
    for bars in ([("a", 0), ("b", 0)], []):
        root = _parse(_chart(bars))
        assert list(root.iter(f"{SVG}rect")) == []


def test_texts_are_escaped():
    svg = _chart([("<b>&", 1)], title='"><script>', description="</desc><x>")
    assert "<script>" not in svg and "<b>" not in svg and "<x>" not in svg
    assert re.search(r"&lt;b&gt;&amp;", svg)
    _parse(svg)
