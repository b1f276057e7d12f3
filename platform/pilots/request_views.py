"""Routes: request_views (to be built)."""

from __future__ import annotations

from . import models  # noqa: F401  (the tables exist from the start)
from .views import bp  # noqa: F401
