"""The lifecycles of accounts: join requests, invitations and the status of a person.

Pure tables (no Flask, no database): services move rows with `seoul_platform.lifecycle.transition`,
and accounts/permissions.py says which of these roles an actor holds for a given row.

Roles used here:
- ``official``: Seoul staff;
- ``org_admin``: an admin of the organisation the invitation is for;
- ``invitee``: whoever holds the invitation link;
- ``self``: the person whose account it is;
- ``system``: the platform, on its own or as the consequence of another change (the applicant's
  account follows the decision on their join request; a disabled or deleted sender's open
  invitations are revoked; expiry).
"""

from __future__ import annotations

from ..lifecycle import N_, SYSTEM, TransitionTable

OFFICIAL = "official"
ORG_ADMIN = "org_admin"
INVITEE = "invitee"
SELF = "self"

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

# An applicant's account is decided only through their join request (pending -> active or
# declined, by the system as part of the decision). An official may disable an active account
# and enable a disabled one; a declined applicant stays declined (enabling it would skip
# vetting). Anyone may delete their own account.
USER = TransitionTable.build(
    "user",
    [
        ("pending", "active", {SYSTEM}),
        ("pending", "declined", {SYSTEM}),
        ("active", "disabled", {OFFICIAL}),
        ("disabled", "active", {OFFICIAL}),
        *((state, "deleted", {SELF}) for state in ("pending", "active", "disabled", "declined")),
    ],
    {
        "pending": N_(
            "This account is waiting for its join request to be decided; decide the request "
            "instead."
        ),
        "active": N_("This account is already active."),
        "disabled": N_("This account is already disabled."),
        "declined": N_(
            "This applicant's join request was declined; the account cannot be enabled."
        ),
        "deleted": N_("This account is deleted."),
    },
)
