"""The lifecycle of a pilot request (and so of its partnership), and of a proposal.

Pure tables (no Flask, no database). Services move rows with
`seoul_platform.lifecycle.transition`; pilots/permissions.py says which of these roles an actor
holds for a given request or proposal.

Roles:
- ``city``: an active member of the request's city;
- ``official``: Seoul staff;
- ``proposer``: an active member of the organisation that made the proposal;
- ``system``: the platform on its own (a deadline passing) or as the consequence of another
  move (the selected proposal follows the city's selection, the others are told "not selected"
  when the partnership is approved).

ISSUE 7 gives the request's lifecycle; PRODUCT.md's "in review" is the ``submitted`` state
(a request waits for an official's review while submitted), so there is no separate state.
The partnership's own stages (in progress, evaluation, completed) are the request's last
states: one row, one history.
"""

from __future__ import annotations

from ..lifecycle import N_, SYSTEM, TransitionTable

CITY = "city"
OFFICIAL = "official"
PROPOSER = "proposer"

# States from which a request may still be rejected (by an official) or cancelled (by the
# city or an official), with a reason: everything before the partnership starts.
BEFORE_PARTNERSHIP = (
    "draft",
    "submitted",
    "changes_requested",
    "open",
    "closed",
    "partner_selected",
)

PILOT_REQUEST = TransitionTable.build(
    "pilot_request",
    [
        ("draft", "submitted", {CITY}),
        ("submitted", "changes_requested", {OFFICIAL}),
        ("changes_requested", "submitted", {CITY}),
        ("submitted", "open", {OFFICIAL}),
        # The deadline closes a call on its own; an official may close one early (reason).
        ("open", "closed", {SYSTEM, OFFICIAL}),
        ("closed", "partner_selected", {CITY}),
        # An official who does not approve the selection sends it back to the city.
        ("partner_selected", "closed", {OFFICIAL}),
        ("partner_selected", "in_progress", {OFFICIAL}),
        ("in_progress", "evaluation", {OFFICIAL}),
        ("evaluation", "in_progress", {OFFICIAL}),
        ("evaluation", "completed", {OFFICIAL}),
        # A draft is the city's own: officials do not see it, so only the city cancels it.
        ("draft", "cancelled", {CITY}),
        *((state, "cancelled", {CITY, OFFICIAL}) for state in BEFORE_PARTNERSHIP[1:]),
        *((state, "rejected", {OFFICIAL}) for state in BEFORE_PARTNERSHIP[1:]),
    ],
    {
        "draft": N_("This request is still a draft."),
        "submitted": N_("This request is submitted and waits for a review."),
        "changes_requested": N_("Changes to this request were requested from the city."),
        "open": N_("This call for proposals is open."),
        "closed": N_("Proposals for this call are closed."),
        "partner_selected": N_("A partner is already selected for this request."),
        "in_progress": N_("This partnership is already in progress."),
        "evaluation": N_("This partnership is already being evaluated."),
        "completed": N_("This partnership is already completed."),
        "rejected": N_("This request was rejected."),
        "cancelled": N_("This request was cancelled."),
    },
)

# Moves that require a reason (shown in the history and to the city).
REASON_REQUIRED = frozenset(
    {
        ("submitted", "changes_requested"),
        ("partner_selected", "closed"),
        ("evaluation", "in_progress"),
        *((state, "rejected") for state in BEFORE_PARTNERSHIP[1:]),
        *((state, "cancelled") for state in BEFORE_PARTNERSHIP),
    }
)

INTEREST = TransitionTable.build(
    "interest",
    [
        # Until the deadline (checked by the service's UPDATE condition).
        ("submitted", "withdrawn", {PROPOSER}),
        ("withdrawn", "submitted", {PROPOSER}),
        # After the deadline, the city's shortlist.
        ("submitted", "shortlisted", {CITY}),
        ("shortlisted", "submitted", {CITY}),
        # Consequences of the request's moves.
        ("submitted", "selected", {SYSTEM}),
        ("shortlisted", "selected", {SYSTEM}),
        ("selected", "shortlisted", {SYSTEM}),  # an official sent the selection back
        ("submitted", "not_selected", {SYSTEM}),
        ("shortlisted", "not_selected", {SYSTEM}),
        # The request was cancelled or rejected with a selection waiting for approval.
        ("selected", "not_selected", {SYSTEM}),
    ],
    {
        "submitted": N_("This proposal is submitted."),
        "withdrawn": N_("This proposal was withdrawn."),
        "shortlisted": N_("This proposal is already shortlisted."),
        "selected": N_("This proposal was selected."),
        "not_selected": N_("This proposal was not selected."),
    },
)

# The programme's selection criteria an official reviews a submitted request against
# (the Seoul Smart City Prize's own list), each scored 1-5 with a note.
SELECTION_CRITERIA: dict[str, str] = {
    "commitment": N_("The city's commitment"),
    "ict_strategy": N_("Alignment with the national ICT strategy"),
    "local_support": N_("Local support offered"),
    "sustainability": N_("Sustainability after the project"),
    "implementation": N_("Commitment to implement afterwards"),
}

DEFAULT_CALL_DAYS = 28  # the shortest call without a recorded reason
