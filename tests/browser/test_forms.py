"""Forms tie their errors to the fields: after an invalid submission every invalid field has
aria-invalid="true" and aria-describedby naming an element that holds its error text, and the
error summary links to fields that exist."""

from __future__ import annotations

import pytest
from browser.browsing import set_language

# Collect, in the page, what each invalid control points at.
LINKED_ERRORS = """() => {
  const ids = el => (el.getAttribute('aria-describedby') || '').split(/\\s+/).filter(Boolean);
  const text = id => {
    const el = document.getElementById(id);
    return el ? el.innerText.trim() : null;
  };
  const isError = id => {
    const el = document.getElementById(id);
    return !!el && el.classList.contains('error');
  };
  const invalid = [...document.querySelectorAll('[aria-invalid="true"]')].map(el => ({
    id: el.id, describedby: ids(el), texts: ids(el).map(text), errorIds: ids(el).filter(isError),
  }));
  const messages = [...document.querySelectorAll('main .error')]
    .map(e => ({id: e.id, text: e.innerText.trim()}));
  const described = new Set([...document.querySelectorAll('[aria-describedby]')].flatMap(ids));
  const summaryLinks = [...document.querySelectorAll('.error-summary a[href^="#"]')]
    .map(a => a.getAttribute('href'))
    .map(href => ({href, exists: !!document.getElementById(href.slice(1))}));
  return {invalid, messages, described: [...described], summaryLinks};
}"""


def _fill_edit_name(page) -> None:
    page.fill("#name", "")


def _fill_join_mismatch(page) -> None:
    page.fill("#name", "Mismatch Ltd")
    page.fill("#email", "not-an-email")
    page.fill("#password", "short")
    page.fill("#confirm", "different")


def _fill_change_password_wrong(page) -> None:
    page.fill("#current_password", "not the current password at all")
    page.fill("#password", "another long password 12345")
    page.fill("#confirm", "a different long password 12345")


FORMS = [
    # (name, role, path, how to make it invalid, fields that must be flagged)
    ("login", "anonymous", "/login", None, {"email", "password"}),
    ("join-empty", "anonymous", "/join", None, {"name", "country", "person_name", "email"}),
    ("join-mismatch", "anonymous", "/join", _fill_join_mismatch, {"email", "confirm"}),
    ("forgot-password", "anonymous", "/forgot-password", None, {"email"}),
    ("change-password", "member", "/account/password", None, {"current_password"}),
    (
        "change-password-mismatch",
        "member",
        "/account/password",
        _fill_change_password_wrong,
        {"confirm"},
    ),
    ("edit-organisation", "admin", "/organizations/{city}/edit", _fill_edit_name, {"name"}),
    ("new-organisation", "official", "/organizations/new", None, {"name", "country"}),
    ("invite", "official", "/organizations/{city}/invite", None, {"email"}),
    ("record-award", "official", "/organizations/{city}/awards/new", None, {"year"}),
]


@pytest.mark.parametrize("lang", ["en", "ko"])
@pytest.mark.parametrize(
    ("name", "role", "path", "prepare", "expected"), FORMS, ids=[f[0] for f in FORMS]
)
def test_errors_are_linked_to_their_fields(
    page_as, live_server, lang, name, role, path, prepare, expected
):
    page = page_as(role)
    set_language(page, lang, path.format(city=live_server.seeded.city_id))
    if prepare is not None:
        prepare(page)
    with page.expect_navigation() as navigation:
        page.click("main form[method=post] button[type=submit]")
    assert navigation.value.status in (200, 422)
    found = page.evaluate(LINKED_ERRORS)

    invalid = {f["id"]: f for f in found["invalid"]}
    assert expected <= set(invalid), f"{name}: flagged {sorted(invalid)}, expected {expected}"
    for field_id, info in invalid.items():
        assert info["errorIds"], f"{name}: #{field_id} is invalid but describes no error: {info}"
        for error_id in info["errorIds"]:
            text = info["texts"][info["describedby"].index(error_id)]
            assert text, f"{name}: #{field_id} points at an empty error #{error_id}"
        assert all(t is not None for t in info["texts"]), f"{name}: dangling id in {info}"
    # No orphan messages: every error shown beside a field is announced with that field.
    for message in found["messages"]:
        assert message["id"] in found["described"], f"{name}: error not linked: {message}"
    # The summary lists the problems and each link lands on a real field.
    assert page.locator(".error-summary").count() == 1
    assert page.locator(".error-summary").get_attribute("role") == "alert"
    for link in found["summaryLinks"]:
        assert link["exists"], f"{name}: summary link to a missing element {link['href']}"
    assert len(found["summaryLinks"]) >= len(expected)


def test_summary_link_moves_focus_to_the_field(page, live_server):
    page.goto("/forgot-password")
    with page.expect_navigation():
        page.click("main form[method=post] button[type=submit]")
    page.click(".error-summary a[href='#email']")
    assert page.evaluate("document.activeElement.id") == "email"


def test_wrong_password_is_reported_without_revealing_which_part(page, live_server):
    page.goto("/login")
    page.fill("#email", live_server.seeded.emails["member"])
    page.fill("#password", "a wrong password entirely")
    with page.expect_navigation() as navigation:
        page.click("main form[method=post] button[type=submit]")
    assert navigation.value.status == 422
    summary = page.locator(".error-summary")
    assert summary.count() == 1 and summary.inner_text().strip()
    assert page.input_value("#email") == live_server.seeded.emails["member"]
    assert page.input_value("#password") == ""  # never echoed back


def test_directory_filter_errors_name_and_link_the_filters(page_as, live_server):
    page = page_as("member")
    response = set_language(page, "en", "/directory?sector=nonsense&award_year=1900&page=x")
    assert response.status == 422
    summary = page.locator(".error-summary")
    assert summary.get_attribute("role") == "alert"
    links = summary.locator("a")
    assert sorted(links.all_inner_texts()) == ["Award year", "Sector"]  # labels, not names
    for href in links.evaluate_all("els => els.map(a => a.getAttribute('href'))"):
        assert page.locator(href).count() == 1, f"summary links to a missing field {href}"
    # The results are still shown, with the bad filters ignored.
    assert page.locator(".cards .card").count() > 0
