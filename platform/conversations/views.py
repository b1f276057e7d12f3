"""The conversation page (HTML): the thread, paginated with the newest messages last, and a
form to answer. Works without script; reading it marks it read."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..access import MEMBER, policy
from ..db import unit_of_work
from ..errors import DomainError
from ..forms import show_domain_error
from ..pagination import PageQuery, list_query
from . import (
    models,  # noqa: F401  (the tables exist from the start)
    permissions,
    services,
)
from .forms import MessageForm

bp = Blueprint("conversations", __name__, template_folder="templates")


def render_thread(conversation, form: MessageForm, status: int = 200):
    """The thread page. Without ``?page=`` it shows the last page (the newest messages)."""
    query, _ignored = list_query(PageQuery, request.args)
    if "page" not in request.args:
        total = services.count_messages(conversation)
        query = query.model_copy(update={"page": max(1, -(-total // query.per_page))})
    page = services.list_messages(current_user, conversation, query)
    if page.items:
        with unit_of_work(write=True):
            services.mark_read(current_user, conversation, up_to=page.items[-1].id)
    return render_template(
        "conversations/thread.html",
        conversation=conversation,
        page=page,
        form=form,
        can_post=permissions.can_post_message(current_user, conversation),
        back=permissions.subject_link(conversation),
    ), status


@bp.route("/conversations/<int:conversation_id>", methods=["GET", "POST"])
@policy(MEMBER)
def thread(conversation_id: int):
    conversation = services.get_conversation(current_user, conversation_id)
    form = MessageForm()
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                with unit_of_work():
                    message = services.post_message(current_user, conversation, form.body.data)
                    message_id = message.id
            except DomainError as err:
                show_domain_error(form, err)
                conversation = services.get_conversation(current_user, conversation_id)
                return render_thread(conversation, form, 409 if err.status == 409 else 422)
            flash(_("Your message is posted."), "success")
            return redirect(
                url_for("conversations.thread", conversation_id=conversation_id)
                + f"#message-{message_id}"
            )
        return render_thread(conversation, form, 422)
    return render_thread(conversation, form)


def start_page(
    subject_type: str,
    subject_id: int,
    *,
    may_start: bool,
    create: Callable[[], object],
    heading: str,
):
    """The "start the conversation" page of a subject, for features whose subjects have a
    conversation: GET shows the form (or goes to the thread once it exists), POST creates the
    conversation with ``create()`` and posts the first message in one transaction (an empty
    message creates nothing). 404 when ``may_start`` is false and there is no thread."""
    existing = services.find_conversation(subject_type, subject_id)
    if (
        existing is not None
        and request.method == "GET"
        and permissions.can_view_conversation(current_user, existing)
    ):
        return redirect(url_for("conversations.thread", conversation_id=existing.id))
    if not may_start:
        abort(404 if existing is None else 409)
    form = MessageForm()
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                with unit_of_work():
                    conversation = create()
                    services.post_message(current_user, conversation, form.body.data)
                    conversation_id = conversation.id
            except DomainError as err:
                show_domain_error(form, err)
                status = 422
            else:
                flash(_("Your message is posted."), "success")
                return redirect(url_for("conversations.thread", conversation_id=conversation_id))
        else:
            status = 422
    return render_template(
        "conversations/start.html", form=form, heading=heading, action=request.path
    ), status
