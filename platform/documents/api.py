"""API: download and delete documents; `upload_response` serves the upload operations that
features declare on their own subjects (e.g. POST /pilot-requests/{id}/documents)."""

from __future__ import annotations

from flask import url_for

from ..access import MEMBER, current_actor
from ..api import operation
from . import services
from .models import Document
from .schemas import DocumentOut
from .sniffing import CONTENT_TYPES
from .views import file_response


def document_out(doc: Document) -> DocumentOut:
    uploader = doc.uploaded_by
    return DocumentOut(
        id=doc.id,
        subject_type=doc.subject_type,
        subject_id=doc.subject_id,
        kind=doc.kind,
        filename=doc.filename,
        content_type=doc.content_type,
        size=doc.size,
        sha256=doc.sha256,
        uploaded_by={"id": uploader.id, "name": uploader.name} if uploader else None,
        created_at=doc.created_at,
        download_url=url_for("api.download_document", document_id=doc.id),
    )


def upload_response(subject_type: str, subject_id: int, form, files) -> DocumentOut:
    """Store the ``file`` part of a multipart upload as a document of the subject."""
    upload = files["file"]
    doc = services.store_document(
        current_actor(),
        subject_type,
        subject_id,
        stream=upload.stream,
        filename=upload.filename,
        kind=getattr(form, "kind", None),
    )
    return document_out(doc)


@operation(
    "/documents/<int:document_id>",
    "GET",
    summary="Download a document (as an attachment)",
    tag="documents",
    access=MEMBER,
    produces=CONTENT_TYPES,
)
def download_document(document_id: int):
    """The file's bytes, with the type found by checking its content, as an attachment.
    404 for documents of subjects the caller may not see."""
    return file_response(services.get_document(current_actor(), document_id))


@operation(
    "/documents/<int:document_id>",
    "DELETE",
    summary="Delete a document",
    tag="documents",
    access=MEMBER,
    status=204,
    errors=(409,),
)
def delete_document(document_id: int):
    """The uploader, the subject's owner or an official, while the subject allows it."""
    services.delete_document(current_actor(), document_id)
