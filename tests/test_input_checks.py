"""Malformed text is a clean 400 that stores nothing: deeply nested JSON, lone surrogates, NUL
characters and invalid UTF-8 in API bodies (every operation with one), query strings, paths
and forms."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from seoul_platform.db import db as _db
from seoul_platform.input_checks import (
    MAX_JSON_DEPTH,
    has_forbidden_character,
    json_too_deep,
)
from seoul_platform.members.models import Organization
from support import api_operations, bearer, csrf_token, signed_in

BODY_OPERATIONS = [op for op in api_operations() if op.body is not None]
_PARAM = re.compile(r"<(?:\w+:)?\w+>")


def _url(op) -> str:
    return "/api/v1" + _PARAM.sub("1", op.rule)


def _rows() -> dict[str, int]:
    """How many rows each table holds."""
    return {
        table.name: _db.session.scalar(select(func.count()).select_from(table))
        for table in _db.metadata.sorted_tables
    }


def _nested(depth: int) -> str:
    return "[" * depth + "]" * depth


# Each body is malformed in a way that used to reach json.loads, pydantic or the database.
MALFORMED = {
    "arrays 100,000 deep": _nested(100_000),
    "objects 100,000 deep": '{"a":' * 100_000 + "1" + "}" * 100_000,
    "one level too deep inside a field": '{"name": ' + _nested(MAX_JSON_DEPTH) + "}",
    "lone high surrogate in a value": '{"name": "Seoul \\ud800"}',
    "lone low surrogate in a key": '{"\\udc00": "x"}',
    "lone surrogate deep in a list": '{"a": ["ok", {"b": ["\\ud83d"]}]}',
    "reversed surrogate pair": '{"name": "\\ude00\\ud83d"}',
    "NUL in a value (PostgreSQL cannot store it)": '{"email": "a\\u0000@example.org"}',
    "NUL in a key": '{"a\\u0000": 1}',
    "encoded surrogate (invalid UTF-8)": b'{"name": "\xed\xa0\x80"}',
    "invalid UTF-8": b'{"name": "\xff"}',
}


@pytest.fixture
def headers(app, official):
    return bearer(app.test_client(), official)


@pytest.mark.parametrize("body", list(MALFORMED.values()), ids=list(MALFORMED))
@pytest.mark.parametrize("op", BODY_OPERATIONS, ids=lambda op: f"{op.method} {op.rule}")
def test_malformed_json_is_400_and_stores_nothing(app, db, headers, city, op, body):
    before = _rows()
    response = app.test_client().open(
        _url(op), method=op.method.upper(), data=body, headers=headers,
        content_type="application/json",
    )  # fmt: skip
    assert response.status_code == 400, response.get_data(True)[:300]
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["status"] == 400
    assert _rows() == before


def test_every_body_operation_is_covered():
    assert len(BODY_OPERATIONS) >= 6


def test_a_valid_body_with_a_lone_surrogate_is_refused_before_the_database(app, db, headers):
    body = '{"kind": "city", "name": "Surrogate\\ud800ville", "country": "KR", "region": "asia"}'
    before = _rows()
    response = app.test_client().post(
        "/api/v1/organizations", data=body, headers=headers, content_type="application/json"
    )
    assert response.status_code == 400
    assert "lone surrogate" in response.get_json()["detail"]
    assert _rows() == before
    # A proper pair (an emoji) is fine.
    ok = body.replace("\\ud800", "\\ud83d\\ude00")
    response = app.test_client().post(
        "/api/v1/organizations", data=ok, headers=headers, content_type="application/json"
    )
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["name"] == "Surrogate\U0001f600ville"


def test_nesting_up_to_the_limit_is_parsed(app, db, headers):
    # 32 levels in all (the object is the first): not refused as malformed, only as invalid.
    body = '{"name": ' + _nested(MAX_JSON_DEPTH - 1) + "}"
    response = app.test_client().post(
        "/api/v1/organizations", data=body, headers=headers, content_type="application/json"
    )
    assert response.status_code == 422


def test_depth_counting_ignores_brackets_inside_strings():
    assert not json_too_deep('{"a": "' + "[" * 1000 + '"}')
    assert not json_too_deep('["\\"[[[[", ' * 20 + '"x"' + "]" * 20)  # escaped quotes
    assert json_too_deep(_nested(MAX_JSON_DEPTH + 1))
    assert not json_too_deep(_nested(MAX_JSON_DEPTH))
    assert json_too_deep("[" * 1_000_000)  # stops early


def test_forbidden_characters_are_found_in_keys_and_values():
    assert has_forbidden_character({"ok": ["fine", {"\ud800": 1}]})
    assert has_forbidden_character([1, 2.0, None, True, "x\udfff"])
    assert has_forbidden_character({"a": [{"b": "nul \x00 here"}]})
    assert not has_forbidden_character({"emoji": "\U0001f600", "n": [1, {"k": "한국어\t\n"}]})


# ---- query strings, paths and HTML forms ---------------------------------------------------

INVALID_UTF8 = "%ED%A0%80"  # the UTF-8 form of a surrogate: invalid UTF-8


@pytest.mark.parametrize(
    "path",
    [
        f"/api/v1/organizations?q={INVALID_UTF8}",
        f"/api/v1/organizations?page=1&{INVALID_UTF8}=1",
        f"/directory?q={INVALID_UTF8}",
        f"/admin/audit?action={INVALID_UTF8}",
        "/directory?q=%FF",
        "/admin/audit?action=%00",  # PostgreSQL cannot compare text with NUL in it (503)
        "/api/v1/organizations?q=a%00b",
    ],
)
def test_invalid_utf8_in_the_address_is_400(app, official, path):
    client = signed_in(app, official)
    response = client.get(path)
    assert response.status_code == 400, response.get_data(True)[:300]
    if path.startswith("/api/"):
        assert response.mimetype == "application/problem+json"
    else:
        assert "invalid text" in response.get_data(True)


def test_invalid_utf8_in_the_path_is_400(app):
    # A server hands the path over as raw bytes (WSGI: one latin-1 character per byte); the
    # test client would already have replaced them, so the environ is given directly.
    raw = "/invitations/\xed\xa0\x80"
    response = app.test_client().get("/", environ_overrides={"PATH_INFO": raw})
    assert response.status_code == 400
    assert "invalid text" in response.get_data(True)
    fine = "/invitations/\xed\x95\x9c"  # 한, properly encoded: an unknown invitation
    assert app.test_client().get("/", environ_overrides={"PATH_INFO": fine}).status_code == 404


def test_valid_percent_escapes_still_work(app, official, city):
    client = signed_in(app, official)
    # "Testville" found through an escaped query (a literal percent sign, UTF-8 Korean, +).
    assert client.get("/directory?q=%54estville").status_code == 200
    assert client.get("/directory?q=%ED%95%9C+%25").status_code == 200
    api = client.get("/api/v1/organizations?q=Test%76ille").get_json()
    assert [o["name"] for o in api["items"]] == ["Testville"]


def test_invalid_utf8_in_a_form_is_400_and_stores_nothing(app, db, official):
    client = signed_in(app, official)
    token = csrf_token(client, "/organizations/new")
    before = db.session.scalar(select(func.count(Organization.id)))
    fields = f"csrf_token={token}&kind=city&name=Bad{INVALID_UTF8}ville&country=KR&region=asia"
    response = client.post(
        "/organizations/new", data=fields, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 400
    assert "invalid text" in response.get_data(True)
    assert db.session.scalar(select(func.count(Organization.id))) == before
    # The same form, properly encoded, is accepted: the check refuses only invalid text.
    good = fields.replace(INVALID_UTF8, "%ED%95%9C")
    response = client.post(
        "/organizations/new", data=good, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 302
    assert db.session.scalar(select(Organization.name).where(Organization.name.like("Bad%")))


@pytest.mark.parametrize("body", list(MALFORMED.values()), ids=list(MALFORMED))
def test_malformed_json_to_an_html_route_is_400(app, db, body):
    # The sign-in rate limit reads an e-mail address from a JSON body too: a deep body was a
    # RecursionError there, and a lone surrogate broke the page that echoed it back.
    client = app.test_client()
    token = csrf_token(client, "/login")
    before = _rows()
    response = client.post(
        "/login", data=body, content_type="application/json", headers={"X-CSRFToken": token}
    )
    assert response.status_code == 400
    assert _rows() == before


@pytest.mark.parametrize("bad", [INVALID_UTF8, "%00", "%C0%AF"])
def test_invalid_text_in_the_sign_in_form_is_400(app, db, city_member, bad):
    client = app.test_client()
    token = csrf_token(client, "/login")
    before = _rows()
    response = client.post(
        "/login",
        data=f"csrf_token={token}&email=member{bad}@testville.example&password=x",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 400
    assert "invalid text" in response.get_data(True)
    assert _rows() == before  # not even a failed sign-in is recorded
