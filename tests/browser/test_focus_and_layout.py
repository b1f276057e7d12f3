"""What the HTML alone cannot prove, checked in Chromium: where focus lands after a failed
submit or a redirect (with and without JavaScript), the skip link to the directory results,
checkbox grids whose visual order is the tab order, and borders in forced-colours mode."""

from __future__ import annotations

from itertools import pairwise

import pytest
from browser.browsing import focused, set_language

ACTIVE = "(() => { const e = document.activeElement; return e ? (e.id || e.className) : null; })()"


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
@pytest.mark.parametrize("lang", ["en", "ko"])
def test_a_failed_submit_moves_focus_to_the_error_summary(page_as, javascript, lang):
    page = page_as("anonymous", java_script_enabled=javascript)
    set_language(page, lang, "/login")
    page.fill("#email", "nobody@example.org")
    with page.expect_navigation():
        page.click("main form button[type=submit]")  # no password: the form comes back
    assert page.locator(".error-summary").count() == 1
    assert page.evaluate(ACTIVE) == "error-summary"
    assert page.title().startswith("Error: " if lang == "en" else "오류: ")
    # From the summary, the next Tab reaches its first link (to the field in error).
    page.keyboard.press("Tab")
    info = focused(page)
    assert info["tag"] == "a" and info["href"].endswith("#password"), info


def test_a_message_after_a_redirect_takes_the_focus_and_tab_goes_on(page_as):
    page = page_as("member", java_script_enabled=False)
    set_language(page, "en", "/account")
    with page.expect_navigation():
        page.click("main form[method=post] button[type=submit]")
    assert page.url.endswith("/account")
    assert page.locator(".flash").inner_text().strip() == "Your profile is saved."
    assert page.evaluate(ACTIVE) == "flash-group"
    name = page.evaluate(
        """(() => { const g = document.activeElement;
            return g.getAttribute('aria-labelledby').split(' ')
              .map(id => document.getElementById(id).textContent.trim()).join(' '); })()"""
    )
    assert name == "Your profile is saved."
    page.keyboard.press("Tab")
    in_main = page.evaluate("document.getElementById('main').contains(document.activeElement)")
    assert in_main, focused(page)


def test_the_skip_link_jumps_past_the_filters_to_the_first_result(page_as):
    page = page_as("member")
    set_language(page, "en", "/directory")
    page.locator("a.skip-to-results").focus()
    page.keyboard.press("Enter")
    assert page.evaluate(ACTIVE) == "results-title"
    page.keyboard.press("Tab")
    info = focused(page)
    first = page.locator(".cards .card h3 a").first.get_attribute("href")
    assert info["tag"] == "a" and info["href"].endswith(first), info


def _boxes(page, selector: str) -> list[dict]:
    found = page.locator(selector)
    return [found.nth(i).bounding_box() for i in range(found.count())]


def test_checkbox_grids_run_in_rows_like_the_tab_order(page_as):
    page = page_as("official")
    set_language(page, "en", "/organizations/new")
    boxes = _boxes(page, "#sectors input[type=checkbox]")
    assert len(boxes) >= 4
    left = min(b["x"] for b in boxes)
    rows = 1
    for before, after in pairwise(boxes):
        same_row = abs(after["y"] - before["y"]) < 2
        if same_row:
            assert after["x"] > before["x"], (before, after)  # left to right
        else:
            rows += 1
            assert after["y"] > before["y"], (before, after)  # then the next row down
            assert abs(after["x"] - left) < 2, (before, after)  # starting at the left
    assert rows < len(boxes), "every checkbox on its own row: the test proves nothing"
    # The DOM order is the tab order: Tab from one checkbox reaches the next.
    ids = page.eval_on_selector_all("#sectors input[type=checkbox]", "els => els.map(e => e.id)")
    page.focus(f"#{ids[0]}")
    page.keyboard.press("Tab")
    assert focused(page)["id"] == ids[1]


@pytest.mark.parametrize("selector", [".tag", ".filters"])
def test_pills_and_the_filter_panel_keep_a_border_in_forced_colours(page_as, selector):
    page = page_as("member", forced_colors="active")
    set_language(page, "en", "/directory")
    assert page.evaluate("matchMedia('(forced-colors: active)').matches")
    style = page.locator(selector).first.evaluate(
        """e => { const s = getComputedStyle(e);
           return {width: parseFloat(s.borderTopWidth), style: s.borderTopStyle,
                   colour: s.borderTopColor}; }"""
    )
    assert style["width"] > 0 and style["style"] == "solid", style
    assert style["colour"] not in ("transparent", "rgba(0, 0, 0, 0)"), style
