"""Currencies (ISO 4217) for budgets and cost estimates.

The list is the currencies that are legal tender in some territory today, according to the
CLDR data Babel ships (no network): historical codes such as DEM are refused, so that a
budget always names money someone can pay.
"""

from __future__ import annotations

from datetime import date
from functools import cache

from babel import Locale
from babel.core import get_global
from babel.numbers import get_currency_name, get_territory_currencies


@cache
def currency_codes() -> frozenset[str]:
    today = date.today()
    codes: set[str] = set()
    for territory in get_global("territory_currencies"):
        codes.update(get_territory_currencies(territory, start_date=today, tender=True))
    codes.discard("XXX")
    return frozenset(codes)


def is_currency(code: str) -> bool:
    return code in currency_codes()


@cache
def currency_choices(locale: str) -> tuple[tuple[str, str], ...]:
    """(code, "KRW — South Korean Won") pairs sorted by code, labelled in ``locale``."""
    loc = Locale.parse(locale)
    return tuple(
        (code, f"{code} — {get_currency_name(code, locale=loc)}")
        for code in sorted(currency_codes())
    )
