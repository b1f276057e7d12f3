"""Keyboard-only use: the skip link comes first, every tab stop shows where focus is, and a
member signs in, reaches the directory search and searches without touching the mouse."""

from __future__ import annotations

import re

import pytest
from browser.browsing import focus_is_visible, focused, set_language, tab_until

from support import PASSWORD


@pytest.mark.parametrize(
    ("role", "path"),
    [("anonymous", "/"), ("anonymous", "/login"), ("member", "/directory"), ("member", "/account")],
)
def test_skip_link_is_first_and_moves_focus_to_main(page_as, role, path):
    page = page_as(role)
    page.goto(path)
    page.keyboard.press("Tab")
    info = focused(page)
    assert info is not None and "skip-link" in info["cls"], f"first tab stop: {info}"
    assert info["href"] == "#main"
    assert focus_is_visible(info)
    # Visible when focused (it sits off-screen otherwise).
    box = page.locator(".skip-link").bounding_box()
    assert box is not None and box["y"] >= 0 and box["height"] > 0, box
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    assert page.url.endswith("#main")
    # The next Tab continues from the main content, not from the header.
    page.keyboard.press("Tab")
    in_main = page.evaluate("document.getElementById('main').contains(document.activeElement)")
    assert in_main, focused(page)


def test_member_signs_in_and_searches_with_the_keyboard_only(page, live_server):
    set_language(page, "en", "/")  # the results heading is checked in English below
    tab_until(page, lambda i: i["tag"] == "a" and i["href"].endswith("/login"))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/login")

    tab_until(page, lambda i: i["id"] == "email")
    page.keyboard.type(live_server.seeded.emails["member"])
    page.keyboard.press("Tab")
    assert focused(page)["id"] == "password"
    page.keyboard.type(PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_load_state()
    assert "/login" not in page.url

    # Members land on the directory; from any other page the main navigation leads back.
    assert page.url.endswith("/directory"), page.url
    tab_until(page, lambda i: i["tag"] == "a" and i["href"].endswith("/account"))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/account")
    tab_until(page, lambda i: i["tag"] == "a" and i["href"].endswith("/directory"))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/directory")

    info = tab_until(page, lambda i: i["id"] == "f-q")
    assert focus_is_visible(info)
    page.keyboard.type("digital twin")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert re.search(r"[?&]q=digital\+twin", page.url), page.url
    results = page.locator("#results-title").inner_text()
    assert re.match(r"[1-9]\d* ", results), results
    assert page.locator(".cards .card h3 a", has_text="Acme Browser Twins").count() == 1

    # A filter chosen with the keyboard: focus the sector select, pick with arrow keys.
    tab_until(page, lambda i: i["id"] == "f-sector")
    page.keyboard.press("ArrowDown")  # first sector after "Any"
    chosen = page.locator("#f-sector").input_value()
    assert chosen != ""
    tab_until(page, lambda i: i["tag"] == "button" and i["type"] == "submit")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert f"sector={chosen}" in page.url


@pytest.mark.parametrize("lang", ["en", "ko"])
@pytest.mark.parametrize(
    ("role", "path"),
    [
        ("anonymous", "/"),
        ("anonymous", "/join"),
        ("member", "/directory"),
        ("member", "/organizations/{city}"),
        ("admin", "/organizations/{city}/edit"),
        ("official", "/admin/join-requests"),
        ("official", "/admin/audit"),
        ("official", "/api/v1/docs"),
    ],
)
def test_every_tab_stop_shows_focus(page_as, live_server, role, path, lang):
    """Walk the whole tab order once; each stop must have a visible focus indicator, and the
    walk must visit the main content and the footer (nothing traps focus)."""
    page = page_as(role)
    target = path.format(city=live_server.seeded.city_id)
    set_language(page, lang, target)
    seen = []
    for _ in range(400):
        page.keyboard.press("Tab")
        info = focused(page)
        if info is None:  # wrapped round to the browser chrome
            break
        assert focus_is_visible(info), f"invisible focus on {info}"
        key = (info["tag"], info["id"], info["name"], info["href"], info["text"])
        if seen and key == seen[0]:
            break
        seen.append(key)
    else:
        raise AssertionError("the tab order never ends")
    hrefs = [k[3] for k in seen]
    assert hrefs[0] == "#main", seen[:3]
    assert any(h.endswith("/api/v1/docs") for h in hrefs), "the footer was never reached"
