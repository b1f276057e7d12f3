"""What a document is, decided from its content; names cleaned; storage keys checked."""

from __future__ import annotations

import io
import zipfile

import pytest
from document_files import FILES, ooxml

from seoul_platform.documents import sniffing
from seoul_platform.documents.services import clean_filename
from seoul_platform.documents.sniffing import PDF, RefusedFile, sniff
from seoul_platform.documents.storage import LocalStorage, check_key


@pytest.mark.parametrize("name", sorted(FILES))
def test_each_accepted_type_is_recognised(app, name):
    build, _filename, content_type = FILES[name]
    with app.test_request_context():
        assert sniff(io.BytesIO(build())).content_type == content_type


REFUSED = {
    "a Windows program renamed .pdf": b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200,
    "HTML claiming to be a PNG": b"<!doctype html><script>alert(1)</script>",
    "a PDF header on a text file": b"%PDF-1.4 this is not really a PDF",
    "a PNG signature without its header chunk": b"\x89PNG\r\n\x1a\n" + b"\x00" * 20,
    "a zip that is no Office document": None,
    "a macro-enabled Word file (docm)": ooxml("docx", macro=True),
    "a docx smuggling vbaProject.bin": ooxml("docx", extra={"word/vbaProject.bin": b"x"}),
    "a truncated zip": ooxml("docx")[:60],
    "SVG (script-capable image)": b'<svg xmlns="http://www.w3.org/2000/svg"><script/></svg>',
}


def _plain_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hello")
    return buffer.getvalue()


@pytest.mark.parametrize("label", sorted(REFUSED))
def test_files_outside_the_whitelist_are_refused(app, label):
    data = REFUSED[label] if REFUSED[label] is not None else _plain_zip()
    with app.test_request_context(), pytest.raises(RefusedFile):
        sniff(io.BytesIO(data))


def test_a_zip_bomb_is_refused_by_expanded_size(app, monkeypatch):
    monkeypatch.setattr(sniffing, "MAX_ZIP_EXPANDED", 1024 * 1024)
    bomb = ooxml("docx", extra={"word/media/zeros.bin": b"\x00" * (2 * 1024 * 1024)})
    assert len(bomb) < 50_000  # it compresses to almost nothing
    with app.test_request_context(), pytest.raises(RefusedFile, match="expands"):
        sniff(io.BytesIO(bomb))


def test_a_zip_bomb_is_refused_by_entry_count(app, monkeypatch):
    monkeypatch.setattr(sniffing, "MAX_ZIP_ENTRIES", 50)
    many = ooxml("docx", extra={f"word/p{n}.xml": b"" for n in range(60)})
    with app.test_request_context(), pytest.raises(RefusedFile, match="expands"):
        sniff(io.BytesIO(many))


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("report.pdf", "report.pdf"),
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("..\\..\\windows\\system.ini", "system.ini.pdf"),
        ("C:\\Users\\kim\\계획서.pdf", "계획서.pdf"),
        ("line\nbreak\r\n.pdf", "linebreak.pdf"),
        ("tab\tand\x00nul.pdf", "tabandnul.pdf"),
        ("\u202eevil\u202dfdp.exe", "evilfdp.pdf"),  # bidi override dropped, .exe replaced
        ("photo.PNG", "photo.pdf"),  # the extension follows the content
        ("notes.v2", "notes.v2.pdf"),
        ("..", "document.pdf"),
        ("", "document.pdf"),
        ("   .pdf", "pdf.pdf"),  # a leading dot (hidden file) is dropped
        ("REPORT.PDF", "REPORT.PDF"),
    ],
)
def test_filenames_are_cleaned(raw, expected):
    assert clean_filename(raw, PDF) == expected


def test_long_filenames_keep_their_extension():
    name = clean_filename("가" * 500 + ".pdf", PDF)
    assert len(name) == 200 and name.endswith(".pdf")


@pytest.mark.parametrize(
    "key", ["../../etc/passwd", "a/b", "", "x" * 31, "x" * 33, "a" * 31 + ".", None, "%2e%2e"]
)
def test_storage_keys_cannot_leave_the_store(tmp_path, key):
    storage = LocalStorage(tmp_path)
    with pytest.raises(ValueError):
        check_key(key)
    with pytest.raises(ValueError):
        storage.open(key)
    with pytest.raises(ValueError):
        storage.delete(key)


def test_local_storage_saves_under_a_random_key_atomically(tmp_path):
    storage = LocalStorage(tmp_path / "store")
    key = storage.save(io.BytesIO(b"abc"))
    other = storage.save(io.BytesIO(b"abc"))
    assert key != other and len(key) == 32
    assert sorted(p.name for p in (tmp_path / "store").iterdir()) == sorted([key, other])
    with storage.open(key) as f:
        assert f.read() == b"abc"
    storage.delete(key)
    storage.delete(key)  # idempotent
    assert not storage.exists(key)
