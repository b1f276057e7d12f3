"""Documents: store an upload, find, list and delete documents.

The acting user is a parameter; permission comes from the subject's registered rules
(documents/permissions.py). A file is read in chunks (never trusting Content-Length), bounded
by ``DOCUMENT_MAX_BYTES``, and its type decided from its content (documents/sniffing.py)
before anything is stored: a refused file leaves no row and no file. The bytes are written to
the storage before the row is flushed; if the transaction then rolls back, the file is removed
again (a listener on the session), and a deleted document's file goes only after the commit.

Personal data (accounts/signals.py): ``export_person`` answers ``personal_data_requested`` with
the metadata of the documents the person uploaded (not the bytes: the file belongs to its
subject and is downloaded there). There is no ``account_deleted`` receiver, on purpose: a
document is a shared record of the subject (a proposal is the company's, a deliverable the
partnership's), so deleting an account keeps it; the account is anonymised instead, and the
uploader then shows as "Deleted account" (documents/_list.html looks at the status).
"""

from __future__ import annotations

import hashlib
import tempfile
import unicodedata
from collections.abc import Iterable
from functools import partial
from typing import BinaryIO

from flask import current_app
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import event, select
from sqlalchemy.orm import Session, selectinload

from ..accounts.models import User
from ..db import after_commit, as_utc, db
from ..errors import DomainError, NotFound, PermissionDenied, ValidationError
from . import permissions
from .models import FILENAME_MAX, Document
from .sniffing import KNOWN_EXTENSIONS, FileType, RefusedFile, sniff
from .storage import Storage, get_storage

CHUNK = 64 * 1024
_WRITTEN = "documents_written"  # files saved during the open transaction


class TooLarge(DomainError):
    status = 413
    title = _l("Request too large")


def max_bytes() -> int:
    return int(current_app.config["DOCUMENT_MAX_BYTES"])


def human_size(size: int) -> str:
    """A size in the reader's language and units people read: 512 bytes, 1.5 MB."""
    if size < 1024:
        return _("%(num)s bytes", num=size)
    if size < 1024 * 1024:
        return _("%(num)s KB", num=format_decimal(round(size / 1024, 1)))
    return _("%(num)s MB", num=format_decimal(round(size / (1024 * 1024), 1)))


def clean_filename(raw: str | None, file_type: FileType) -> str:
    """The uploaded name as stored and offered on download: its last path part only, no
    control or format characters, whitespace collapsed, Unicode (Korean names) kept, at most
    FILENAME_MAX characters, and an extension that agrees with the detected type."""
    name = unicodedata.normalize("NFC", raw or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C")
    name = " ".join(name.split()).strip(" .")
    stem, dot, ext = name.rpartition(".")
    suffix = f".{ext.lower()}" if dot else ""
    if suffix in file_type.extensions:
        extension = f".{ext}"  # as the person wrote it (".PDF" stays)
        base = stem
    else:
        extension = file_type.extension
        base = stem if suffix in KNOWN_EXTENSIONS else name
    base = base.strip(" .") or "document"
    return base[: FILENAME_MAX - len(extension)] + extension


def _spool(stream: BinaryIO, limit: int) -> tuple[BinaryIO, int, str]:
    """Copy ``stream`` into a temporary file, chunk by chunk, refusing more than ``limit``
    bytes; returns the file, its size and its SHA-256."""
    out = tempfile.SpooledTemporaryFile(max_size=1024 * 1024)  # noqa: SIM115 (returned)
    digest = hashlib.sha256()
    size = 0
    while chunk := stream.read(CHUNK):
        size += len(chunk)
        if size > limit:
            out.close()
            raise TooLarge(
                _(
                    "The file is larger than %(limit)s; upload a smaller one.",
                    limit=human_size(limit),
                ),
                {"file": [_("The file is larger than %(limit)s.", limit=human_size(limit))]},
            )
        digest.update(chunk)
        out.write(chunk)
    out.seek(0)
    return out, size, digest.hexdigest()


def store_document(
    actor: User,
    subject_type: str,
    subject_id: int,
    *,
    stream: BinaryIO | None,
    filename: str | None,
    kind: str | None = None,
) -> Document:
    """Check and store one uploaded file as a document of the subject; flushes the row.

    Raises NotFound if ``actor`` may not see the subject, PermissionDenied if they may not
    attach to it, ValidationError (field ``file`` or ``kind``) for a missing, empty or refused
    file or a kind the subject does not take, and TooLarge (413) beyond DOCUMENT_MAX_BYTES."""
    if not permissions.can_view_subject_documents(actor, subject_type, subject_id):
        raise NotFound(_("There is no such page."))
    if not permissions.can_attach_document(actor, subject_type, subject_id):
        raise PermissionDenied(_("You may not add documents here now."))
    rules = permissions.rules_for(subject_type)
    kind = kind or rules.kinds[0]
    if kind not in rules.kinds:
        raise ValidationError(
            _("Some fields are invalid."), {"kind": [_("Choose one of the options.")]}
        )
    if stream is None:
        raise ValidationError(_("Some fields are invalid."), {"file": [_("Choose a file.")]})
    spooled, size, sha256 = _spool(stream, max_bytes())
    with spooled:
        if size == 0:
            raise ValidationError(
                _("Some fields are invalid."), {"file": [_("The file is empty.")]}
            )
        try:
            file_type = sniff(spooled)
        except RefusedFile as exc:
            raise ValidationError(_("Some fields are invalid."), {"file": [str(exc)]}) from None
        storage = get_storage()
        key = storage.save(spooled)
    db.session.info.setdefault(_WRITTEN, []).append((storage, key))
    doc = Document(
        subject_type=subject_type,
        subject_id=subject_id,
        kind=kind,
        filename=clean_filename(filename, file_type),
        content_type=file_type.content_type,
        size=size,
        sha256=sha256,
        storage_key=key,
        uploaded_by_id=actor.id,
    )
    db.session.add(doc)
    db.session.flush()
    return doc


@event.listens_for(Session, "after_commit")
def _keep_written(session: Session) -> None:
    session.info.pop(_WRITTEN, None)


@event.listens_for(Session, "after_rollback")
def _remove_written(session: Session) -> None:
    for storage, key in session.info.pop(_WRITTEN, None) or []:
        storage.delete(key)


def get_document(actor: User | None, document_id: int) -> Document:
    """The document, if ``actor`` may see its subject; else NotFound (never 403: outsiders
    do not learn that it exists)."""
    doc = db.session.get(Document, document_id)
    if doc is None or not permissions.can_view_document(actor, doc):
        raise NotFound(_("There is no such document."))
    return doc


def open_document(doc: Document) -> BinaryIO:
    """The stored bytes (the caller closes the file)."""
    return get_storage().open(doc.storage_key)


def delete_document(actor: User, document_id: int) -> Document:
    """Delete a document; flushes. The file is removed after the commit (a rollback keeps
    it). Raises NotFound for documents ``actor`` may not see, PermissionDenied otherwise."""
    doc = get_document(actor, document_id)
    if not permissions.can_delete_document(actor, doc):
        raise PermissionDenied(_("You may not delete this document now."))
    storage: Storage = get_storage()
    db.session.delete(doc)
    db.session.flush()
    after_commit(partial(storage.delete, doc.storage_key))
    return doc


def list_documents(subject_type: str, subject_ids: Iterable[int]) -> list[Document]:
    """Documents of these subjects, oldest first, uploaders loaded: one query (plus one for
    the uploaders). The caller has checked that its reader may see the subjects."""
    ids = list(subject_ids)
    if not ids:
        return []
    return list(
        db.session.scalars(
            select(Document)
            .where(Document.subject_type == subject_type, Document.subject_id.in_(ids))
            .options(selectinload(Document.uploaded_by))
            .order_by(Document.id)
        )
    )


def export_person(user: User, **_ignored) -> dict:
    """personal_data_requested: what ``user`` uploaded, metadata only."""
    rows = db.session.scalars(
        select(Document).where(Document.uploaded_by_id == user.id).order_by(Document.id)
    )
    return {
        "documents": [
            {
                "filename": d.filename,
                "kind": d.kind,
                "size": d.size,
                "content_type": d.content_type,
                "subject_type": d.subject_type,
                "subject_id": d.subject_id,
                "created_at": as_utc(d.created_at).isoformat() if d.created_at else None,
            }
            for d in rows
        ]
    }
