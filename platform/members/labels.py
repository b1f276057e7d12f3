"""Human labels (translatable) for the members vocabularies."""

from __future__ import annotations

from babel import Locale
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

KIND_LABELS = {"city": _l("City"), "company": _l("Company"), "institution": _l("Institution")}
KIND_PLURALS = {"city": _l("Cities"), "company": _l("Companies"), "institution": _l("Institutions")}
REGION_LABELS = {
    "africa": _l("Africa"),
    "asia": _l("Asia"),
    "europe": _l("Europe"),
    "latin_america": _l("Latin America and the Caribbean"),
    "middle_east": _l("Middle East"),
    "north_america": _l("North America"),
    "oceania": _l("Oceania"),
}
SECTOR_LABELS = {
    "mobility": _l("Mobility and transport"),
    "safety": _l("Safety"),
    "welfare": _l("Welfare"),
    "environment": _l("Environment"),
    "energy": _l("Energy"),
    "culture": _l("Culture"),
    "governance": _l("Governance"),
}
SIZE_LABELS = {
    "startup": _l("Start-up"),
    "sme": _l("Small or medium enterprise"),
    "large": _l("Large company"),
}
STAGE_LABELS = {
    "1": _l("1 — Starting: first digital services"),
    "2": _l("2 — Developing: several pilots, little integration"),
    "3": _l("3 — Defined: a smart-city strategy and shared data"),
    "4": _l("4 — Managed: integrated platforms, measured outcomes"),
    "5": _l("5 — Leading: city-wide innovation shared with others"),
}
AWARD_CATEGORY_LABELS = {
    "tech_innovacity": _l("Tech-InnovaCity"),
    "human_centricity": _l("Human-CentriCity"),
    "leadership": _l("Leadership"),
    "special_mention": _l("Special Mention"),
}
# Public records real organisations' facts are taken from (Organization.public_source).
PUBLIC_SOURCE_LABELS = {
    "prize_2023_announcement": _l("2023 Seoul Smart City Prize announcement"),
}
ORG_ROLE_LABELS = {"admin": _l("Administrator"), "member": _l("Member")}
STATUS_LABELS = {
    "pending": _l("Awaiting approval"),
    "active": _l("Active"),
    "declined": _l("Declined"),
}

# Working languages offered as checkboxes; names come from CLDR in the reader's language.
LANGUAGE_CODES_OFFERED = (
    "ar",
    "bn",
    "da",
    "de",
    "en",
    "es",
    "fr",
    "hi",
    "id",
    "it",
    "ja",
    "ko",
    "mn",
    "ms",
    "nl",
    "pt",
    "ru",
    "sw",
    "th",
    "tr",
    "uz",
    "vi",
    "zh",
)


def LANGUAGE_OPTIONS(current=()) -> list[tuple[str, str]]:
    """The checkboxes: the commonly used languages plus every language already stored
    (``current``), so saving a profile never drops one the short list lacks."""
    names = get_locale().languages
    codes = dict.fromkeys([*LANGUAGE_CODES_OFFERED, *current])
    return sorted(((c, names.get(c, c)) for c in codes), key=lambda p: p[1])


# Every ISO 639-1 language (two-letter code) CLDR names; offered in the "other languages" list.
ISO_639_1 = tuple(sorted(c for c in Locale("en").languages if len(c) == 2 and c.isalpha()))


def ALL_LANGUAGE_OPTIONS() -> list[tuple[str, str]]:
    """Every ISO 639-1 language with its name in the reader's language, sorted by name."""
    names = get_locale().languages
    return sorted(((c, names.get(c, c)) for c in ISO_639_1), key=lambda p: p[1])


def parse_languages(text: str) -> tuple[list[str], list[str]]:
    """Language codes from a comma-separated list of names or codes, in the reader's language
    or English ("Finnish, sv, 스웨덴어", or "Finnish (fi)" as the suggestion list shows them).
    Returns (codes, entries not understood)."""
    lookup: dict[str, str] = {}
    for names in (Locale("en").languages, get_locale().languages):
        for code in ISO_639_1:
            if code in names:
                lookup[names[code].casefold()] = code
    codes: list[str] = []
    unknown: list[str] = []
    for entry in text.replace(";", ",").replace("\n", ",").split(","):
        entry = " ".join(entry.split())
        if not entry:
            continue
        key = entry.casefold()
        if key.endswith(")") and "(" in key:  # "Finnish (fi)"
            key = key.rsplit("(", 1)[1].rstrip(")").strip()
        code = key if key in ISO_639_1 else lookup.get(key)
        if code is None:
            unknown.append(entry)
        elif code not in codes:
            codes.append(code)
    return codes, unknown


_TRANSLATED: dict[tuple[int, str], dict[str, str]] = {}


def label(mapping: dict, key) -> str:
    """The translated label of ``key`` (an enum or its value) in one of the mappings above.
    Each mapping is translated once per language, not once per use: pages show hundreds."""
    return label_in(str(get_locale()), mapping, key)


def label_in(locale: str, mapping: dict, key) -> str:
    """`label` with the current language's code given: templates get it bound once per page
    (see i18n.py). ``locale`` must be the current one: the labels are translated in it."""
    value = str(getattr(key, "value", key))
    plain = _TRANSLATED.get((id(mapping), locale))
    if plain is None:
        plain = _TRANSLATED[(id(mapping), locale)] = {k: str(v) for k, v in mapping.items()}
    return plain.get(value, value)
