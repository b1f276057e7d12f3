"""The pilots API: importing the use-case modules registers their operations on /api/v1."""

from __future__ import annotations

from . import proposal_api, request_api, workspace_api  # noqa: F401
