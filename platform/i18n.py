"""Languages: locale selection, text direction, localised names of countries and languages."""

from __future__ import annotations

import functools

from babel import Locale
from flask import Flask, current_app, has_request_context, request
from flask_babel import Babel, get_locale, get_translations
from flask_login import current_user
from jinja2 import pass_context
from markupsafe import Markup

RTL_LANGUAGES = {"ar", "fa", "he", "ur"}
LANG_COOKIE = "lang"


def select_locale() -> str:
    if not has_request_context():  # CLI commands and jobs: e-mails use force_locale
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    supported = list(current_app.config["LANGUAGES"])
    chosen = request.args.get("lang") if request.endpoint == "core.set_language" else None
    if chosen in supported:
        return chosen
    cookie = request.cookies.get(LANG_COOKIE)
    if cookie in supported:
        return cookie
    if current_user and current_user.is_authenticated and current_user.locale in supported:
        return current_user.locale
    return (
        request.accept_languages.best_match(supported) or current_app.config["BABEL_DEFAULT_LOCALE"]
    )


def text_direction() -> str:
    return "rtl" if str(get_locale()).split("_")[0] in RTL_LANGUAGES else "ltr"


def country_name(code: str | None) -> str:
    if not code:
        return ""
    return get_locale().territories.get(code.upper(), code.upper())


def language_name(code: str) -> str:
    return get_locale().languages.get(code, code)


# CLDR territories that are not ISO 3166-1 countries: unions, reserved codes, pseudo-locales.
_NOT_COUNTRIES = {
    "AC",
    "CP",
    "CQ",
    "DG",
    "EA",
    "EU",
    "EZ",
    "IC",
    "QO",
    "TA",
    "UN",
    "XA",
    "XB",
    "ZZ",
}
COUNTRY_CODES = frozenset(
    c for c in Locale("en").territories if len(c) == 2 and c.isalpha() and c not in _NOT_COUNTRIES
)


def country_choices() -> list[tuple[str, str]]:
    """ISO 3166-1 alpha-2 countries with names in the current language, sorted by name."""
    return _sorted_countries(str(get_locale()))


@functools.cache
def _sorted_countries(locale: str) -> list[tuple[str, str]]:
    names = Locale.parse(locale).territories
    return sorted(((c, names.get(c, c)) for c in COUNTRY_CODES), key=lambda pair: pair[1])


def country_table() -> dict[str, str]:
    """`country_choices` as a dict (code -> name, in name order), the same object for every
    request in a language, so that templates may cache what they build from it."""
    return _country_table(str(get_locale()))


@functools.cache
def _country_table(locale: str) -> dict[str, str]:
    return dict(_sorted_countries(locale))


LANGUAGE_CODES = frozenset(code for code in Locale("en").languages if len(code) in (2, 3))


def init_i18n(app: Flask, babel: Babel) -> None:
    babel.init_app(app, locale_selector=select_locale)

    @app.context_processor
    def _i18n_globals():
        # Bound once per rendered template to this request's language: a page makes hundreds
        # of lookups (``_()``, labels, country names), and flask-babel's own functions find
        # the locale and catalogue again through the request context on every call.
        locale = get_locale()
        code = str(locale)
        territories = locale.territories
        languages = locale.languages
        translations = get_translations()
        return {
            "text_direction": lambda: "rtl" if code.split("_")[0] in RTL_LANGUAGES else "ltr",
            "current_locale": lambda: code,
            "country_name": lambda c: territories.get(c.upper(), c.upper()) if c else "",
            "language_name": lambda c: languages.get(c, c),
            "languages": app.config["LANGUAGES"],
            # `_` too: jinja2.ext's `_` would look `gettext` up again on every call.
            "_": (gettext := _bound_gettext(translations.ugettext)),
            "gettext": gettext,
            "ngettext": _bound_ngettext(translations.ungettext),
            "label": labels_in(code),
        }


# The same behaviour as the callables flask-babel installs in Jinja (jinja2.ext's new-style
# gettext: the result is Markup under autoescaping and always %-formatted with the keywords),
# bound to one catalogue instead of looking it up per call.
def _bound_gettext(ugettext):
    @pass_context
    def gettext(__context, __string: str, **variables) -> str:
        rv = ugettext(__string)
        if __context.eval_ctx.autoescape:
            rv = Markup(rv)  # noqa: S704 - our own catalogue, as jinja2.ext does
        return rv % variables

    return gettext


def _bound_ngettext(ungettext):
    @pass_context
    def ngettext(__context, __singular: str, __plural: str, __num: int, **variables) -> str:
        variables.setdefault("num", __num)
        rv = ungettext(__singular, __plural, __num)
        if __context.eval_ctx.autoescape:
            rv = Markup(rv)  # noqa: S704 - our own catalogue, as jinja2.ext does
        return rv % variables

    return ngettext


def labels_in(locale: str):
    from .members.labels import label_in

    return functools.partial(label_in, locale)
