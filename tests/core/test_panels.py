"""Panels (seoul_platform.panels): sections one use case adds to another's page."""

from __future__ import annotations

import pytest

from seoul_platform.panels import Panel, PanelRegistry


def test_panels_are_collected_in_order_and_hidden_when_none():
    registry = PanelRegistry("probe", ("page",))

    @registry.panel("page", "probe/first.html")
    def first(actor, subject):
        return {"n": subject}

    @registry.panel("page", "probe/hidden.html")
    def hidden(actor, subject):
        return None

    @registry.panel("page", "probe/second.html")
    def second(actor, subject):
        return {"actor": actor}

    registry.panel("page", "probe/first.html")(first)  # registering twice is a no-op
    assert registry.collect("page", "me", 7) == [
        Panel("probe/first.html", {"n": 7}),
        Panel("probe/second.html", {"actor": "me"}),
    ]
    with pytest.raises(ValueError):
        registry.panel("nowhere", "x.html")


def test_each_feature_names_its_pages():
    from seoul_platform.pilots import panels as pilots
    from seoul_platform.training import panels as training

    assert pilots.PAGES == ("request", "interest", "partnership")
    assert training.PAGES == ("cohort", "my_training")
    with pytest.raises(ValueError):
        training.panel("request", "x.html")
