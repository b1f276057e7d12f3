"""The pilots blueprint. Routes live in one module per use case (requests, proposals and
selection, the partnership workspace and public results), each registering on ``bp``."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("pilots", __name__, template_folder="templates")

# Importing the route modules registers their routes on ``bp``.
from . import proposal_views, request_views, results_views, workspace_views  # noqa: E402, F401, I001
from . import conversations, documents  # noqa: E402, F401  (the shared features' wiring)
