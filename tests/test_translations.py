r"""The Korean catalogue is complete, consistent with the code, and used by the pages.

A developer who adds a string without translating it gets a failing test that lists the
missing strings. To fix it, extract and update the catalogues:

    .venv/bin/pybabel extract -F babel.cfg -k _l -k lazy_gettext \
        -o platform/translations/messages.pot --no-location --sort-output \
        --project "Seoul Smart City Prize Platform" .
    .venv/bin/pybabel update -i platform/translations/messages.pot \
        -d platform/translations -l ko --no-fuzzy-matching

then fill the new msgstr entries in platform/translations/ko/LC_MESSAGES/messages.po
(``make translations`` compiles it; this module also compiles it when the .mo is stale).
"""

from __future__ import annotations

import html
import os
import re
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "platform" / "translations"
POT = TRANSLATIONS / "messages.pot"
KO_PO = TRANSLATIONS / "ko" / "LC_MESSAGES" / "messages.po"
KO_MO = KO_PO.with_suffix(".mo")

EXTRACT_ARGS = [
    "extract",
    "-F",
    "babel.cfg",
    "-k",
    "_l",
    "-k",
    "lazy_gettext",
    "--no-location",
    "--sort-output",
    "--project",
    "Seoul Smart City Prize Platform",
]

# A printf-style named placeholder: %(name)s, %(num)d, %(value).2f ...
PLACEHOLDER = re.compile(r"%\(\w+\)[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]")

# The Korean translation of "Sign in" (navigation, heading and button of the login page).
KO_SIGN_IN = "로그인"


def _read(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as f:
        return read_po(f, locale=locale)


def _key(message) -> tuple:
    """A message's identity: its msgid (a tuple for plurals) and context."""
    return (message.id, message.context)


def _singular(message) -> str:
    return message.id[0] if isinstance(message.id, tuple) else message.id


@pytest.fixture(scope="session")
def ko_catalog() -> Catalog:
    return _read(KO_PO, locale="ko")


@pytest.fixture(scope="session", autouse=True)
def compiled_ko_catalogue():
    """Compile the .mo when it is missing or older than the .po, so a bare ``pytest`` run
    serves the current translations (``make`` compiles it too; the .mo is git-ignored)."""
    if not KO_MO.exists() or KO_MO.stat().st_mtime < KO_PO.stat().st_mtime:
        catalog = _read(KO_PO, locale="ko")
        # Write beside the target and rename, so a parallel run never reads half a file.
        fd, tmp = tempfile.mkstemp(dir=KO_MO.parent, prefix=".messages-", suffix=".mo")
        try:
            with os.fdopen(fd, "wb") as f:
                write_mo(f, catalog)
            os.chmod(tmp, 0o644)
            os.replace(tmp, KO_MO)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
    return KO_MO


# ---- (a) the catalogue is complete and well-formed -----------------------------------------


def test_korean_catalogue_header(ko_catalog):
    assert str(ko_catalog.locale) == "ko"
    assert ko_catalog.num_plurals == 1
    assert ko_catalog.plural_expr == "0"
    assert not ko_catalog.fuzzy, "the catalogue header is marked fuzzy"


def test_every_message_is_translated_and_not_fuzzy(ko_catalog):
    untranslated, fuzzy = [], []
    for message in ko_catalog:
        if not message.id:
            continue  # the header
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if isinstance(message.id, tuple):
            strings = strings[: ko_catalog.num_plurals]
            if len(strings) < ko_catalog.num_plurals:
                strings = (*strings, "")
        if not all(s and s.strip() for s in strings):
            untranslated.append(_singular(message))
        if message.fuzzy:
            fuzzy.append(_singular(message))
    assert not untranslated, "untranslated messages:\n" + "\n".join(untranslated)
    assert not fuzzy, "fuzzy messages:\n" + "\n".join(fuzzy)


def test_placeholders_are_kept(ko_catalog):
    wrong = []
    for message in ko_catalog:
        if not message.id:
            continue
        if isinstance(message.id, tuple):
            source = message.id[1]  # Korean has one form: it must serve the plural's numbers
            translations = message.string
        else:
            source = message.id
            translations = (message.string,)
        expected = Counter(PLACEHOLDER.findall(source))
        for text in translations:
            got = Counter(PLACEHOLDER.findall(text or ""))
            if got != expected:
                wrong.append(f"{_singular(message)!r}: {dict(expected)} ≠ {dict(got)}")
    assert not wrong, "placeholders differ between msgid and msgstr:\n" + "\n".join(wrong)


# ---- (b) the catalogues match the strings in the code ----------------------------------------


def _pybabel() -> list[str]:
    script = Path(sys.executable).parent / "pybabel"
    if script.exists():
        return [str(script)]
    return [sys.executable, "-m", "babel.messages.frontend"]


@pytest.fixture(scope="module")
def extracted(tmp_path_factory) -> Catalog:
    out = tmp_path_factory.mktemp("babel") / "messages.pot"
    result = subprocess.run(
        [*_pybabel(), *EXTRACT_ARGS, "-o", str(out), "."],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return _read(out)


def test_every_string_in_the_code_is_in_the_korean_catalogue(extracted, ko_catalog):
    have = {_key(m) for m in ko_catalog if m.id}
    missing = sorted(_singular(m) for m in extracted if m.id and _key(m) not in have)
    assert not missing, (
        f"{len(missing)} string(s) in the code are not in {KO_PO.relative_to(ROOT)} "
        "(extract, update and translate them; see this module's docstring):\n" + "\n".join(missing)
    )


def test_the_template_is_up_to_date(extracted):
    pot = {_key(m) for m in _read(POT) if m.id}
    code = {_key(m) for m in extracted if m.id}
    added = sorted(str(k[0]) for k in code - pot)
    removed = sorted(str(k[0]) for k in pot - code)
    assert not added and not removed, (
        f"{POT.relative_to(ROOT)} is out of date; re-run the extract command "
        f"(see this module's docstring).\nNew in the code: {added}\nNo longer in the code: "
        f"{removed}"
    )


# ---- (c) the pages are served in Korean -------------------------------------------------------


def _visible_text(page: str) -> str:
    page = re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", page)
    page = re.sub(r"(?s)<[^>]+>", " ", page)
    return re.sub(r"\s+", " ", html.unescape(page)).strip()


# Latin-script words that legitimately stay on Korean pages: the English language switch,
# the WeGO name, and technical tokens.
ALLOWED_LATIN = {"English", "WeGO", "API", "JSON", "https"}


def test_login_page_in_korean(client):
    response = client.get("/language/ko?next=/login", follow_redirects=True)
    assert response.status_code == 200
    assert response.request.path == "/login"
    page = response.get_data(as_text=True)
    assert '<html lang="ko"' in page
    text = _visible_text(page)
    assert KO_SIGN_IN in text
    for english in ("Apply to join", "Sign in", "Forgot your password?", "Skip to main content"):
        assert english not in text, f"untranslated on the Korean login page: {english!r}"


@pytest.mark.parametrize("path", ["/login", "/", "/join", "/forgot-password"])
def test_public_pages_have_no_english_words(client, path):
    """Catches strings that are hard-coded in English (not marked for translation)."""
    client.get("/language/ko?next=/")
    page = client.get(path).get_data(as_text=True)
    assert '<html lang="ko"' in page
    words = set(re.findall(r"[A-Za-z]{3,}", _visible_text(page))) - ALLOWED_LATIN
    assert not words, f"English words on the Korean page {path}: {sorted(words)}"
