"""The lifecycle of an account: the status of a person.

A pure table (no Flask, no database): services move rows with `seoul_platform.lifecycle.transition`.
Invitations and join requests have theirs in onboarding/lifecycle.py.

Roles used here:
- ``official``: Seoul staff;
- ``self``: the person whose account it is;
- ``system``: the platform, as the consequence of another change (the applicant's account
  follows the decision on their join request).
"""

from __future__ import annotations

from ..lifecycle import N_, SYSTEM, TransitionTable

OFFICIAL = "official"
SELF = "self"

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
