"""API: one's own notifications."""

from __future__ import annotations

from flask_babel import gettext as _

from ..access import AUTHENTICATED, current_actor
from ..api import operation, paginated
from ..errors import NotFound
from . import services
from .schemas import NotificationOut, NotificationPage, NotificationQuery, ReadAllOut


@operation(
    "/notifications",
    "GET",
    summary="The caller's notifications",
    tag="notifications",
    access=AUTHENTICATED,
    query=NotificationQuery,
    response=NotificationPage,
)
def list_notifications(query: NotificationQuery):
    """Newest first. With `since`, only ids greater than it, oldest first: a client that was
    offline passes the last id it saw and pages forward. A page past the end is a 404."""
    rows, total = services.list_notifications(
        current_actor(),
        unread_only=bool(query.unread),
        since=query.since,
        page=query.page,
        per_page=query.per_page,
    )
    if query.page > 1 and (query.page - 1) * query.per_page >= total:
        raise NotFound(_("There is no such page."))
    return paginated([services.payload(n) for n in rows], total, query, NotificationPage)


@operation(
    "/notifications/<int:notification_id>/read",
    "POST",
    summary="Mark one of the caller's notifications read",
    tag="notifications",
    access=AUTHENTICATED,
    response=NotificationOut,
)
def read_notification(notification_id: int):
    """Idempotent: a notification already read keeps its first read time."""
    row = services.mark_read(current_actor(), notification_id)
    return NotificationOut.model_validate(services.payload(row))


@operation(
    "/notifications/read-all",
    "POST",
    summary="Mark all of the caller's notifications read",
    tag="notifications",
    access=AUTHENTICATED,
    response=ReadAllOut,
)
def read_all_notifications():
    marked = services.mark_all_read(current_actor())
    return ReadAllOut(marked=marked)
