"""The lifecycles of a cohort and of an enrollment. Pure tables (no Flask, no database);
services move rows with `seoul_platform.lifecycle.transition`, and every seat-changing move
runs inside `training.seats.lock_cohort` (see models.py).

Roles:
- ``participant``: the enrolled person, or an admin of their organisation acting for them;
- ``official``: Seoul staff, who run the programme;
- ``system``: the platform on its own (an offer expiring, the next in line being offered a
  freed seat, a cohort's completion issuing certificates).

An enrollment's first state (applied, enrolled or waitlisted) is recorded with
`seoul_platform.lifecycle.record_start`, so its history is complete from the start.
"""

from __future__ import annotations

from ..lifecycle import N_, SYSTEM, TransitionTable

PARTICIPANT = "participant"
OFFICIAL = "official"

COHORT = TransitionTable.build(
    "cohort",
    [
        ("draft", "published", {OFFICIAL}),
        ("published", "draft", {OFFICIAL}),  # only while nobody has applied (service check)
        ("published", "in_progress", {OFFICIAL, SYSTEM}),
        ("in_progress", "completed", {OFFICIAL}),
        ("draft", "cancelled", {OFFICIAL}),
        ("published", "cancelled", {OFFICIAL}),
    ],
    {
        "draft": N_("This cohort is still a draft."),
        "published": N_("This cohort is already published."),
        "in_progress": N_("This cohort is already in progress."),
        "completed": N_("This cohort is already completed."),
        "cancelled": N_("This cohort was cancelled."),
    },
)

ENROLLMENT = TransitionTable.build(
    "enrollment",
    [
        # Reviewed cohorts: officials decide.
        ("applied", "enrolled", {OFFICIAL}),
        ("applied", "waitlisted", {OFFICIAL, SYSTEM}),  # system: accepted, but no seat left
        ("applied", "rejected", {OFFICIAL}),
        ("waitlisted", "enrolled", {OFFICIAL}),  # an official seats someone from the list
        ("waitlisted", "rejected", {OFFICIAL}),
        # A freed seat goes to the next eligible person in line, for a limited time.
        ("waitlisted", "offered", {SYSTEM}),
        ("offered", "enrolled", {PARTICIPANT}),
        ("offered", "declined", {PARTICIPANT}),
        ("offered", "expired", {SYSTEM}),
        # The participant leaves (or their organisation's admin withdraws them).
        *((state, "withdrawn", {PARTICIPANT}) for state in ("applied", "waitlisted", "offered")),
        ("enrolled", "withdrawn", {PARTICIPANT}),
        # Applying again after leaving, while applications are open: back of the line.
        *(
            (state, again, {PARTICIPANT})
            for state in ("withdrawn", "declined", "expired")
            for again in ("applied", "enrolled", "waitlisted")
        ),
        # Attendance threshold and accepted action plan: the certificate is issued.
        ("enrolled", "completed", {OFFICIAL, SYSTEM}),
    ],
    {
        "applied": N_("This application waits for a decision."),
        "enrolled": N_("This person is already enrolled."),
        "waitlisted": N_("This person is already on the waitlist."),
        "offered": N_("A seat is already offered to this person."),
        "declined": N_("This offer was declined."),
        "expired": N_("This offer has expired."),
        "rejected": N_("This application was rejected."),
        "withdrawn": N_("This enrollment was withdrawn."),
        "completed": N_("This training is already completed."),
    },
)

# Moves that need a reason (shown in the history and to the person).
REASON_REQUIRED = frozenset({("applied", "rejected"), ("waitlisted", "rejected")})

DEFAULT_OFFER_HOURS = 72
OFFER_REMINDER_HOURS = 24  # "your offer expires in 24 hours"
DEFAULT_ATTENDANCE_THRESHOLD = 80  # percent of sessions
