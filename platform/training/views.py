"""The training blueprint. Routes live in one module per use case (programmes and cohorts,
enrollment, training records, feedback), each registering on ``bp``."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("training", __name__, template_folder="templates")

# Importing the route modules registers their routes on ``bp``.
from . import cohort_views, enrollment_views, feedback_views, models, record_views  # noqa: E402, F401
