"""Notifications: write them inside the caller's transaction, list them, mark them read.

`notify` only adds and flushes rows; the live Socket.IO push is registered with
`after_commit`, so a rollback leaves neither rows nor pushes. Reading functions take the
reader and never return another person's notifications.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping
from functools import partial
from typing import TYPE_CHECKING

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import delete, func, or_, select, update

from ..db import after_commit, as_utc, db, utcnow
from ..errors import NotFound
from ..pagination import Page, PageQuery, paginate
from .kinds import message_for
from .models import Notification

if TYPE_CHECKING:
    from ..accounts.models import User

log = logging.getLogger("seoul_platform.notifications")

Param = str | int


def _check_link(link: str) -> None:
    # A path on this site, never another host: the page turns it into a link and a redirect.
    if link and (
        not link.startswith("/")
        or link.startswith("//")
        or "\\" in link
        or any(ord(c) < 33 for c in link)
        or len(link) > 500
    ):
        raise ValueError(f"a notification link must be a path on this site, not {link!r}")


_PLACEHOLDER = re.compile(r"%\((\w+)\)")


def _check_params(kind: str, message: str, values: dict[str, Param]) -> None:
    # Fail at the call that is wrong, not later on the reader's page.
    wanted = set(_PLACEHOLDER.findall(message))
    if wanted != set(values):
        raise KeyError(f"notification {kind!r} takes {sorted(wanted)}, got {sorted(values)}")


def render_message(notification: Notification) -> str:
    """The notification's text in the current language (the reader's)."""
    params = notification.params or {}
    try:
        return _(notification.message, **params) if params else _(notification.message)
    except (KeyError, ValueError, TypeError):
        # A message whose parameters changed since the row was written: show it untranslated
        # rather than break the page.
        log.warning("notification %s: parameters do not fit its message", notification.id)
        return notification.message


def notify(
    recipients: Iterable[User],
    kind: str,
    params: Mapping[str, Param] | None = None,
    link: str = "",
    *,
    about: User | None = None,
) -> list[Notification]:
    """Write one notification of ``kind`` per recipient (each person once) and flush.

    After the caller's transaction commits, each recipient's open sockets get a
    ``notification`` event (room ``user:<id>``), best effort. Raises
    UnknownNotificationKind for an undeclared kind and KeyError/ValueError when ``params``
    do not fill the message or ``link`` is not a path on this site: programming errors.
    ``about`` is the person the message names, if not the recipient: deleting their account
    deletes these notifications as well.
    """
    message = message_for(kind)
    values = dict(params or {})
    _check_params(kind, message, values)
    _check_link(link)
    people = list({person.id: person for person in recipients if person is not None}.values())
    rows = [
        Notification(
            user_id=person.id,
            about_user_id=about.id if about is not None else None,
            kind=kind,
            message=message,
            params=values,
            link=link,
        )
        for person in people
    ]
    db.session.add_all(rows)
    db.session.flush()
    payloads = []
    for person, row in zip(people, rows, strict=True):
        with force_locale(person.locale or "en"):
            payloads.append((person.id, payload(row)))
    if payloads:
        after_commit(partial(_push, payloads))
    return rows


def payload(notification: Notification) -> dict:
    """The JSON shape of a notification (the live push and the API share it)."""
    return {
        "id": notification.id,
        "kind": notification.kind,
        "message": render_message(notification),
        "link": notification.link or None,
        "created_at": as_utc(notification.created_at).isoformat(),
        "read_at": as_utc(notification.read_at).isoformat() if notification.read_at else None,
    }


def _push(payloads: list[tuple[int, dict]]) -> None:
    from ..realtime.events import emit_to_user

    for user_id, body in payloads:
        try:
            emit_to_user(user_id, "notification", body)
        except Exception:  # best effort: the row is the truth; the client catches up
            log.warning("live notification to user %s not sent", user_id, exc_info=True)


def count_unread(user_id: int) -> int:
    return (
        db.session.scalar(
            select(func.count(Notification.id)).where(
                Notification.user_id == user_id, Notification.read_at.is_(None)
            )
        )
        or 0
    )


def list_notifications(
    reader: User, query: PageQuery, *, unread_only: bool = False, since: int | None = None
) -> Page[Notification]:
    """A page of the reader's notifications. Newest first; with ``since`` only ids greater
    than it, oldest first, so that a client catching up pages forward through a list that new
    notifications extend at the end rather than shift."""
    stmt = select(Notification).where(Notification.user_id == reader.id)
    if unread_only:
        stmt = stmt.where(Notification.read_at.is_(None))
    if since is not None:
        stmt = stmt.where(Notification.id > since)
    order = Notification.id.asc() if since is not None else Notification.id.desc()
    return paginate(stmt.order_by(order), query)


def get_notification(reader: User, notification_id: int) -> Notification:
    """One of the reader's notifications; NotFound for anyone else's (or none)."""
    row = db.session.scalar(
        select(Notification).where(
            Notification.id == notification_id, Notification.user_id == reader.id
        )
    )
    if row is None:
        raise NotFound(_("No such notification."))
    return row


def mark_read(reader: User, notification_id: int) -> Notification:
    """Mark one of the reader's notifications read (already read: unchanged). One
    conditional UPDATE, so concurrent clicks keep the first read time. NotFound for another
    person's notification, which is left untouched."""
    db.session.execute(
        update(Notification)
        .where(
            Notification.id == notification_id,
            Notification.user_id == reader.id,
            Notification.read_at.is_(None),
        )
        .values(read_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    row = get_notification(reader, notification_id)
    db.session.refresh(row)
    return row


def mark_all_read(reader: User) -> int:
    """Mark every unread notification of the reader read; returns how many changed."""
    return db.session.execute(
        update(Notification)
        .where(Notification.user_id == reader.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount


def delete_notifications_of(user: User) -> None:
    """Remove a person's notifications and those that name them (account deletion)."""
    db.session.execute(
        delete(Notification).where(
            or_(Notification.user_id == user.id, Notification.about_user_id == user.id)
        )
    )


# ---- receivers of accounts' signals (connected by create_app; see accounts/signals.py) ----


def forget_person(user: User, **_ignored) -> None:
    """account_deleted: the person's notifications go."""
    delete_notifications_of(user)


def export_person(user: User, **_ignored) -> dict:
    """personal_data_requested: the person's notifications, in their words."""
    rows = db.session.scalars(
        select(Notification).where(Notification.user_id == user.id).order_by(Notification.id)
    )
    return {
        "notifications": [
            {
                "kind": n.kind,
                "message": render_message(n),
                "link": n.link,
                "created_at": _iso(n.created_at),
                "read_at": _iso(n.read_at),
            }
            for n in rows
        ]
    }


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None
