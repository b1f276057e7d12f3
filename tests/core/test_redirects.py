"""`next=` redirects (sign-in and the language switch) never leave our host, whatever form a
browser would normalise the target into."""

from __future__ import annotations

import pytest

from seoul_platform.security import is_safe_redirect
from support import login

GOOD = [
    "/directory?q=a",
    "/organizations/3#people",
    "/",
    "/login",
    "/directory?q=%ED%95%9C",  # a percent-encoded query is fine
]

HOSTILE = [
    "//evil.example/",
    "///evil.example/",
    "http:///evil.example/",
    "http://evil.example/",
    "https://evil.example/",
    "https:evil.example",
    "http:evil.example",
    "HTTPS://evil.example",
    "javascript:alert(1)",
    "data:text/html,hi",
    "/\\evil.example",
    "\\\\evil.example",
    "\\/evil.example",
    "/\\/evil.example",
    "/%09/evil.example",
    "/%2F/evil.example",
    "/%2f%2fevil.example",
    "/%5Cevil.example",
    "/%5C%5Cevil.example",
    "/%252F/evil.example",  # double-encoded
    "/\t/evil.example",
    "/\n/evil.example",
    "/\r/evil.example",
    "\t//evil.example",
    " //evil.example",
    "/ /evil.example",
    "\x00//evil.example",
    "/\x0b/evil.example",
    "/\x7f/evil.example",
    "/\u3000/evil.example",
    "/\uff0fevil.example",
    "\uff0f\uff0fevil.example",
    "evil.example",
    "directory",
    "./directory",
    "",
    "/" + "a" * 5000,
]


@pytest.mark.parametrize("target", GOOD)
def test_good_targets_are_accepted(target):
    assert is_safe_redirect(target)


@pytest.mark.parametrize("target", HOSTILE)
def test_hostile_targets_are_refused(target):
    assert not is_safe_redirect(target)


@pytest.mark.parametrize("target", ["/%09/evil.example", "/\\evil.example", "https:evil.example"])
def test_sign_in_ignores_a_hostile_next(app, city_member, target):
    client = app.test_client()
    from support import csrf_token

    token = csrf_token(client)
    response = client.post(
        "/login",
        query_string={"next": target},
        data={
            "email": city_member.email,
            "password": "correct horse battery staple 42",
            "csrf_token": token,
        },
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


@pytest.mark.parametrize("target", HOSTILE[:25])
def test_language_switch_ignores_a_hostile_next(client, target):
    response = client.get("/language/ko", query_string={"next": target})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


@pytest.mark.parametrize("target", GOOD)
def test_language_switch_follows_a_good_next(client, target):
    response = client.get("/language/ko", query_string={"next": target})
    assert response.headers["Location"] == target


def test_sign_in_follows_a_good_next(app, city_member):
    client = app.test_client()
    response = login(client, city_member)
    assert response.status_code == 302
