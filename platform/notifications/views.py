"""The notifications page, and the unread count shown in every page's header."""

from __future__ import annotations

import logging

from flask import Blueprint, g, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError

from ..access import AUTHENTICATED, policy
from ..db import as_utc, db, unit_of_work
from ..pagination import MAX_PAGE, PageQuery, list_query
from ..security import is_safe_redirect
from . import services

bp = Blueprint("notifications", __name__, template_folder="templates")
log = logging.getLogger("seoul_platform.notifications")
PER_PAGE = 20


@bp.app_context_processor
def _unread_count():
    def unread_notification_count() -> int | None:
        """One COUNT per page, and only when the header asks for it."""
        if not current_user or not current_user.is_authenticated:
            return None
        if "unread_notifications" not in g:
            try:
                g.unread_notifications = services.count_unread(current_user.id)
            except SQLAlchemyError:  # e.g. the 503 page while the database is away
                db.session.rollback()
                g.unread_notifications = None
        return g.unread_notifications

    return {"unread_notification_count": unread_notification_count}


def _back():
    """Back to the list as it was: the same page and filter."""
    args: dict[str, str] = {}
    page = request.form.get("page", type=int)
    if page and 1 < page <= MAX_PAGE:
        args["page"] = str(page)
    if request.values.get("unread") == "1":
        args["unread"] = "1"
    return redirect(url_for("notifications.index", **args))


@bp.get("/notifications")
@policy(AUTHENTICATED)
def index():
    unread = request.args.get("unread") == "1"
    query, _ignored = list_query(PageQuery, request.args, per_page=PER_PAGE)
    page = services.list_notifications(current_user, query, unread_only=unread)
    return render_template(
        "notifications/index.html",
        page=page,
        rows=[(n, services.render_message(n), as_utc(n.created_at)) for n in page.items],
        unread=unread,
        args={"unread": "1"} if unread else {},
    )


@bp.post("/notifications/<int:notification_id>/read")
@policy(AUTHENTICATED)
def mark_read(notification_id: int):
    with unit_of_work():
        services.mark_read(current_user, notification_id)
    return _back()


@bp.post("/notifications/read-all")
@policy(AUTHENTICATED)
def mark_all_read():
    with unit_of_work():
        services.mark_all_read(current_user)
    return _back()


@bp.get("/notifications/<int:notification_id>/open")
@policy(AUTHENTICATED)
def open_notification(notification_id: int):
    """Follow a notification's link and mark it read.

    A plain link (GET) rather than a form: it is navigation, so it behaves like one (open in
    a new tab, copy, read by screen readers as a link) without JavaScript. The write it does
    is idempotent and only on the reader's own row: a forged cross-site link can at worst
    mark one of your notifications read, and cannot reach anyone else's (404).
    """
    # GET transactions begin without SQLite's write lock; end the read one and take the lock
    # for this write, so a concurrent writer makes us wait instead of failing.
    db.session.rollback()
    with unit_of_work(write=True):
        row = services.mark_read(current_user, notification_id)
        link = row.link
    if link and is_safe_redirect(link):
        return redirect(link)
    return redirect(url_for("notifications.index"))
