"""Screenshots of the main pages (English and Korean, desktop and phone widths) for people to
look at, under test-artifacts/screenshots/; and the layout reflows on narrow screens (WCAG
1.4.10: no sideways scrolling of the page at 320 CSS pixels)."""

from __future__ import annotations

import pytest
from browser.browsing import screenshot, set_language

SCREENS = [
    ("home", "anonymous", "/"),
    ("login", "anonymous", "/login"),
    ("join", "anonymous", "/join"),
    ("directory", "member", "/directory"),
    ("directory-search", "member", "/directory?q=twin"),
    ("profile", "member", "/organizations/{city}"),
    ("account", "member", "/account"),
    ("edit-organisation", "admin", "/organizations/{city}/edit"),
    ("join-requests", "official", "/admin/join-requests"),
    ("audit-log", "official", "/admin/audit"),
    ("api-docs", "official", "/api/v1/docs"),
]
WIDTHS = {"desktop": 1280, "mobile": 390}

PAGE_OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const wide = [...document.querySelectorAll('body *')].filter(el => {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || el.closest('.table-scroll, .visually-hidden, .skip-link')) return false;
    return r.right > width + 1 || r.left < -1;
  }).slice(0, 5).map(el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
      + (el.className ? '.' + String(el.className).replace(/ /g, '.') : ''));
  return {scrollWidth: document.documentElement.scrollWidth, width, wide};
}"""


def _open(page, live_server, path, lang):
    response = set_language(page, lang, path.format(city=live_server.seeded.city_id))
    assert response.status == 200, response.status


@pytest.mark.parametrize("lang", ["en", "ko"])
@pytest.mark.parametrize("device", list(WIDTHS))
@pytest.mark.parametrize(("name", "role", "path"), SCREENS, ids=[s[0] for s in SCREENS])
def test_screenshot_and_no_sideways_scrolling(page_as, live_server, name, role, path, lang, device):
    width = WIDTHS[device]
    page = page_as(
        role,
        viewport={"width": width, "height": 900},
        device_scale_factor=1,
        is_mobile=device == "mobile",
        has_touch=device == "mobile",
    )
    _open(page, live_server, path, lang)
    shot = screenshot(page, f"{name}-{lang}-{device}")
    assert shot.stat().st_size > 5_000  # a rendered page, not an empty image
    overflow = page.evaluate(PAGE_OVERFLOW)
    assert overflow["scrollWidth"] <= overflow["width"], f"{name} scrolls sideways: {overflow}"
    assert not overflow["wide"], f"{name}: elements cross the screen edge: {overflow['wide']}"


@pytest.mark.parametrize(("name", "role", "path"), SCREENS, ids=[s[0] for s in SCREENS])
def test_reflows_at_320_css_pixels(page_as, live_server, name, role, path):
    page = page_as(role, viewport={"width": 320, "height": 640})
    _open(page, live_server, path, "ko")
    overflow = page.evaluate(PAGE_OVERFLOW)
    assert overflow["scrollWidth"] <= overflow["width"], f"{name} scrolls sideways: {overflow}"
    assert not overflow["wide"], f"{name}: elements cross the screen edge: {overflow['wide']}"
