"""API: conversations, their messages and read state."""

from __future__ import annotations

from ..access import MEMBER, current_actor
from ..accounts.models import UserStatus
from ..api import operation, paginated
from ..pagination import PageQuery
from . import permissions, services
from .models import Conversation, Message
from .schemas import (
    ConversationOut,
    ConversationPage,
    MessageIn,
    MessageOut,
    MessagePage,
    ReadOut,
)


def conversation_out(conversation: Conversation, actor, unread: int) -> dict:
    return {
        "id": conversation.id,
        "subject_type": conversation.subject_type,
        "subject_id": conversation.subject_id,
        "title": conversation.title,
        "created_at": conversation.created_at,
        "last_message_at": conversation.last_message_at,
        "participants": [
            {
                "organization": {"id": p.organization.id, "name": p.organization.name}
                if p.organization
                else None,
                "user": {"id": p.user.id, "name": p.user.name} if p.user else None,
            }
            for p in conversation.participants
        ],
        "unread": unread,
        "can_post": permissions.can_post_message(actor, conversation),
    }


def message_out(message: Message) -> dict:
    author = message.author
    if author is not None and author.status == UserStatus.DELETED:
        author = None  # an erased account: "Deleted account", as when the row is gone
    org = author.organization if author else None
    return {
        "id": message.id,
        "conversation_id": message.conversation_id,
        "author": {
            "id": author.id,
            "name": author.name,
            "organization": {"id": org.id, "name": org.name} if org else None,
        }
        if author
        else None,
        "body": message.body,
        "created_at": message.created_at,
    }


@operation(
    "/conversations",
    "GET",
    summary="List my conversations (officials: all), latest activity first",
    tag="conversations",
    access=MEMBER,
    query=PageQuery,
    response=ConversationPage,
)
def list_conversations(query: PageQuery):
    actor = current_actor()
    page = services.list_conversations(actor, query)
    unread = services.unread_counts(actor, [c.id for c in page.items])
    return paginated(page, ConversationPage, lambda c: conversation_out(c, actor, unread[c.id]))


@operation(
    "/conversations/<int:conversation_id>",
    "GET",
    summary="A conversation: title, participants, unread count",
    tag="conversations",
    access=MEMBER,
    response=ConversationOut,
)
def get_conversation(conversation_id: int):
    actor = current_actor()
    conversation = services.get_conversation(actor, conversation_id)
    unread = services.unread_counts(actor, [conversation.id])[conversation.id]
    return ConversationOut.model_validate(conversation_out(conversation, actor, unread))


@operation(
    "/conversations/<int:conversation_id>/messages",
    "GET",
    summary="The messages of a conversation, oldest first",
    tag="conversations",
    access=MEMBER,
    query=PageQuery,
    response=MessagePage,
)
def list_messages(conversation_id: int, query: PageQuery):
    actor = current_actor()
    conversation = services.get_conversation(actor, conversation_id)
    return paginated(services.list_messages(actor, conversation, query), MessagePage, message_out)


@operation(
    "/conversations/<int:conversation_id>/messages",
    "POST",
    summary="Post a message",
    tag="conversations",
    access=MEMBER,
    body=MessageIn,
    response=MessageOut,
    status=201,
    errors=(409,),
)
def post_message(conversation_id: int, body: MessageIn):
    """Participants and officials, while the conversation is open (409 once closed)."""
    actor = current_actor()
    conversation = services.get_conversation(actor, conversation_id)
    message = services.post_message(actor, conversation, body.body)
    return MessageOut.model_validate(message_out(message))


@operation(
    "/conversations/<int:conversation_id>/read",
    "POST",
    summary="Mark a conversation read up to its latest message",
    tag="conversations",
    access=MEMBER,
    response=ReadOut,
)
def mark_read(conversation_id: int):
    actor = current_actor()
    conversation = services.get_conversation(actor, conversation_id)
    last = services.mark_read(actor, conversation)
    unread = services.unread_counts(actor, [conversation.id])[conversation.id]
    return ReadOut(conversation_id=conversation.id, last_read_message_id=last, unread=unread)
