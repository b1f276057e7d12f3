"""API operations: proposal_api (to be built)."""

from __future__ import annotations
