"""Who may read and write a conversation.

Reading: an active account that is an official, or a participant — its organisation takes
part (everyone in it, including people who join later), or the person does. Writing: the
same people (officials too), while the conversation is open. A conversation about a subject
may be closed by that subject's feature: it registers ``is_open(subject_id)`` for its
subject type here (pilots: a proposal's thread becomes read-only once the selection is
over; see pilots/conversations.py). Outsiders get 404, never 403.
"""

from __future__ import annotations

from collections.abc import Callable

from ..accounts.models import User, UserStatus
from .models import Conversation

_is_open: dict[str, Callable[[int], bool]] = {}
_links: dict[str, Callable[[int], str | None]] = {}


def register_subject(
    subject_type: str,
    *,
    is_open: Callable[[int], bool],
    link: Callable[[int], str | None] | None = None,
) -> None:
    """``is_open(subject_id)``: may the thread still be answered? ``link(subject_id)``: the
    subject's page, shown on the thread as the way back (None: no link)."""
    _is_open[subject_type] = is_open
    if link is not None:
        _links[subject_type] = link


def subject_link(conversation: Conversation) -> str | None:
    link = _links.get(conversation.subject_type or "")
    return link(conversation.subject_id) if link else None


def _active(actor: User | None) -> bool:
    return actor is not None and actor.status == UserStatus.ACTIVE


def is_participant(actor: User | None, conversation: Conversation) -> bool:
    if not _active(actor):
        return False
    return any(
        (p.organization_id is not None and p.organization_id == actor.organization_id)
        or p.user_id == actor.id
        for p in conversation.participants
    )


def can_view_conversation(actor: User | None, conversation: Conversation) -> bool:
    return _active(actor) and (actor.is_official or is_participant(actor, conversation))


def is_open(conversation: Conversation) -> bool:
    check = _is_open.get(conversation.subject_type or "")
    return check is None or check(conversation.subject_id)


def can_post_message(actor: User | None, conversation: Conversation) -> bool:
    return can_view_conversation(actor, conversation) and is_open(conversation)
