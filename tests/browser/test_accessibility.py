"""Every page of the directory, profile and account flows passes axe-core (WCAG 2.1 A/AA)
with zero violations, in English and in Korean, including pages showing form errors."""

from __future__ import annotations

import pytest
from browser.browsing import assert_no_axe_violations, set_language


def _submit(page) -> None:
    with page.expect_navigation() as navigation:
        page.click("main form[method=post] button[type=submit]")
    # Invalid submissions answer 422 (or 200 with the errors shown), never a 5xx.
    assert navigation.value.status in (200, 422), navigation.value.status


def _submit_empty(page) -> None:
    _submit(page)
    assert page.locator(".error-summary").count() == 1, "the empty form showed no errors"


def _clear_name_and_submit(page) -> None:
    page.fill("#name", "")
    _submit_empty(page)


# (name, role, path, action after loading). Paths may name {city} and {company}.
PAGES = [
    ("home", "anonymous", "/", None),
    ("login", "anonymous", "/login", None),
    ("login-errors", "anonymous", "/login", _submit_empty),
    ("join", "anonymous", "/join", None),
    ("join-errors", "anonymous", "/join", _submit_empty),
    ("forgot-password", "anonymous", "/forgot-password", None),
    ("forgot-password-errors", "anonymous", "/forgot-password", _submit_empty),
    ("pending", "pending", "/pending", None),
    ("directory", "member", "/directory", None),
    (
        "directory-filtered",
        "member",
        "/directory?kind=city&sector=welfare&region=europe&award_year=2023",
        None,
    ),
    ("directory-no-results", "member", "/directory?q=zzqxnothingmatches", None),
    ("directory-bad-filter", "member", "/directory?sector=nonsense&page=x", None),
    ("profile-with-awards", "member", "/organizations/{city}", None),
    ("profile-company", "member", "/organizations/{company}", None),
    ("account", "member", "/account", None),
    ("change-password", "member", "/account/password", None),
    ("change-password-errors", "member", "/account/password", _submit_empty),
    ("delete-account", "member", "/account/delete", None),
    ("profile-as-admin", "admin", "/organizations/{city}", None),
    ("edit-organisation", "admin", "/organizations/{city}/edit", None),
    ("edit-organisation-errors", "admin", "/organizations/{city}/edit", _clear_name_and_submit),
    ("profile-as-official", "official", "/organizations/{city}", None),
    ("new-organisation", "official", "/organizations/new", None),
    ("new-organisation-errors", "official", "/organizations/new", _submit_empty),
    ("record-award", "official", "/organizations/{city}/awards/new", None),
    ("invite", "official", "/organizations/{city}/invite", None),
    ("invite-errors", "official", "/organizations/{city}/invite", _submit_empty),
    ("join-requests", "official", "/admin/join-requests", None),
    ("invitations", "official", "/admin/invitations", None),
    ("audit-log", "official", "/admin/audit", None),
    ("outbox", "official", "/outbox", None),
    ("api-docs", "official", "/api/v1/docs", None),
    ("error-404", "member", "/organizations/999999", None),
]


EXPECTED_STATUS = {"directory-bad-filter": 422, "error-404": 404}


@pytest.mark.parametrize("lang", ["en", "ko"])
@pytest.mark.parametrize(("name", "role", "path", "action"), PAGES, ids=[p[0] for p in PAGES])
def test_page_passes_axe(page_as, live_server, lang, name, role, path, action):
    page = page_as(role)
    seeded = live_server.seeded
    target = path.format(city=seeded.city_id, company=seeded.company_id)
    response = set_language(page, lang, target)
    assert page.url.endswith(target), f"{name}: expected {target}, landed on {page.url}"
    assert response.status == EXPECTED_STATUS.get(name, 200), f"{name}: {response.status}"
    assert page.locator("html").get_attribute("lang") == lang
    if action is not None:
        action(page)
        assert page.locator("main").count() == 1
    assert page.locator("h1").count() == 1, f"{name}: expected one h1"
    assert_no_axe_violations(page, f"{name} ({lang})")


NARROW = [
    p
    for p in PAGES
    if p[0]
    in {
        "home",
        "join-errors",
        "directory",
        "profile-with-awards",
        "edit-organisation-errors",
        "join-requests",
        "invitations",
        "audit-log",
        "outbox",
        "api-docs",
    }
]


@pytest.mark.parametrize(("name", "role", "path", "action"), NARROW, ids=[p[0] for p in NARROW])
def test_page_passes_axe_on_a_phone(page_as, live_server, name, role, path, action):
    """At 390 CSS pixels wide tables scroll inside their box: that box must be reachable by
    keyboard (axe: scrollable-region-focusable), and nothing may overlap."""
    page = page_as(role, viewport={"width": 390, "height": 844}, is_mobile=True)
    target = path.format(city=live_server.seeded.city_id, company=live_server.seeded.company_id)
    set_language(page, "ko", target)
    if action is not None:
        action(page)
    assert_no_axe_violations(page, f"{name} (ko, 390px)")
