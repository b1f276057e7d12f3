"""API: one's own notifications."""

from __future__ import annotations

from ..access import AUTHENTICATED, current_actor
from ..api import operation, paginated
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
    page = services.list_notifications(
        current_actor(), query, unread_only=bool(query.unread), since=query.since
    )
    return paginated(page, NotificationPage, services.payload)


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
