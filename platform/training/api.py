"""The training API: importing the use-case modules registers their operations on /api/v1."""

from __future__ import annotations

from . import cohort_api, enrollment_api, feedback_api, models, record_api  # noqa: F401
