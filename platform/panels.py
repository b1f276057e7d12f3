"""Sections that one use case adds to a page another use case owns.

A feature's page (the pilot request page, the cohort page...) belongs to one part of the
feature, but other parts add sections to it: the proposals received, the documents, the
enrollment panel, the certificate. Rather than one view importing every use case (and every
template knowing them all), a use case registers a *panel provider* for a page:

    @panel("request", "pilots/proposals/_request_panel.html")
    def proposals_on_request(actor, req) -> dict | None:
        ...  # a fixed number of queries; None when there is nothing to show this actor

The page's view calls ``collect("request", actor, req)`` and its template renders each one:

    {% for p in panels %}{% with panel = p.context %}{% include p.template %}{% endwith %}
    {% endfor %}

Providers must do their own permission checks (they receive the actor) and must keep the
page's query count fixed whatever the data size. Each feature keeps its own registry
(pilots/panels.py, training/panels.py) naming its pages.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Provider = Callable[[Any, Any], dict | None]


@dataclass(frozen=True)
class Panel:
    template: str
    context: dict


class PanelRegistry:
    def __init__(self, feature: str, pages: tuple[str, ...]) -> None:
        self.feature = feature
        self.pages = pages
        self._providers: dict[str, list[tuple[str, Provider]]] = {page: [] for page in pages}

    def panel(self, page: str, template: str) -> Callable[[Provider], Provider]:
        if page not in self._providers:
            raise ValueError(f"no {self.feature} page {page!r}; pages are {self.pages}")

        def register(fn: Provider) -> Provider:
            entries = self._providers[page]
            if (template, fn) not in entries:
                entries.append((template, fn))
            return fn

        return register

    def collect(self, page: str, actor, subject) -> list[Panel]:
        """The panels to show ``actor`` on ``page`` about ``subject``, in registration
        order."""
        out = []
        for template, fn in self._providers[page]:
            context = fn(actor, subject)
            if context is not None:
                out.append(Panel(template, context))
        return out
