"""Human labels (translatable) for the pilots vocabularies, shared by every pilots page."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

TYPE_LABELS = {
    "feasibility_study": _l("Feasibility study"),
    "pilot_implementation": _l("Pilot implementation"),
    "triangular": _l("Triangular cooperation"),
    "collaborative_demo": _l("Collaborative demonstration"),
}
STATUS_LABELS = {
    "draft": _l("Draft"),
    "submitted": _l("Submitted, in review"),
    "changes_requested": _l("Changes requested"),
    "open": _l("Open for proposals"),
    "closed": _l("Proposals closed"),
    "partner_selected": _l("Partner selected"),
    "in_progress": _l("In progress"),
    "evaluation": _l("Evaluation"),
    "completed": _l("Completed"),
    "rejected": _l("Rejected"),
    "cancelled": _l("Cancelled"),
}
TARGET_GROUP_LABELS = {
    "elderly": _l("Older people"),
    "disabled": _l("People with disabilities"),
    "women": _l("Women"),
    "low_income": _l("Low-income households"),
    "youth": _l("Young people"),
    "children": _l("Children"),
    "migrants": _l("Migrants and refugees"),
    "rural": _l("Rural residents"),
}
INTEREST_STATUS_LABELS = {
    "submitted": _l("Submitted"),
    "withdrawn": _l("Withdrawn"),
    "shortlisted": _l("Shortlisted"),
    "selected": _l("Selected"),
    "not_selected": _l("Not selected"),
}
MILESTONE_STATUS_LABELS = {
    "planned": _l("Planned"),
    "in_progress": _l("In progress"),
    "done": _l("Done"),
    "delayed": _l("Delayed"),
    "cancelled": _l("Cancelled"),
}
# The part an organisation played in a completed partnership (track record; workspace part).
TRACK_RECORD_ROLE_LABELS = {
    "city": _l("as the city"),
    "partner": _l("as the partner"),
    "third_party": _l("as the third partner"),
}
