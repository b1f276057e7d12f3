"""Documents (HTML): download, delete, and the documents page of a subject.

Features host the documents of their subjects with `documents_page` (a list and an upload
form on a page of their own, e.g. /pilot-requests/<id>/documents) and with the partial
templates documents/_list.html and documents/_upload_form.html inside their pages (see
`list_context` and `upload_context`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

from flask import (
    Blueprint,
    Flask,
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from ..access import MEMBER, policy
from ..db import unit_of_work
from ..errors import DomainError, NotFound, PermissionDenied
from ..forms import form_status, show_domain_error
from ..security import is_safe_redirect
from . import (
    models,  # noqa: F401  (the table exists from the start)
    permissions,
    services,
)
from .forms import UploadForm
from .labels import ACCEPTED_TEXT, KIND_LABELS
from .models import Document

log = logging.getLogger("seoul_platform.documents")

bp = Blueprint("documents", __name__, template_folder="templates")

F = TypeVar("F", bound=Callable)


# ---- the request size limit of upload routes ------------------------------------------------
# The app-wide MAX_CONTENT_LENGTH keeps forms and JSON bodies small (1 MB). A route that
# accepts documents is marked with `accepts_documents`; for it alone the limit becomes
# DOCUMENT_MAX_BYTES plus DOCUMENT_UPLOAD_OVERHEAD (the multipart framing and the other
# fields), so a 10 MB file gets through and anything far larger is a 413 before it is read.
# The limit must be set before anything parses the body (the CSRF check reads the form), so
# app.py calls `init_upload_limits` before registering the other hooks. Werkzeug enforces
# the limit on the bytes actually read too, whatever Content-Length claims; the service
# counts again while it reads the file.


def accepts_documents(view: F) -> F:
    view.accepts_documents = True  # type: ignore[attr-defined]
    return view


def upload_limit() -> int:
    config = current_app.config
    return int(config["DOCUMENT_MAX_BYTES"]) + int(config["DOCUMENT_UPLOAD_OVERHEAD"])


def init_upload_limits(app: Flask) -> None:
    @app.before_request
    def _raise_limit_for_uploads():
        view = app.view_functions.get(request.endpoint or "")
        if getattr(view, "accepts_documents", False):
            request.max_content_length = upload_limit()


# A document is never rendered by the browser in our origin: no scripts, no plugins.
DOWNLOAD_CSP = "default-src 'none'; sandbox"


def file_response(doc: Document) -> Response:
    """The document as an attachment: its sniffed type, an RFC 5987 file name, nosniff and
    no caching anywhere."""
    try:
        stream = services.open_document(doc)
    except (FileNotFoundError, ValueError):
        log.error("document %s: its file %s is missing from the storage", doc.id, doc.storage_key)
        raise NotFound(_("The file of this document is missing.")) from None
    response = send_file(
        stream,
        mimetype=doc.content_type,
        as_attachment=True,
        download_name=doc.filename,
        conditional=False,
        etag=False,
        max_age=None,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Content-Security-Policy"] = DOWNLOAD_CSP
    response.headers["Content-Length"] = str(doc.size)
    return response


@bp.get("/documents/<int:document_id>")
@policy(MEMBER)
def download(document_id: int):
    return file_response(services.get_document(current_user, document_id))


@bp.post("/documents/<int:document_id>/delete")
@policy(MEMBER)
def delete(document_id: int):
    with unit_of_work():
        doc = services.delete_document(current_user, document_id)
        name, subject_type, subject_id = doc.filename, doc.subject_type, doc.subject_id
    flash(_("%(name)s is deleted.", name=name), "success")
    target = request.form.get("next")
    if is_safe_redirect(target):
        return redirect(target)
    rules = permissions.rules_for(subject_type)
    link = rules.link(subject_id) if rules and rules.link else None
    return redirect(link or url_for("core.home"))


def list_context(actor, documents: list[Document], *, list_id: str, caption: str) -> dict:
    """What documents/_list.html needs: the rows, which of them ``actor`` may delete, and
    where a delete returns to (this page)."""
    return {
        "documents": documents,
        "deletable": {d.id for d in documents if permissions.can_delete_document(actor, d)},
        "list_id": list_id,
        "caption": caption,
        "next_url": request.full_path.rstrip("?"),
        "kind_labels": KIND_LABELS,
        "human_size": services.human_size,
    }


def upload_context(subject_type: str, action: str, form: UploadForm | None = None) -> dict:
    """What documents/_upload_form.html needs."""
    rules = permissions.rules_for(subject_type)
    return {
        "upload_form": form or UploadForm(rules.kinds, formdata=None),
        "upload_action": action,
        "accepted_text": ACCEPTED_TEXT,
        "max_size_text": services.human_size(services.max_bytes()),
    }


def documents_page(subject_type: str, subject_id: int, *, heading: str, back: tuple[str, str]):
    """The documents page of one subject: its list, and the upload form for those who may
    attach (GET shows, POST uploads and redirects back here, or re-renders the errors).
    ``back`` is (label, url) of the subject's own page. Outsiders get 404."""
    if not permissions.can_view_subject_documents(current_user, subject_type, subject_id):
        raise NotFound(_("There is no such page."))
    may_attach = permissions.can_attach_document(current_user, subject_type, subject_id)
    rules = permissions.rules_for(subject_type)
    form = UploadForm(rules.kinds)
    status = 200
    if request.method == "POST":
        if not may_attach:
            raise PermissionDenied(_("You may not add documents here now."))
        if form.validate_on_submit():
            upload = form.file.data
            try:
                with unit_of_work():
                    doc = services.store_document(
                        current_user,
                        subject_type,
                        subject_id,
                        stream=upload.stream if upload else None,
                        filename=upload.filename if upload else None,
                        kind=form.kind.data,
                    )
                    name = doc.filename
            except DomainError as err:
                show_domain_error(form, err)
                status = err.status if err.status == 413 else 422
            else:
                flash(_("%(name)s is uploaded.", name=name), "success")
                return redirect(request.path)
        else:
            status = form_status(form)
    documents = services.list_documents(subject_type, [subject_id])
    return render_template(
        "documents/page.html",
        heading=heading,
        back=back,
        form=form if may_attach else None,
        listing=list_context(current_user, documents, list_id="documents", caption=heading),
        upload=upload_context(subject_type, request.path, form) if may_attach else None,
    ), status


# Re-exported for features that declare their own upload routes.
__all__ = ["accepts_documents", "documents_page", "file_response", "list_context"]
