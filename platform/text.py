# ruff: noqa: RUF001, RUF002 - look-alike letters are this module's data
"""Text at the input boundary: single- and multi-line cleaning, look-alike keys, spoof checks.

Pure functions (stdlib ``unicodedata`` only), used by the pydantic schemas, the WTForms fields
and the services. No maintained package covers all of this in one piece: ``confusable-homoglyphs``
detects mixed scripts but gives no comparison key, and ICU's spoof checker needs a compiled
binding; the rules here are small, cover the reviewed attacks, and are tested.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

# Multi-line text keeps \n and \t; every other control (C0, DEL, C1 but NEL) is dropped.
# Bidi embeddings, overrides and isolates go too: they can reorder what a reader sees.
_MULTILINE_DROP = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\u202a-\u202e\u2066-\u2069]"
)

# Invisible characters that are not category Cf but render as nothing.
_INVISIBLE_EXTRA = {
    "\u034f",  # combining grapheme joiner
    "\u115f",
    "\u1160",
    "\u3164",
    "\uffa0",  # Hangul fillers
    "\u180e",  # Mongolian vowel separator
}


def has_control(value: str) -> bool:
    """True if ``value`` holds a line break or any other control character (C0, DEL, C1)."""
    return any(unicodedata.category(c) in ("Cc", "Zl", "Zp") for c in value)


def _invisible(c: str) -> bool:
    if c in _INVISIBLE_EXTRA or unicodedata.category(c) == "Cf":
        return True
    cp = ord(c)
    return 0xFE00 <= cp <= 0xFE0F or 0xE0100 <= cp <= 0xE01EF  # variation selectors


def strip_invisible(value: str) -> str:
    """Remove zero-width, bidi-control, format and filler characters."""
    return "".join(c for c in value if not _invisible(c))


def clean_line(value: str) -> str:
    """A single-line value as stored: NFKC, no invisible characters, whitespace collapsed.
    Raises ValueError for line breaks or other control characters (the caller shows it)."""
    if has_control(value):
        raise ValueError("control")
    value = strip_invisible(unicodedata.normalize("NFKC", value))
    return " ".join(value.split())


def clean_multiline(value: str) -> str:
    """A multi-line value: line breaks become ``\\n``; other controls and bidi overrides
    are dropped."""
    value = value.replace("\r\n", "\n")
    for brk in "\r\x85\u2028\u2029":
        value = value.replace(brk, "\n")
    return _MULTILINE_DROP.sub("", value).strip()


def clean_email(value: str) -> str:
    """An e-mail address as stored and compared: NFKC, no invisible characters, lower case,
    no surrounding space. Control characters raise ValueError."""
    if has_control(value):
        raise ValueError("control")
    return strip_invisible(unicodedata.normalize("NFKC", value)).strip().lower()


# ---- look-alikes --------------------------------------------------------------------------

# Letters of other scripts drawn like Latin ones (Cyrillic, Greek) and a few Latin variants.
# Upper-case forms are mapped before case folding, lower-case forms after it.
_UPPER = str.maketrans(
    "АВЕЅІЈКМНОРСТУХΑΒΕΖΗΙΚΜΝΟΡΤΥΧ",
    "ABESIJKMHOPCTYXABEZHIKMNOPTYX",
)
_LOWER = str.maketrans(
    "аеорсухѕіјһԁԛԝӏкмтαοικνρτυχγεıɑ01",
    "aeopcyxsijhdqwlkmtaoikvptuxyeiaol",
)
_MULTI = (("rn", "m"), ("vv", "w"))
_SPOOFABLE_SCRIPTS = {"LATIN", "CYRILLIC", "GREEK"}
_LOOKALIKE_LETTERS = set("АВЕЅІЈКМНОРСТУХΑΒΕΖΗΙΚΜΝΟΡΤΥΧаеорсухѕіјһԁԛԝӏкмтαοικνρτυχγε")


def skeleton(value: str) -> str:
    """A comparison key under which look-alike strings collide: compatibility forms,
    invisible characters, case, accents, spacing and Cyrillic/Greek look-alikes of Latin
    letters are all folded away. For comparison only, never for display."""
    text = strip_invisible(unicodedata.normalize("NFKC", value)).translate(_UPPER).casefold()
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).translate(_LOWER)
    for many, one in _MULTI:
        text = text.replace(many, one)
    return " ".join(text.split())


def skeleton_hash(value: str) -> str:
    """A fixed-length (64 hex) digest of `skeleton`, to index and compare in the database."""
    return hashlib.sha256(skeleton(value).encode()).hexdigest()


def _script(c: str) -> str | None:
    if not c.isalpha():
        return None
    try:
        return unicodedata.name(c).split(" ", 1)[0]
    except ValueError:
        return None


def looks_spoofed(value: str) -> bool:
    """True for a name that mixes Latin with Cyrillic or Greek in a way that imitates Latin:
    one word mixing those scripts ("Аcme" with a Cyrillic А), or a name with Latin words
    plus a word written only in Cyrillic/Greek letters that look Latin ("Асме Twins").

    Real names in one script (서울특별시, المدينة المنورة, Ålesund, São Paulo) and mixed names
    in scripts that do not imitate each other (Latin with Hangul) are not affected."""
    words = value.split()
    scripts_by_word = [{s for c in w if (s := _script(c)) is not None} for w in words]
    for scripts in scripts_by_word:
        if len(scripts & _SPOOFABLE_SCRIPTS) > 1:
            return True
    has_latin = any("LATIN" in s for s in scripts_by_word)
    if has_latin:
        for word, scripts in zip(words, scripts_by_word, strict=True):
            letters = [c for c in word if c.isalpha()]
            if scripts & {"CYRILLIC", "GREEK"} and all(c in _LOOKALIKE_LETTERS for c in letters):
                return True
    return False
