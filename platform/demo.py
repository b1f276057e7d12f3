"""Demo data (placeholder until the demo data set lands)."""

from __future__ import annotations


def seed_demo() -> str:
    return "no demo data yet"


def remove_demo() -> int:
    return 0
