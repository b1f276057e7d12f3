"""The KPI chart: pure functions, no app. The SVG parses, is an image with a title and a
description, scales its points, and copes with no values, one value, baseline == target and
negative numbers; every text is escaped."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date

from seoul_platform.pilots.charts import BOTTOM, HEIGHT, TOP, ChartText, kpi_chart, scale

NS = {"svg": "http://www.w3.org/2000/svg"}
TEXT = ChartText(title="Missed appointments over time", description="baseline 18; target 9.")


def _svg(points, baseline=18.0, target=9.0, text=TEXT):
    markup = kpi_chart(points, baseline=baseline, target=target, text=text, chart_id="c1")
    return markup, ET.fromstring(markup)  # noqa: S314


def _points(root):
    return [(float(c.get("cx")), float(c.get("cy"))) for c in root.iterfind(".//svg:circle", NS)]


def _texts(root):
    return ["".join(t.itertext()) for t in root.iterfind(".//svg:text", NS)]


def test_an_accessible_image():
    _, root = _svg([(date(2026, 1, 1), 15.0), (date(2026, 3, 1), 11.0)])
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "c1-title" and root.get("aria-describedby") == "c1-desc"
    assert root.find("svg:title", NS).text == TEXT.title
    assert root.find("svg:title", NS).get("id") == "c1-title"
    assert root.find("svg:desc", NS).text == TEXT.description
    # Drawn in the text colour (forced colours), never a fixed colour.
    assert root.get("fill") == "currentColor" and root.get("stroke") == "currentColor"
    assert "#" not in ET.tostring(root, encoding="unicode").split("<title")[0].replace(
        "http://www.w3.org/2000/svg", ""
    )


def test_reference_lines_are_labelled_and_told_apart_by_dashes():
    _, root = _svg([(date(2026, 1, 1), 15.0)])
    texts = _texts(root)
    assert "Baseline: 18" in texts and "Target: 9" in texts
    dashes = {
        line.get("stroke-dasharray")
        for line in root.iterfind(".//svg:line", NS)
        if line.get("stroke-dasharray")
    }
    assert len(dashes) == 2


def test_points_scale_with_time_and_value():
    _, root = _svg(
        [(date(2026, 3, 1), 10.0), (date(2026, 1, 1), 20.0), (date(2026, 2, 1), 15.0)],
        baseline=None,
        target=None,
    )
    points = _points(root)
    xs, ys = [x for x, _ in points], [y for _, y in points]
    assert xs == sorted(xs)  # sorted by date
    assert ys[0] < ys[1] < ys[2]  # 20 is drawn highest (smaller y), 10 lowest
    assert min(ys) >= TOP and max(ys) <= HEIGHT - BOTTOM
    # Values are printed next to their points.
    assert {"20", "15", "10"} <= set(_texts(root))


def test_no_values_one_value_and_equal_lines():
    _, empty = _svg([])
    assert "No values measured yet." in _texts(empty) and not _points(empty)
    _, nothing = _svg([], baseline=None, target=None)
    assert "No values measured yet." in _texts(nothing)
    _, one = _svg([(date(2026, 1, 1), 5.0)], baseline=None, target=None)
    [(_x, y)] = _points(one)
    assert TOP <= y <= HEIGHT - BOTTOM
    _, equal = _svg([(date(2026, 1, 1), 5.0)], baseline=7.0, target=7.0)
    labels = [t for t in equal.iterfind(".//svg:g/svg:text", NS) if ":" in "".join(t.itertext())]
    assert len({t.get("y") for t in labels}) == 2  # the two labels do not overlap


def test_negative_values_and_escaping():
    text = ChartText(
        title="<script>x</script> & co", description='"quoted"', baseline="B<", target="T&"
    )
    markup, root = _svg(
        [(date(2026, 1, 1), -50.0), (date(2026, 1, 2), -10.0)],
        baseline=-30.0,
        target=0.0,
        text=text,
    )
    assert "<script>" not in markup
    assert root.find("svg:title", NS).text == "<script>x</script> & co"
    ys = [y for _, y in _points(root)]
    assert ys[0] > ys[1]  # -50 lower than -10


def test_scale():
    assert scale(5, 0, 10, 0, 100) == 50
    assert scale(0, 0, 10, 200, 0) == 200
    assert scale(3, 3, 3, 0, 100) == 50
