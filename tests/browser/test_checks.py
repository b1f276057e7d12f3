"""The checks themselves can fail: a page broken on purpose (in the browser only) must be
caught by the axe helper, the focus-visibility check and the reflow check."""

from __future__ import annotations

import pytest
from browser.browsing import assert_no_axe_violations, focus_is_visible, focused, tab_until


def test_axe_helper_reports_each_violation_with_its_target(page, live_server):
    page.goto("/login")
    assert_no_axe_violations(page, "login as served")
    page.evaluate(
        """() => {
          document.querySelector('label[for=email]').remove();
          const img = document.createElement('img');
          img.src = '/static/favicon.svg';
          document.querySelector('main').append(img);
        }"""
    )
    with pytest.raises(AssertionError) as failure:
        assert_no_axe_violations(page, "login, broken")
    message = str(failure.value)
    assert "image-alt (critical)" in message
    assert "label (critical)" in message and "#email" in message


def test_focus_check_catches_a_hidden_focus_ring(page, live_server):
    page.goto("/login")
    info = tab_until(page, lambda i: i["id"] == "email")
    assert focus_is_visible(info)
    page.evaluate(
        """() => document.querySelectorAll('a, input, button').forEach(el => {
             el.style.outline = 'none'; el.style.boxShadow = 'none'; })"""
    )
    page.focus("#password")
    assert not focus_is_visible(focused(page))
    with pytest.raises(AssertionError, match="focus is not visible"):
        tab_until(page, lambda i: i["tag"] == "button")
