"""Refuse malformed text before it reaches the parsers, the services or the database.

These used to end in a 5xx: JSON nested so deeply that the parser (or pydantic) runs out of
stack; lone UTF-16 surrogates (``"\\ud800"`` is valid JSON, but no database driver can
encode it); NUL characters (PostgreSQL text cannot hold them); invalid UTF-8 in a URL or an
urlencoded form (Werkzeug keeps ``%ED%A0%80`` as the literal text, so garbage would be
stored). Each is a 400 here.
"""

from __future__ import annotations

import json
import re
from urllib.parse import unquote_to_bytes

from flask import Flask, g, request
from flask_babel import gettext as _

from .errors import BadRequest

MAX_JSON_DEPTH = 32

# A JSON string literal (unrolled loop: no backtracking on long strings).
_JSON_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.S)
_BRACKETS = re.compile(r"[\[\]{}]")
# NUL (PostgreSQL text cannot hold it) and surrogates (no UTF-8 encoding exists for them).
_FORBIDDEN = re.compile("[\x00\ud800-\udfff]")


def json_too_deep(text: str, limit: int = MAX_JSON_DEPTH) -> bool:
    """True when arrays and objects in ``text`` nest more than ``limit`` levels deep.

    Brackets inside string literals do not count. Stops at the first bracket past the
    limit, so a megabyte of ``[`` costs next to nothing."""
    depth = 0
    for match in _BRACKETS.finditer(_JSON_STRING.sub('""', text)):
        if match.group() in "[{":
            depth += 1
            if depth > limit:
                return True
        else:
            depth -= 1
    return False


def has_forbidden_character(data: object) -> bool:
    """True when any string of a parsed JSON value, key or value, holds NUL or a surrogate
    code point. Strict UTF-8 decoding already refused encoded surrogates, so any left here
    came from an unpaired ``\\uD800``-``\\uDFFF`` escape."""
    stack = [data]
    while stack:
        value = stack.pop()
        if isinstance(value, str):
            if _FORBIDDEN.search(value):
                return True
        elif isinstance(value, dict):
            stack.extend(value.keys())
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
    return False


def load_json(raw: bytes) -> object:
    """Parse a request body as JSON (RFC 8259: UTF-8), refusing what would break later.

    Raises BadRequest (400) for invalid UTF-8, nesting deeper than MAX_JSON_DEPTH, invalid
    JSON, and NUL or lone surrogates anywhere in keys or values."""
    try:
        text = raw.decode("utf-8") if raw else "null"
    except UnicodeDecodeError as exc:
        raise BadRequest(_("The body is not valid UTF-8.")) from exc
    if json_too_deep(text):
        raise BadRequest(_("The body nests more than %(limit)d levels deep.", limit=MAX_JSON_DEPTH))
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise BadRequest(_("The body is not valid JSON.")) from exc
    if has_forbidden_character(data):
        raise BadRequest(_("The body holds invalid text: a NUL character or a lone surrogate."))
    return data


def request_json() -> object:
    """The request body parsed by :func:`load_json`, once per request."""
    if "checked_json" not in g:
        g.checked_json = load_json(request.get_data(cache=True))
    return g.checked_json


def _is_text(raw: bytes) -> bool:
    """True for UTF-8 without NUL characters."""
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return b"\x00" not in raw


def check_request_text() -> None:
    """Refuse a request whose path, query string or urlencoded form is not UTF-8 or holds a
    NUL character, or whose
    JSON body is malformed as :func:`load_json` says, on any route (400): HTML views and
    rate-limit keys read JSON too.

    Multipart fields need no check: Werkzeug decodes them with replacement characters,
    which are valid text."""
    path = request.environ.get("PATH_INFO", "")
    try:
        path_ok = _is_text(path.encode("latin-1"))  # WSGI: the raw bytes, one per code point
    except UnicodeEncodeError:
        path_ok = False
    if not path_ok or not _is_text(unquote_to_bytes(request.query_string.replace(b"+", b" "))):
        raise BadRequest(_("The address holds invalid text: not UTF-8, or a NUL character."))
    if request.mimetype == "application/x-www-form-urlencoded":
        # Cached, so the form is still parsed from it afterwards.
        body = request.get_data(cache=True)
        if not _is_text(unquote_to_bytes(body.replace(b"+", b" "))):
            raise BadRequest(_("The form holds invalid text: not UTF-8, or a NUL character."))
    elif request.is_json and request.content_length != 0:
        request_json()


def init_input_checks(app: Flask) -> None:
    app.before_request(check_request_text)
