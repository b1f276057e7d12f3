"""Languages (`<html lang>` and `dir` follow the chosen language, the switcher keeps the page)
and the core tasks with JavaScript switched off."""

from __future__ import annotations

import pytest
from browser.browsing import set_language

from support import PASSWORD


@pytest.mark.parametrize("lang", ["en", "ko"])
@pytest.mark.parametrize(
    ("role", "path"),
    [
        ("anonymous", "/"),
        ("anonymous", "/login"),
        ("member", "/directory"),
        ("official", "/admin/audit"),
    ],
)
def test_html_lang_and_dir_follow_the_language(page_as, lang, role, path):
    page = page_as(role)
    set_language(page, lang, path)
    html = page.locator("html")
    assert html.get_attribute("lang") == lang
    assert html.get_attribute("dir") == "ltr"  # neither English nor Korean is right-to-left
    # The switcher marks the current language and names each language in itself.
    current = page.locator(".lang-switch [aria-current]")
    assert current.count() == 1 and current.get_attribute("lang") == lang


def test_language_switcher_keeps_the_page_and_query(page_as):
    page = page_as("member")
    set_language(page, "en", "/directory")
    page.goto("/directory?q=digital&kind=company")
    with page.expect_navigation():
        page.click(".lang-switch :is(a, button)[lang=ko]")
    assert page.locator("html").get_attribute("lang") == "ko"
    assert "/directory?" in page.url and "q=digital" in page.url and "kind=company" in page.url
    with page.expect_navigation():
        page.click(".lang-switch :is(a, button)[lang=en]")
    assert page.locator("html").get_attribute("lang") == "en"


@pytest.fixture
def nojs_page(new_context):
    context = new_context(java_script_enabled=False)
    return context.new_page()


def test_sign_in_search_and_open_a_profile_without_javascript(nojs_page, live_server):
    page = nojs_page
    page.goto("/")
    with page.expect_navigation():
        page.click("header a[href$='/login']")
    page.fill("#email", live_server.seeded.emails["member"])
    page.fill("#password", PASSWORD)
    with page.expect_navigation():
        page.click("main form[method=post] button[type=submit]")
    assert page.url.endswith("/directory"), page.url

    page.fill("#f-q", "harbour")
    page.select_option("#f-kind", "city")
    with page.expect_navigation() as navigation:
        page.click("form[role=search] button[type=submit]")
    assert navigation.value.status == 200
    assert "q=harbour" in page.url and "kind=city" in page.url
    link = page.locator(".cards .card h3 a", has_text="Testville Browser City")
    assert link.count() == 1
    with page.expect_navigation():
        link.click()
    assert page.locator("h1").inner_text() == "Testville Browser City"
    assert page.locator(".award").count() == 2

    # Language switch and sign-out are plain links and forms too.
    with page.expect_navigation():
        page.click(".lang-switch :is(a, button)[lang=ko]")
    assert page.locator("html").get_attribute("lang") == "ko"
    with page.expect_navigation():
        page.click("header form[action$='/logout'] button")
    assert page.url.endswith("/login")
    page.goto("/directory")
    assert "/login" in page.url  # signed out for real


def test_forms_show_errors_without_javascript(nojs_page, live_server):
    page = nojs_page
    page.goto("/join")
    with page.expect_navigation() as navigation:
        page.click("main form[method=post] button[type=submit]")
    assert navigation.value.status == 422
    assert page.locator(".error-summary li").count() >= 4
    assert page.locator("#name[aria-invalid=true]").count() == 1
