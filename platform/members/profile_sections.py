"""Sections that features built on members add to an organisation's profile page.

members sits below pilots and training (they import members, never the reverse; see
tests/core/test_layers.py), yet a profile shows what an organisation did there — its track
record of completed pilots, later its training. A feature registers a section provider:

    @profile_section("pilots/workspace/_track_record.html")
    def track_record(actor, org) -> dict | None: ...   # a fixed number of queries

and the profile view renders every registered section whose provider returns a context.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Provider = Callable[[Any, Any], dict | None]
_providers: list[tuple[str, Provider]] = []


@dataclass(frozen=True)
class Section:
    template: str
    context: dict


def profile_section(template: str) -> Callable[[Provider], Provider]:
    def register(fn: Provider) -> Provider:
        if (template, fn) not in _providers:
            _providers.append((template, fn))
        return fn

    return register


def collect(actor, org) -> list[Section]:
    """The sections to show ``actor`` on ``org``'s profile, in registration order."""
    out = []
    for template, fn in _providers:
        context = fn(actor, org)
        if context is not None:
            out.append(Section(template, context))
    return out
