"""Pilots walkthroughs in a real browser, each a person's whole path through the HTML pages:

1. a company member finds an open call, submits a proposal, edits it and withdraws it with
   JavaScript turned off (in English and once in Korean);
2. a Seoul official approves a city's selection with the keyboard only and reaches the new
   partnership's workspace; and sends another selection back with a reason, keyboard only;
3. the city consents to publishing a completed partnership's outcome and an official
   publishes it to Results (once by keyboard, once without JavaScript); a visitor then sees it
   on /results, until the official unpublishes it or the city withdraws its consent.

The data is seeded once through the pilots factory on organisations the shared seed already
has but no other test uses ("Browser City 1", "Browser Company 5"), with people of their own,
so the notifications these moves send reach no one another test counts.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from browser.browsing import assert_no_axe_violations, focused, set_language, tab_until
from flask_babel import force_locale, gettext
from pilots.conftest import PilotFactory
from sqlalchemy import select

from seoul_platform.db import db
from seoul_platform.members.models import Organization
from seoul_platform.pilots.labels import INTEREST_STATUS_LABELS, STATUS_LABELS
from seoul_platform.pilots.models import (
    Interest,
    InterestStatus,
    Partnership,
    PilotRequest,
    RequestStatus,
)
from support import Factory

CITY_EMAIL = "walk3-city@browser-city-one.example"
COMPANY_EMAIL = "walk3-company@browser-company-five.example"
LANGS = ("en", "ko")


@pytest.fixture(scope="module")
def walk(live_server) -> SimpleNamespace:
    """Open calls (one per language), two selections awaiting approval and two completed
    partnerships without consent, of Browser City 1 with Browser Company 5."""
    app = live_server.app
    with app.app_context():
        org = {o.name: o for o in db.session.scalars(select(Organization))}
        city, company = org["Browser City 1"], org["Browser Company 5"]
        pilots, make = PilotFactory(), Factory(app)
        make.user(city, email=CITY_EMAIL, name="Wally Walkthrough")
        make.user(company, email=COMPANY_EMAIL, name="Cora Walkthrough")
        calls = {
            lang: pilots.request(city, "open", title=f"Walkthrough call for lift sensors {lang}")
            for lang in LANGS
        }
        selections = {}
        for name in ("approve", "send_back"):
            req = pilots.request(city, "partner_selected", title=f"Walkthrough selection to {name}")
            pilots.interest(req, company, "selected")
            selections[name] = req.id
        outcomes = {}
        for name in ("keyboard", "nojs"):
            p = pilots.partnership(
                pilots.request(city, "draft", title=f"Walkthrough outcome by {name}"),
                company,
                status="completed",
            )
            p.outcome_summary = f"Lift outages fell by a third ({name})."
            p.lessons_learned = "Ask the caretakers first."
            outcomes[name] = p.id
        db.session.commit()
        data = SimpleNamespace(
            calls={lang: r.id for lang, r in calls.items()},
            call_titles={lang: r.title for lang, r in calls.items()},
            selections=selections,
            outcomes=outcomes,
        )
        db.session.remove()
    emails = live_server.seeded.emails
    emails.setdefault("walk_city", CITY_EMAIL)
    emails.setdefault("walk_company", COMPANY_EMAIL)
    return data


def _t(live_server, lang: str, text, **values) -> str:
    """What the page says in ``lang`` (the app's own catalogue, so the test fails if the
    page shows another message, not if a translation is reworded)."""
    with live_server.app.test_request_context(), force_locale(lang):
        return gettext(text, **values) if isinstance(text, str) else str(text)


def _flash(page) -> str:
    return page.locator(".flashes").inner_text().strip()


def _stored(live_server, model, row_id: int):
    with live_server.app.app_context():
        row = db.session.get(model, row_id)
        db.session.expunge(row)
        db.session.remove()
    return row


def _press(page, key: str) -> None:
    with page.expect_navigation():
        page.keyboard.press(key)


# ---- 1. a proposal without JavaScript -------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_a_company_member_proposes_edits_and_withdraws_without_javascript(
    page_as, live_server, walk, lang
):
    call_id, title = walk.calls[lang], walk.call_titles[lang]
    page = page_as("walk_company", java_script_enabled=False)
    set_language(page, lang, "/pilots/calls")
    assert page.locator("html").get_attribute("lang") == lang
    # Find the call with the list's own search form (a GET form: no script needed).
    page.fill("#f-q", title)
    with page.expect_navigation():
        page.click("form.filters button[type=submit]")
    with page.expect_navigation():
        page.click(f"main a[href$='/pilots/requests/{call_id}']")
    assert page.locator("h1").inner_text() == title
    with page.expect_navigation():
        page.click(f"main a[href$='/pilot-requests/{call_id}/proposals/new']")
    page.fill("#approach", "Sensors in every lift; the caretaker is called first.")
    page.fill("#team", "An engineer and two caretakers.")
    page.fill("#cost_amount", "64000")
    page.fill("#duration_months", "8")
    assert page.input_value("#currency") == "EUR"  # the call's currency, chosen already
    with page.expect_navigation() as navigation:
        page.click("main form[method=post] button[type=submit]")
    assert navigation.value.status == 200
    assert "/proposals/" in page.url
    interest_id = int(page.url.rsplit("/", 1)[1])
    assert _flash(page) == _t(live_server, lang, "Your proposal is submitted.")
    status = page.locator("main .status")
    assert status.inner_text() == _t(live_server, lang, INTEREST_STATUS_LABELS["submitted"])
    assert "64,000 EUR" in page.locator("main").inner_text()

    with page.expect_navigation():
        page.click(f"main a[href$='/proposals/{interest_id}/edit']")
    assert page.input_value("#cost_amount") == "64000"
    page.fill("#cost_amount", "58500")
    with page.expect_navigation() as navigation:
        page.click("main form[method=post] button[type=submit]")
    assert navigation.value.status == 200
    assert page.url.endswith(f"/proposals/{interest_id}")
    assert _flash(page) == _t(live_server, lang, "Your proposal is saved.")
    assert "58,500 EUR" in page.locator("main").inner_text()

    with page.expect_navigation():
        page.click(f"form[action$='/proposals/{interest_id}/withdraw'] button[type=submit]")
    assert _flash(page) == _t(live_server, lang, "Your proposal is withdrawn.")
    assert status.inner_text() == _t(live_server, lang, INTEREST_STATUS_LABELS["withdrawn"])
    assert page.locator(f"a[href$='/proposals/{interest_id}/edit']").count() == 0
    stored = _stored(live_server, Interest, interest_id)
    assert stored.request_id == call_id
    assert stored.status == InterestStatus.WITHDRAWN
    assert (stored.cost_amount, stored.duration_months) == (58500, 8)


# ---- 2. an official decides on a selection, keyboard only -----------------------------------


def test_an_official_approves_a_selection_with_the_keyboard_only(page_as, live_server, walk):
    req_id = walk.selections["approve"]
    page = page_as("official")
    set_language(page, "en", f"/pilots/requests/{req_id}")
    tab_until(page, lambda i: i["href"].endswith(f"/pilot-requests/{req_id}/proposals"), 150)
    _press(page, "Enter")
    tab_until(page, lambda i: i["href"].endswith(f"/pilot-requests/{req_id}/approval"))
    _press(page, "Enter")
    assert page.locator("h1").inner_text() == "Review the city's selection"
    tab_until(page, lambda i: i["id"] == "decision-0")  # "Approve … create the partnership"
    page.keyboard.press("Space")
    assert page.is_checked("#decision-0")
    tab_until(page, lambda i: i["tag"] == "button" and i["text"] == "Record the decision")
    _press(page, "Enter")
    assert page.url.endswith(f"/pilot-requests/{req_id}/proposals")
    assert _flash(page) == "The partnership is approved."
    assert "Status: In progress" in page.locator("main").inner_text()
    # The new partnership's workspace is one link away (and only then: no approval link).
    assert page.locator(f"a[href$='/pilot-requests/{req_id}/approval']").count() == 0
    workspace = tab_until(page, lambda i: "/partnerships/" in i["href"])
    assert workspace["text"] == "Partnership: Walkthrough selection to approve"
    _press(page, "Enter")
    assert page.locator("h1").inner_text() == "Partnership: Walkthrough selection to approve"
    assert page.locator("main .meta strong").inner_text() == "In progress"
    partnership_id = int(page.url.rsplit("/", 1)[1])
    stored = _stored(live_server, Partnership, partnership_id)
    assert stored.request_id == req_id and stored.approved_by_id is not None
    assert _stored(live_server, PilotRequest, req_id).status == RequestStatus.IN_PROGRESS
    # The request page links the workspace too (for the parties, from their proposal).
    set_language(page, "en", f"/pilots/requests/{req_id}")
    assert page.locator("main .meta strong").inner_text() == "In progress"
    link = page.locator("#partnership-panel-title a")
    assert link.get_attribute("href").endswith(f"/partnerships/{partnership_id}")
    assert_no_axe_violations(page, "request page with its partnership")


def test_an_official_sends_a_selection_back_with_the_keyboard_only(page_as, live_server, walk):
    req_id = walk.selections["send_back"]
    page = page_as("official")
    set_language(page, "en", f"/pilot-requests/{req_id}/approval")
    # No option is chosen: Tab enters the group at its first radio ("Approve"), Shift+Tab
    # from the reason comes back to it, and the arrow key moves to (and chooses) the second,
    # "Send the selection back", as in any radio group.
    tab_until(page, lambda i: i["id"] == "reason")
    page.keyboard.press("Shift+Tab")
    assert focused(page)["id"] == "decision-0"
    assert not page.is_checked("#decision-0")
    page.keyboard.press("ArrowDown")
    assert focused(page)["id"] == "decision-1"
    assert page.is_checked("#decision-1") and not page.is_checked("#decision-0")
    page.keyboard.press("Tab")
    assert focused(page)["id"] == "reason"
    page.keyboard.type("Name the third partner, please.")
    tab_until(page, lambda i: i["tag"] == "button" and i["text"] == "Record the decision")
    _press(page, "Enter")
    assert page.url.endswith(f"/pilot-requests/{req_id}/proposals")
    assert _flash(page) == "The selection is sent back to the city."
    assert "Status: Proposals closed" in page.locator("main").inner_text()
    assert page.locator(".status-shortlisted").count() == 1
    assert page.locator("a[href*='/partnerships/']").count() == 0
    assert _stored(live_server, PilotRequest, req_id).status == RequestStatus.CLOSED
    set_language(page, "en", f"/pilots/requests/{req_id}/history")
    assert "Name the third partner, please." in page.locator("main").inner_text()


# ---- 3. consent and publication -------------------------------------------------------------


def _public(page_as, partnership_id: int, title: str) -> tuple[bool, int]:
    """Whether a signed-out visitor finds the outcome on /results, and the status of its
    own page."""
    visitor = page_as("anonymous", java_script_enabled=False)
    set_language(visitor, "en", "/results")
    listed = visitor.locator(f"main a[href$='/results/{partnership_id}']")
    found = listed.count() == 1 and listed.inner_text() == title
    status = visitor.goto(f"/results/{partnership_id}").status
    return found, status


def _keyboard_press_button(page, text: str) -> None:
    tab_until(page, lambda i: i["tag"] == "button" and i["text"] == text, limit=150)
    _press(page, "Enter")


def test_consent_and_publication_with_the_keyboard_only(page_as, live_server, walk):
    pid = walk.outcomes["keyboard"]
    title = "Walkthrough outcome by keyboard"
    city = page_as("walk_city")
    set_language(city, "en", f"/partnerships/{pid}")
    assert "has not consented" in city.locator("#results").inner_text()
    assert city.locator("#results button").all_inner_texts() == [
        "Consent to publishing the outcome"
    ]
    _keyboard_press_button(city, "Consent to publishing the outcome")
    assert _flash(city) == "The city consents to publishing the outcome."
    assert city.locator("#results button").inner_text() == "Withdraw consent to publish"
    assert _public(page_as, pid, title) == (False, 404)  # consent alone publishes nothing

    official = page_as("official")
    set_language(official, "en", f"/partnerships/{pid}")
    _keyboard_press_button(official, "Publish the outcome")
    assert _flash(official) == "The outcome is published on the Results page."
    assert (
        "The outcome is published on the Results page since"
        in official.locator("#results").inner_text()
    )
    stored = _stored(live_server, PilotRequest, _stored(live_server, Partnership, pid).request_id)
    assert stored.publish_consent and stored.published_at is not None
    assert _public(page_as, pid, title) == (True, 200)

    _keyboard_press_button(official, "Unpublish the outcome")
    assert _flash(official) == "The outcome is no longer public."
    assert official.locator("#results button").all_inner_texts() == ["Publish the outcome"]
    assert _public(page_as, pid, title) == (False, 404)


def test_consent_publication_and_withdrawal_without_javascript(page_as, live_server, walk):
    pid = walk.outcomes["nojs"]
    title = "Walkthrough outcome by nojs"
    city = page_as("walk_city", java_script_enabled=False)
    set_language(city, "en", f"/partnerships/{pid}")
    with city.expect_navigation():
        city.click("#results button:has-text('Consent to publishing the outcome')")
    assert _flash(city) == "The city consents to publishing the outcome."

    official = page_as("official", java_script_enabled=False)
    set_language(official, "en", f"/partnerships/{pid}")
    assert official.locator("main .meta strong").inner_text() == str(STATUS_LABELS["completed"])
    with official.expect_navigation():
        official.click("#results button:has-text('Publish the outcome')")
    assert _flash(official) == "The outcome is published on the Results page."
    assert _public(page_as, pid, title) == (True, 200)

    # The city changes its mind: withdrawing consent takes the outcome off Results at once.
    set_language(city, "en", f"/partnerships/{pid}")
    with city.expect_navigation():
        city.click("#results button:has-text('Withdraw consent to publish')")
    assert _flash(city) == "Consent is withdrawn; the outcome is not public."
    assert "has not consented" in city.locator("#results").inner_text()
    assert _public(page_as, pid, title) == (False, 404)
    stored = _stored(live_server, PilotRequest, _stored(live_server, Partnership, pid).request_id)
    assert not stored.publish_consent and stored.published_at is None
