"""The training API: importing the use-case modules registers their operations on /api/v1."""

from __future__ import annotations

from . import cohort_api, models  # noqa: F401
