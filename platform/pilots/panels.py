"""Sections that one pilots use case adds to a page another use case owns.

The request page belongs to the requests part, but proposals ("Submit a proposal", the
proposals received), documents and the partnership each add a section to it; the proposal
and workspace pages likewise receive documents and a conversation. Rather than one view
importing every use case (and every template knowing them all), a use case registers a
*panel provider* for a page:

    @panel("request", "pilots/proposals/_request_panel.html")
    def proposals_on_request(actor, req) -> dict | None:
        ...  # a fixed number of queries; None when there is nothing to show this actor

The page's view calls ``collect("request", actor, req)`` and its template renders each one:

    {% for p in panels %}{% with panel = p.context %}{% include p.template %}{% endwith %}
    {% endfor %}

Providers must do their own permission checks (they receive the actor) and must keep the
page's query count fixed whatever the data size.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

PAGES = ("request", "interest", "partnership")

Provider = Callable[[Any, Any], dict | None]
_providers: dict[str, list[tuple[str, Provider]]] = {page: [] for page in PAGES}


@dataclass(frozen=True)
class Panel:
    template: str
    context: dict


def panel(page: str, template: str) -> Callable[[Provider], Provider]:
    if page not in _providers:
        raise ValueError(f"no pilots page {page!r}; pages are {PAGES}")

    def register(fn: Provider) -> Provider:
        entries = _providers[page]
        if (template, fn) not in entries:
            entries.append((template, fn))
        return fn

    return register


def collect(page: str, actor, subject) -> list[Panel]:
    """The panels to show ``actor`` on ``page`` about ``subject``, in registration order."""
    out = []
    for template, fn in _providers[page]:
        context = fn(actor, subject)
        if context is not None:
            out.append(Panel(template, context))
    return out
