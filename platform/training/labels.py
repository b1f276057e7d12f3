"""Human labels (translatable) for the training vocabularies, shared by every training page,
the printable records and the CSV exports' readers: one wording per state, whichever page shows
it."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

COHORT_STATUS_LABELS = {
    "draft": _l("Draft"),
    "published": _l("Open for applications"),
    "in_progress": _l("In progress"),
    "completed": _l("Completed"),
    "cancelled": _l("Cancelled"),
}

PLACE_LABELS = {
    "seoul": _l("In Seoul"),
    "online": _l("Online"),
    "hybrid": _l("In Seoul and online"),
}

ADMISSION_LABELS = {
    "first_come": _l("First come, first served"),
    "reviewed": _l("Reviewed by Seoul officials"),
}

SESSION_KIND_LABELS = {
    "lecture": _l("Lecture"),
    "site_visit": _l("Site visit"),
    "peer_exchange": _l("Peer exchange"),
    "presentation": _l("Presentation"),
}

ENROLLMENT_STATUS_LABELS = {
    "applied": _l("Applied, waiting for a decision"),
    "enrolled": _l("Enrolled"),
    "waitlisted": _l("On the waitlist"),
    "offered": _l("Seat offered"),
    "declined": _l("Offer declined"),
    "expired": _l("Offer expired"),
    "rejected": _l("Not accepted"),
    "withdrawn": _l("Withdrawn"),
    "completed": _l("Completed"),
}

ATTENDANCE_LABELS = {"present": _l("Present"), "absent": _l("Absent"), "excused": _l("Excused")}

PLAN_LABELS = {
    "none": _l("Not written yet"),
    "draft": _l("Draft"),
    "submitted": _l("Submitted, waiting for review"),
    "changes_requested": _l("Changes requested"),
    "accepted": _l("Accepted"),
}
