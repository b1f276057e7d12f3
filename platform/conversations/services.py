"""Conversations: create (once per subject), post, list, mark read, count unread.

The acting user is a parameter; functions flush, never commit. Posting notifies the other
participants' people (``conversation.message``) in the same transaction and, after the
commit, emits a ``message`` event to the room ``conversation:<id>`` (best effort: the
real-time issue makes clients join that room; until then the notification carries it).

Personal data (accounts/signals.py): ``export_person`` answers ``personal_data_requested`` with
the messages the person wrote. There is no ``account_deleted`` receiver, on purpose: a message
belongs to its thread, which other organisations read, so deleting an account keeps it; the
account is anonymised instead, and an erased author shows as "Deleted account" (the thread
template and api.py look at the author's status).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from functools import partial

from flask_babel import gettext as _
from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from ..accounts.models import User, UserStatus
from ..db import after_commit, as_utc, db, utcnow
from ..errors import Conflict, NotFound, ValidationError
from ..notifications.models import Notification
from ..notifications.services import notify
from ..pagination import Page, PageQuery, paginate
from ..schemas import MAX_ID
from ..text import clean_multiline
from . import permissions
from .models import BODY_MAX, TITLE_MAX, Conversation, ConversationParticipant, Message, ReadState

log = logging.getLogger("seoul_platform.conversations")

MESSAGE_KIND = "conversation.message"


def room(conversation_id: int) -> str:
    return f"conversation:{conversation_id}"


def find_conversation(subject_type: str, subject_id: int) -> Conversation | None:
    return db.session.scalar(
        select(Conversation)
        .where(Conversation.subject_type == subject_type, Conversation.subject_id == subject_id)
        .options(selectinload(Conversation.participants))
    )


def get_or_create_conversation(
    subject_type: str,
    subject_id: int,
    *,
    title: str,
    organization_ids: Iterable[int] = (),
    user_ids: Iterable[int] = (),
) -> Conversation:
    """The conversation of a subject, created with these participants if there is none yet.

    Safe under concurrency: the insert runs in a SAVEPOINT and the unique (subject_type,
    subject_id) constraint decides; whoever loses the race reads the winner's row. Flushes.
    No permission check: the subject's feature decides who may start its conversation."""
    existing = find_conversation(subject_type, subject_id)
    if existing is not None:
        return existing
    conversation = Conversation(
        subject_type=subject_type, subject_id=subject_id, title=title[:TITLE_MAX]
    )
    conversation.participants = [
        ConversationParticipant(organization_id=org_id)
        for org_id in dict.fromkeys(organization_ids)
    ] + [ConversationParticipant(user_id=user_id) for user_id in dict.fromkeys(user_ids)]
    try:
        with db.session.begin_nested():
            db.session.add(conversation)
    except IntegrityError:
        winner = find_conversation(subject_type, subject_id)
        if winner is None:  # not a duplicate after all: a real integrity problem
            raise
        return winner
    return conversation


def get_conversation(actor: User | None, conversation_id: int) -> Conversation:
    """The conversation if ``actor`` may read it; NotFound otherwise."""
    conversation = db.session.get(
        Conversation, conversation_id, options=[selectinload(Conversation.participants)]
    )
    if conversation is None or not permissions.can_view_conversation(actor, conversation):
        raise NotFound(_("There is no such conversation."))
    return conversation


def clean_body(body: object) -> str:
    """A message as stored: line breaks kept, controls dropped, trimmed; 1 to BODY_MAX
    characters. Raises ValidationError (field ``body``)."""
    text = clean_multiline(body) if isinstance(body, str) else ""
    if not text:
        raise ValidationError(_("Some fields are invalid."), {"body": [_("Write a message.")]})
    if len(text) > BODY_MAX:
        raise ValidationError(
            _("Some fields are invalid."),
            {"body": [_("A message may have at most %(max)d characters.", max=BODY_MAX)]},
        )
    return text


def recipients(conversation: Conversation, *, exclude: int | None = None) -> list[User]:
    """The active people taking part: members of participant organisations and participant
    people (one query)."""
    org_ids = [p.organization_id for p in conversation.participants if p.organization_id]
    user_ids = [p.user_id for p in conversation.participants if p.user_id]
    if not org_ids and not user_ids:
        return []
    people = db.session.scalars(
        select(User).where(
            User.status == UserStatus.ACTIVE,
            or_(User.organization_id.in_(org_ids), User.id.in_(user_ids)),
        )
    )
    return [p for p in people if p.id != exclude]


def post_message(actor: User, conversation: Conversation, body: object) -> Message:
    """Add a message by ``actor``; flushes. Notifies the other participants who have no
    unread notice of this conversation yet (one reminder, not one per message), and after
    the commit emits ``message`` to the conversation's room.

    Raises NotFound if ``actor`` may not read the conversation, Conflict (409) if it is
    closed, ValidationError for an empty or too long body."""
    if not permissions.can_view_conversation(actor, conversation):
        raise NotFound(_("There is no such conversation."))
    if not permissions.is_open(conversation):
        raise Conflict(_("This conversation is closed: it can be read but not answered."))
    text = clean_body(body)
    message = Message(conversation_id=conversation.id, author_id=actor.id, body=text)
    db.session.add(message)
    db.session.flush()
    now = utcnow()
    db.session.execute(
        update(Conversation).where(Conversation.id == conversation.id).values(last_message_at=now)
    )
    _advance(actor.id, conversation.id, message.id)
    link = f"/conversations/{conversation.id}"
    people = recipients(conversation, exclude=actor.id)
    if people:
        already = set(
            db.session.scalars(
                select(Notification.user_id).where(
                    Notification.kind == MESSAGE_KIND,
                    Notification.link == link,
                    Notification.read_at.is_(None),
                    Notification.user_id.in_([p.id for p in people]),
                )
            )
        )
        notify(
            [p for p in people if p.id not in already],
            MESSAGE_KIND,
            {"name": actor.name, "title": conversation.title},
            link,
            about=actor,
        )
    payload = {
        "conversation_id": conversation.id,
        "id": message.id,
        "author": {"id": actor.id, "name": actor.name},
        "body": text,
        "created_at": as_utc(message.created_at).isoformat(),
    }
    after_commit(partial(_emit, conversation.id, payload))
    return message


def _emit(conversation_id: int, payload: dict) -> None:
    try:
        from ..extensions import socketio

        socketio.emit("message", payload, to=room(conversation_id), namespace="/")
    except Exception:  # best effort: the row is the truth, clients catch up on load
        log.warning("live message to %s not sent", room(conversation_id), exc_info=True)


def list_messages(actor: User, conversation: Conversation, query: PageQuery) -> Page:
    """Messages oldest first (a thread reads top to bottom; the last page is the newest),
    authors and their organisations loaded. NotFound for non-readers."""
    if not permissions.can_view_conversation(actor, conversation):
        raise NotFound(_("There is no such conversation."))
    stmt = (
        select(Message)
        .where(Message.conversation_id == conversation.id)
        .options(selectinload(Message.author).selectinload(User.organization))
        .order_by(Message.id)
    )
    return paginate(stmt, query)


def count_messages(conversation: Conversation) -> int:
    return db.session.scalar(
        select(func.count(Message.id)).where(Message.conversation_id == conversation.id)
    )


def _advance(user_id: int, conversation_id: int, message_id: int) -> None:
    """Move a read state forward to ``message_id`` (never backwards), creating it if needed."""
    moved = db.session.execute(
        update(ReadState)
        .where(
            ReadState.conversation_id == conversation_id,
            ReadState.user_id == user_id,
            ReadState.last_read_message_id < message_id,
        )
        .values(last_read_message_id=message_id, updated_at=utcnow())
    ).rowcount
    if moved:
        return
    exists = db.session.scalar(
        select(ReadState.user_id).where(
            ReadState.conversation_id == conversation_id, ReadState.user_id == user_id
        )
    )
    if exists is not None:
        return  # already at or past this message
    try:
        with db.session.begin_nested():
            db.session.add(
                ReadState(
                    conversation_id=conversation_id,
                    user_id=user_id,
                    last_read_message_id=message_id,
                )
            )
    except IntegrityError:  # created meanwhile by a concurrent request: move that one
        _advance(user_id, conversation_id, message_id)


def mark_read(actor: User, conversation: Conversation, up_to: int | None = None) -> int:
    """Record that ``actor`` has read the conversation up to its latest message (or
    ``up_to``, if earlier); monotonic: a stale request never moves it back. Flushes. Returns
    the id of the last message read (0 for an empty conversation)."""
    if not permissions.can_view_conversation(actor, conversation):
        raise NotFound(_("There is no such conversation."))
    latest = (
        db.session.scalar(
            select(func.max(Message.id)).where(Message.conversation_id == conversation.id)
        )
        or 0
    )
    target = min(latest, up_to) if up_to is not None else latest
    if target > 0:
        _advance(actor.id, conversation.id, min(target, MAX_ID))
    return (
        db.session.scalar(
            select(ReadState.last_read_message_id).where(
                ReadState.conversation_id == conversation.id, ReadState.user_id == actor.id
            )
        )
        or 0
    )


def unread_counts(actor: User, conversation_ids: Iterable[int]) -> dict[int, int]:
    """Messages by others that ``actor`` has not read, per conversation: one query. Every
    asked id is in the result (0 when nothing is unread)."""
    ids = list(dict.fromkeys(conversation_ids))
    if not ids:
        return {}
    read = ReadState.__table__.alias("rs")
    rows = db.session.execute(
        select(Message.conversation_id, func.count(Message.id))
        .outerjoin(
            read,
            (read.c.conversation_id == Message.conversation_id) & (read.c.user_id == actor.id),
        )
        .where(
            Message.conversation_id.in_(ids),
            or_(Message.author_id.is_(None), Message.author_id != actor.id),
            or_(read.c.last_read_message_id.is_(None), Message.id > read.c.last_read_message_id),
        )
        .group_by(Message.conversation_id)
    )
    counts = dict.fromkeys(ids, 0)
    counts.update(dict(rows.all()))
    return counts


def list_conversations(actor: User, query: PageQuery) -> Page:
    """The conversations ``actor`` takes part in (officials: all), latest activity first."""
    stmt = select(Conversation).options(selectinload(Conversation.participants))
    if not actor.is_official:
        stmt = stmt.where(
            Conversation.id.in_(
                select(ConversationParticipant.conversation_id).where(
                    or_(
                        ConversationParticipant.user_id == actor.id,
                        ConversationParticipant.organization_id == actor.organization_id,
                    )
                    if actor.organization_id
                    else ConversationParticipant.user_id == actor.id
                )
            )
        )
    stmt = stmt.order_by(
        func.coalesce(Conversation.last_message_at, Conversation.created_at).desc(),
        Conversation.id.desc(),
    )
    return paginate(stmt, query)


def export_person(user: User, **_ignored) -> dict:
    """personal_data_requested: the messages ``user`` wrote, with their conversation's title."""
    rows = db.session.execute(
        select(Message.body, Message.created_at, Conversation.title)
        .join(Conversation, Conversation.id == Message.conversation_id)
        .where(Message.author_id == user.id)
        .order_by(Message.id)
    )
    return {
        "messages": [
            {"conversation": title, "body": body, "created_at": _iso(created_at)}
            for body, created_at, title in rows
        ]
    }


def _iso(value) -> str | None:
    return as_utc(value).isoformat() if value is not None else None
