"""API operations: request_api (to be built)."""

from __future__ import annotations
