"""The lifecycles of onboarding: join requests and invitations.

Pure tables (no Flask, no database): services move rows with `seoul_platform.lifecycle.transition`,
and onboarding/permissions.py says which of these roles an actor holds for a given row.

Roles used here:
- ``official``: Seoul staff;
- ``org_admin``: an admin of the organisation the invitation is for;
- ``invitee``: whoever holds the invitation link;
- ``system``: the platform, on its own or as the consequence of another change (a disabled or
  deleted sender's open invitations are revoked; expiry).
"""

from __future__ import annotations

from ..accounts.lifecycle import OFFICIAL
from ..lifecycle import N_, SYSTEM, TransitionTable

ORG_ADMIN = "org_admin"
INVITEE = "invitee"

__all__ = ["INVITATION", "INVITEE", "JOIN_REQUEST", "OFFICIAL", "ORG_ADMIN"]

JOIN_REQUEST = TransitionTable.build(
    "join_request",
    [
        ("pending", "approved", {OFFICIAL}),
        ("pending", "declined", {OFFICIAL}),
    ],
    {
        "pending": N_("This join request is still waiting for a decision."),
        "approved": N_("This join request is already approved."),
        "declined": N_("This join request is already declined."),
    },
)

INVITATION = TransitionTable.build(
    "invitation",
    [
        ("open", "accepted", {INVITEE}),
        ("open", "revoked", {OFFICIAL, ORG_ADMIN, SYSTEM}),
        ("open", "expired", {SYSTEM}),
        # A resend issues a new link: the row stays open (or opens again once expired).
        ("open", "open", {OFFICIAL, ORG_ADMIN}),
        ("expired", "open", {OFFICIAL, ORG_ADMIN}),
    ],
    {
        "open": N_("This invitation is still open."),
        "accepted": N_("This invitation was already accepted."),
        "revoked": N_("This invitation was revoked."),
        "expired": N_("This invitation has expired."),
    },
)
