"""The pilots pages other pilots use cases add sections to (see seoul_platform.panels): the
request page, the proposal ("interest") page and the partnership workspace."""

from __future__ import annotations

from ..panels import Panel, PanelRegistry

PAGES = ("request", "interest", "partnership")

_registry = PanelRegistry("pilots", PAGES)
panel = _registry.panel
collect = _registry.collect

__all__ = ["PAGES", "Panel", "collect", "panel"]
