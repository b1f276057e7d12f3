"""Tiny valid files of each accepted document type, built here so that tests show exactly
what makes a file acceptable."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from pathlib import Path

import pytest

MAIN_TYPES = {
    "docx": ("word/document.xml", "wordprocessingml.document.main+xml"),
    "xlsx": ("xl/workbook.xml", "spreadsheetml.sheet.main+xml"),
    "pptx": ("ppt/presentation.xml", "presentationml.presentation.main+xml"),
}


def pdf() -> bytes:
    return b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


def png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\x00\x00"))
        + chunk(b"IEND", b"")
    )


def jpeg() -> bytes:
    return b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"


def ooxml(kind: str, *, macro: bool = False, extra: dict[str, bytes] | None = None) -> bytes:
    part, main = MAIN_TYPES[kind]
    content_type = f"application/vnd.openxmlformats-officedocument.{main}"
    if macro:
        content_type = "application/vnd.ms-word.document.macroEnabled.main+xml"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            f'content-types"><Override PartName="/{part}" ContentType="{content_type}"/></Types>',
        )
        archive.writestr(part, "<document/>")
        if macro:
            archive.writestr("word/vbaProject.bin", b"\x00" * 64)
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


FILES = {
    "pdf": (pdf, "report.pdf", "application/pdf"),
    "png": (png, "map.png", "image/png"),
    "jpeg": (jpeg, "photo.jpg", "image/jpeg"),
    "docx": (
        lambda: ooxml("docx"),
        "note.docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    "xlsx": (
        lambda: ooxml("xlsx"),
        "budget.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    "pptx": (
        lambda: ooxml("pptx"),
        "slides.pptx",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ),
}


def stored_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


@pytest.fixture
def storage_dir(request, tmp_path) -> Path:
    """This test's own storage folder (so that "no file left" is an exact check)."""
    folder = tmp_path / "documents"
    app = request.getfixturevalue("app")
    before = app.config.get("DOCUMENT_STORAGE_DIR")
    app.config["DOCUMENT_STORAGE_DIR"] = str(folder)
    yield folder
    app.config["DOCUMENT_STORAGE_DIR"] = before
