"""Every kind of notification and its message, in one place.

The messages are marked for extraction with ``N_`` (a no-op, like ``gettext_noop``): the row
stores the English message id and translates it when read, so what is needed here is the id
itself, not a lazy string bound to the sender's language.
"""

from __future__ import annotations


def N_(message: str) -> str:
    return message


KINDS: dict[str, str] = {
    "join_request.approved": N_(
        "The request of %(organization)s to join the platform was approved. Welcome!"
    ),
    "join_request.declined": N_(
        "The request of %(organization)s to join the platform was declined."
    ),
    "invitation.accepted": N_("%(name)s accepted your invitation to join %(organization)s."),
    "account.disabled": N_("Your account was disabled by a Seoul official."),
    "account.enabled": N_("Your account was enabled again by a Seoul official."),
    "password.changed": N_(
        "Your password was changed and your other devices were signed out. If this was not "
        "you, reset your password now."
    ),
    # pilots: proposals (proposals, scoring, selection, the partnership's approval).
    # "Received" names no proposer: proposals are sealed until the deadline.
    "proposal.received": N_(
        "A proposal was received for your call “%(title)s”. Proposals stay sealed until "
        "the deadline."
    ),
    "proposal.shortlisted": N_("%(city)s shortlisted your proposal for “%(title)s”."),
    "selection.made": N_(
        "%(city)s selected a partner for “%(title)s”. Please review and approve the selection."
    ),
    "selection.sent_back": N_(
        "A Seoul official sent your selection for “%(title)s” back: %(reason)s"
    ),
    "partnership.approved": N_(
        "A Seoul official approved the partnership for “%(title)s”. The work can begin."
    ),
    "proposal.not_selected": N_(
        "Thank you for your proposal to “%(title)s”. %(city)s selected another partner this "
        "time. We hope to see your proposals for other calls."
    ),
}


class UnknownNotificationKind(KeyError):
    """A programming error: every kind must be declared in KINDS."""


def message_for(kind: str) -> str:
    try:
        return KINDS[kind]
    except KeyError:
        raise UnknownNotificationKind(kind) from None
