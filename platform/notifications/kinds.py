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
    # conversations (platform/conversations/): one unread reminder per conversation
    "conversation.message": N_("%(name)s wrote in the conversation “%(title)s”."),
}


class UnknownNotificationKind(KeyError):
    """A programming error: every kind must be declared in KINDS."""


def message_for(kind: str) -> str:
    try:
        return KINDS[kind]
    except KeyError:
        raise UnknownNotificationKind(kind) from None
