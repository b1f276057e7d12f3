"""What a file really is, decided from its bytes: the whitelist of document types.

The client's Content-Type and the file's extension are claims; only the content counts. The
checks use the standard library alone (python-magic would need libmagic on every machine):
magic bytes for PDF, PNG and JPEG, and for the Office Open XML formats (DOCX, XLSX, PPTX) a
look inside the ZIP container without extracting it: ``[Content_Types].xml`` must declare the
format's main part, macro-enabled variants (``vbaProject.bin``, ``macroEnabled`` types) are
refused, and so are archives whose entries are too many or expand too far (zip bombs).
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from typing import BinaryIO

from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class FileType:
    name: str  # shown to people: "PDF"
    content_type: str
    extension: str  # the one given to the stored name
    extensions: tuple[str, ...]  # the ones that already agree


PDF = FileType("PDF", "application/pdf", ".pdf", (".pdf",))
PNG = FileType("PNG", "image/png", ".png", (".png",))
JPEG = FileType("JPEG", "image/jpeg", ".jpg", (".jpg", ".jpeg"))
DOCX = FileType(
    "DOCX",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".docx",
    (".docx",),
)
XLSX = FileType(
    "XLSX", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx", (".xlsx",)
)
PPTX = FileType(
    "PPTX",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ".pptx",
    (".pptx",),
)
TYPES = (PDF, DOCX, XLSX, PPTX, PNG, JPEG)
CONTENT_TYPES = tuple(t.content_type for t in TYPES)
KNOWN_EXTENSIONS = frozenset(ext for t in TYPES for ext in t.extensions) | {
    ".exe",
    ".docm",
    ".xlsm",
    ".pptm",
    ".html",
    ".htm",
    ".zip",
    ".gif",
    ".svg",
    ".js",
}

# OOXML: the folder of the main part and its content type in [Content_Types].xml.
_OOXML = (
    (DOCX, "word/", "wordprocessingml.document.main+xml"),
    (XLSX, "xl/", "spreadsheetml.sheet.main+xml"),
    (PPTX, "ppt/", "presentationml.presentation.main+xml"),
)
MAX_ZIP_ENTRIES = 2_000
MAX_ZIP_EXPANDED = 200 * 1024 * 1024  # all entries together, uncompressed
MAX_CONTENT_TYPES_XML = 256 * 1024


class RefusedFile(ValueError):
    """The content is not one of the accepted types; ``str()`` says why, for people."""


NOT_ACCEPTED = _l(
    "This file is not a PDF, Word (DOCX), Excel (XLSX), PowerPoint (PPTX), PNG or JPEG "
    "document. Its content was checked, whatever its name says."
)


def sniff(stream: BinaryIO) -> FileType:
    """The type of the (seekable) ``stream``'s content, or RefusedFile. Leaves the position
    at the start."""
    stream.seek(0)
    head = stream.read(16)
    stream.seek(0)
    try:
        if head.startswith(b"%PDF-"):
            return _pdf(stream)
        if head.startswith(b"\x89PNG\r\n\x1a\n") and head[12:16] == b"IHDR":
            return PNG
        if head.startswith(b"\xff\xd8\xff"):
            return JPEG
        if head.startswith(b"PK\x03\x04"):
            return _ooxml(stream)
        raise RefusedFile(str(NOT_ACCEPTED))
    finally:
        stream.seek(0)


def _pdf(stream: BinaryIO) -> FileType:
    # A PDF ends with %%EOF (a few trailing bytes are common); a renamed text file that
    # merely starts with "%PDF-" does not.
    stream.seek(0, 2)
    size = stream.tell()
    stream.seek(max(0, size - 1024))
    if b"%%EOF" not in stream.read():
        raise RefusedFile(str(_l("This PDF file is incomplete or damaged.")))
    return PDF


def _ooxml(stream: BinaryIO) -> FileType:
    try:
        with zipfile.ZipFile(stream) as archive:
            entries = archive.infolist()
            if len(entries) > MAX_ZIP_ENTRIES or (
                sum(e.file_size for e in entries) > MAX_ZIP_EXPANDED
            ):
                raise RefusedFile(
                    str(_l("This file expands to far more than a document's size; it is refused."))
                )
            names = {e.filename for e in entries}
            if any(n.lower().endswith("vbaproject.bin") for n in names):
                raise RefusedFile(str(MACROS))
            if "[Content_Types].xml" not in names:
                raise RefusedFile(str(NOT_ACCEPTED))
            info = archive.getinfo("[Content_Types].xml")
            if info.file_size > MAX_CONTENT_TYPES_XML:
                raise RefusedFile(str(NOT_ACCEPTED))
            declared = archive.read(info).decode("utf-8", "replace")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, NotImplementedError):
        raise RefusedFile(str(_l("This file is damaged: it could not be opened."))) from None
    if "macroenabled" in declared.lower():
        raise RefusedFile(str(MACROS))
    for file_type, folder, main in _OOXML:
        if main in declared and any(n.startswith(folder) for n in names):
            return file_type
    raise RefusedFile(str(NOT_ACCEPTED))


MACROS = _l(
    "Documents with macros (DOCM, XLSM, PPTM) are not accepted. Save it as a plain DOCX, XLSX "
    "or PPTX and upload that."
)
