"""The training API: importing the use-case modules registers their operations on /api/v1."""

from __future__ import annotations

from . import enrollment_api, models  # noqa: F401  (enrollment_api: the enrollment part)
