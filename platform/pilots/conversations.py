"""Conversations of pilots: a proposal's clarifying questions and a partnership's thread.

- The conversation of a **proposal** (subject ``interest``) is between the request's city and
  the proposer (both organisations as a whole); officials see it too. It becomes available
  when the city may see the proposal — once the call is closed — and stays open for answers
  while the city scores and selects (closed, partner selected). Once the partnership starts
  (or the request ends, or the proposal is withdrawn) it is read-only: the partnership has
  its own thread.
- The conversation of a **partnership** is between its parties (city, partner, third
  partner) and officials; open while the partnership runs (in progress, evaluation).
A conversation is created by its first message ("Start the conversation"), or through the
API's get-or-create. Titles are names (organisation · request), not sentences, so they read
the same in every interface language.
"""

from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _

from ..access import MEMBER, current_actor, policy
from ..api import operation
from ..conversations import permissions as conversation_permissions
from ..conversations import services as conversations
from ..conversations.api import conversation_out
from ..conversations.forms import MessageForm
from ..conversations.schemas import ConversationOut
from ..conversations.views import start_page
from ..db import db
from ..errors import Conflict, NotFound
from . import permissions as perms
from .models import Interest, InterestStatus, Partnership, RequestStatus
from .panels import panel
from .views import bp

INTEREST = "interest"
PARTNERSHIP = "partnership"
INTEREST_OPEN = frozenset({RequestStatus.CLOSED, RequestStatus.PARTNER_SELECTED})
PARTNERSHIP_OPEN = frozenset({RequestStatus.IN_PROGRESS, RequestStatus.EVALUATION})


def _interest_open(interest_id: int) -> bool:
    interest = db.session.get(Interest, interest_id)
    return (
        interest is not None
        and interest.status != InterestStatus.WITHDRAWN
        and interest.request.status in INTEREST_OPEN
    )


def _partnership_open(partnership_id: int) -> bool:
    partnership = db.session.get(Partnership, partnership_id)
    return partnership is not None and partnership.request.status in PARTNERSHIP_OPEN


conversation_permissions.register_subject(
    INTEREST,
    is_open=_interest_open,
    link=lambda interest_id: url_for("pilots.proposal", interest_id=interest_id),
)
conversation_permissions.register_subject(
    PARTNERSHIP,
    is_open=_partnership_open,
    link=lambda partnership_id: url_for("pilots.partnership", partnership_id=partnership_id),
)


def can_start_interest_conversation(actor, interest: Interest) -> bool:
    """The city (once the call is closed), the proposer and officials, while it is open."""
    req = interest.request
    return (
        perms.can_view_interest(actor, interest, req)
        and req.status not in perms.SEALED_STATES
        and _interest_open(interest.id)
    )


def can_start_partnership_conversation(actor, partnership: Partnership) -> bool:
    return perms.can_view_partnership(actor, partnership) and _partnership_open(partnership.id)


def interest_conversation(interest: Interest):
    """The proposal's conversation, created if needed (flushes)."""
    req = interest.request
    return conversations.get_or_create_conversation(
        INTEREST,
        interest.id,
        title=f"{interest.organization.name} · {req.title}",
        organization_ids=[req.city_id, interest.organization_id],
    )


def partnership_conversation(partnership: Partnership):
    """The partnership's conversation, created if needed (flushes)."""
    ids = [partnership.city_id, partnership.partner_id]
    if partnership.third_party_id is not None:
        ids.append(partnership.third_party_id)
    return conversations.get_or_create_conversation(
        PARTNERSHIP, partnership.id, title=partnership.request.title, organization_ids=ids
    )


def _load_interest(actor, interest_id: int) -> Interest:
    interest = db.session.get(Interest, interest_id)
    if interest is None or not perms.can_view_interest(actor, interest, interest.request):
        raise NotFound(_("There is no such page."))
    return interest


def _load_partnership(actor, partnership_id: int) -> Partnership:
    partnership = db.session.get(Partnership, partnership_id)
    if partnership is None or not perms.can_view_partnership(actor, partnership):
        raise NotFound(_("There is no such page."))
    return partnership


# ---- HTML: start (or open) the conversation --------------------------------------------------


@bp.route("/interests/<int:interest_id>/conversation", methods=["GET", "POST"])
@policy(MEMBER)
def interest_thread(interest_id: int):
    actor = current_actor()
    interest = _load_interest(actor, interest_id)
    if interest.request.status in perms.SEALED_STATES:
        raise NotFound(_("There is no such page."))
    return start_page(
        INTEREST,
        interest.id,
        may_start=can_start_interest_conversation(actor, interest),
        create=lambda: interest_conversation(interest),
        heading=_("Questions about the proposal of %(name)s", name=interest.organization.name),
    )


@bp.route("/partnerships/<int:partnership_id>/conversation", methods=["GET", "POST"])
@policy(MEMBER)
def partnership_thread(partnership_id: int):
    actor = current_actor()
    partnership = _load_partnership(actor, partnership_id)
    return start_page(
        PARTNERSHIP,
        partnership.id,
        may_start=can_start_partnership_conversation(actor, partnership),
        create=lambda: partnership_conversation(partnership),
        heading=_("Conversation of the partnership “%(title)s”", title=partnership.request.title),
    )


# ---- API: get or create --------------------------------------------------------------------


@operation(
    "/interests/<int:interest_id>/conversation",
    "POST",
    summary="The conversation of a proposal (created on first use)",
    tag="conversations",
    access=MEMBER,
    response=ConversationOut,
    errors=(409,),
)
def open_interest_conversation(interest_id: int):
    """Between the request's city and the proposer (and officials), once the call is closed.
    Idempotent: every call returns the same conversation. 409 once it can no longer start."""
    actor = current_actor()
    interest = _load_interest(actor, interest_id)
    if interest.request.status in perms.SEALED_STATES:
        raise NotFound(_("There is no such page."))
    conversation = conversations.find_conversation(INTEREST, interest.id)
    if conversation is None:
        if not can_start_interest_conversation(actor, interest):
            raise Conflict(_("This conversation can no longer be started."))
        conversation = interest_conversation(interest)
    conversation = conversations.get_conversation(actor, conversation.id)
    unread = conversations.unread_counts(actor, [conversation.id])[conversation.id]
    return ConversationOut.model_validate(conversation_out(conversation, actor, unread))


@operation(
    "/partnerships/<int:partnership_id>/conversation",
    "POST",
    summary="The conversation of a partnership (created on first use)",
    tag="conversations",
    access=MEMBER,
    response=ConversationOut,
    errors=(409,),
)
def open_partnership_conversation(partnership_id: int):
    """Between the partnership's parties and officials. Idempotent."""
    actor = current_actor()
    partnership = _load_partnership(actor, partnership_id)
    conversation = conversations.find_conversation(PARTNERSHIP, partnership.id)
    if conversation is None:
        if not can_start_partnership_conversation(actor, partnership):
            raise Conflict(_("This conversation can no longer be started."))
        conversation = partnership_conversation(partnership)
    conversation = conversations.get_conversation(actor, conversation.id)
    unread = conversations.unread_counts(actor, [conversation.id])[conversation.id]
    return ConversationOut.model_validate(conversation_out(conversation, actor, unread))


# ---- panels --------------------------------------------------------------------------------


def _panel(actor, subject_type: str, subject_id: int, *, may_start: bool, start_url: str):
    conversation = conversations.find_conversation(subject_type, subject_id)
    if conversation is not None and conversation_permissions.can_view_conversation(
        actor, conversation
    ):
        return {
            "conversation": conversation,
            "unread": conversations.unread_counts(actor, [conversation.id])[conversation.id],
            "url": url_for("conversations.thread", conversation_id=conversation.id),
            "form": None,
            "start_url": None,
        }
    if not may_start:
        return None
    return {
        "conversation": None,
        "unread": 0,
        "url": None,
        "form": MessageForm(formdata=None),
        "start_url": start_url,
    }


@panel("interest", "pilots/conversations/_panel.html")
def conversation_on_interest(actor, interest: Interest) -> dict | None:
    req = interest.request
    if not perms.can_view_interest(actor, interest, req) or req.status in perms.SEALED_STATES:
        return None
    context = _panel(
        actor,
        INTEREST,
        interest.id,
        may_start=can_start_interest_conversation(actor, interest),
        start_url=url_for("pilots.interest_thread", interest_id=interest.id),
    )
    if context is not None:
        context["heading"] = _("Questions and answers")
        context["id"] = f"interest-{interest.id}-conversation"
    return context


@panel("partnership", "pilots/conversations/_panel.html")
def conversation_on_partnership(actor, partnership: Partnership) -> dict | None:
    if not perms.can_view_partnership(actor, partnership):
        return None
    context = _panel(
        actor,
        PARTNERSHIP,
        partnership.id,
        may_start=can_start_partnership_conversation(actor, partnership),
        start_url=url_for("pilots.partnership_thread", partnership_id=partnership.id),
    )
    if context is not None:
        context["heading"] = _("Conversation")
        context["id"] = f"partnership-{partnership.id}-conversation"
    return context
