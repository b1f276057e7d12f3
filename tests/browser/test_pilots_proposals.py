"""Proposal and selection pages in a real browser: axe-clean in English and Korean (forms,
forms with errors, the proposal page for the proposer and the city, the proposals list with
scores, scoring, selection and approval), a keyboard-only submission of a proposal, and a
no-JavaScript walkthrough of scoring and selecting a partner.

The data is seeded once in the live server's own database, on organisations the shared seed
already has (so other browser tests' counts of organisations do not change)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from browser.browsing import assert_no_axe_violations, focused, set_language, tab_until
from pilots.conftest import PilotFactory
from sqlalchemy import select

from seoul_platform.db import db
from seoul_platform.members.models import Organization
from seoul_platform.pilots.models import Interest, InterestScore, PilotRequest
from support import PASSWORD, Factory

KEYBOARD_EMAIL = "keyboard@browser-company.example"


@pytest.fixture(scope="module")
def data(live_server):
    app = live_server.app
    with app.app_context():
        org = {o.name: o for o in db.session.scalars(select(Organization))}
        city = org["Testville Browser City"]
        acme = org["Acme Browser Twins"]
        rival = org["Browser Company 2"]
        institution = org["Browser Institution 3"]
        pilots, make = PilotFactory(), Factory(app)
        if db.session.scalar(select(PilotRequest).where(PilotRequest.title == "Browser call A")):
            pytest.skip("seeded already by an earlier module run")
        make.user(rival, email=KEYBOARD_EMAIL, name="Kay Board")
        open_a = pilots.request(city, "open", title="Browser call A")
        open_b = pilots.request(city, "open", title="Browser call B")
        closed = pilots.request(city, "closed", title="Browser closed call")
        walk = pilots.request(city, "closed", title="Browser walkthrough call")
        chosen = pilots.request(city, "partner_selected", title="Browser selected call")
        mine = pilots.interest(open_a, acme)
        scored = pilots.interest(closed, acme, "shortlisted")
        unscored = pilots.interest(closed, rival)
        for c, score in zip(closed.criteria, (8, 6), strict=True):
            db.session.add(InterestScore(interest_id=scored.id, criterion_id=c.id, score=score))
        walk_a = pilots.interest(walk, acme)
        walk_b = pilots.interest(walk, rival)
        pilots.interest(chosen, acme, "selected", third_party_id=institution.id)
        db.session.commit()
        live_server.seeded.emails.setdefault("company_admin", "admin@browser-twins.example")
        return SimpleNamespace(
            open_a=open_a.id,
            open_b=open_b.id,
            closed=closed.id,
            walk=walk.id,
            chosen=chosen.id,
            mine=mine.id,
            scored=scored.id,
            unscored=unscored.id,
            walk_a=walk_a.id,
            walk_b=walk_b.id,
        )


def _submit(page) -> None:
    with page.expect_navigation() as navigation:
        page.click("main form[method=post] button[type=submit]")
    assert navigation.value.status in (200, 422), navigation.value.status
    assert page.locator(".error-summary").count() == 1, "the empty form showed no errors"


def _clear_and_submit(page) -> None:
    page.fill("#approach", "")
    page.fill("#cost_amount", "10000000000000")
    page.fill("#duration_months", "0")
    _submit(page)


def _submit_scores_badly(page) -> None:
    _submit(page)  # nothing scored


def _send_back_without_reason(page) -> None:
    page.check("input[name=decision][value=send_back]")
    _submit(page)


PAGES = [
    ("proposal-form", "company_admin", "/pilot-requests/{open_b}/proposals/new", None),
    ("proposal-form-errors", "company_admin", "/pilot-requests/{open_b}/proposals/new", _submit),
    ("proposal-edit", "company_admin", "/proposals/{mine}/edit", None),
    ("proposal-edit-errors", "company_admin", "/proposals/{mine}/edit", _clear_and_submit),
    ("proposal-as-proposer", "company_admin", "/proposals/{mine}", None),
    ("my-proposals", "company_admin", "/proposals", None),
    ("proposal-as-city", "member", "/proposals/{scored}", None),
    ("proposals-list-scored", "member", "/pilot-requests/{closed}/proposals", None),
    ("proposals-sealed", "member", "/pilot-requests/{open_a}/proposals", None),
    ("scoring-form", "member", "/proposals/{unscored}/scores", None),
    ("scoring-form-errors", "member", "/proposals/{unscored}/scores", _submit_scores_badly),
    ("selection-form", "member", "/pilot-requests/{closed}/selection", None),
    ("approval-form", "official", "/pilot-requests/{chosen}/approval", None),
    (
        "approval-form-errors",
        "official",
        "/pilot-requests/{chosen}/approval",
        _send_back_without_reason,
    ),
    ("proposals-list-official", "official", "/pilot-requests/{chosen}/proposals", None),
]


@pytest.mark.parametrize("lang", ["en", "ko"])
@pytest.mark.parametrize(("name", "role", "path", "action"), PAGES, ids=[p[0] for p in PAGES])
def test_page_passes_axe(page_as, data, lang, name, role, path, action):
    page = page_as(role)
    target = path.format(**vars(data))
    response = set_language(page, lang, target)
    assert page.url.endswith(target), f"{name}: expected {target}, landed on {page.url}"
    assert response.status == 200, f"{name}: {response.status}"
    assert page.locator("html").get_attribute("lang") == lang
    if action is not None:
        action(page)
    assert page.locator("h1").count() == 1, f"{name}: expected one h1"
    assert_no_axe_violations(page, f"{name} ({lang})")


def _sign_in(page, email: str) -> None:
    page.goto("/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert "/login" not in page.url


def test_submit_a_proposal_with_the_keyboard_only(new_context, live_server, data):
    page = new_context().new_page()
    _sign_in(page, KEYBOARD_EMAIL)
    set_language(page, "en", f"/pilot-requests/{data.open_b}/proposals/new")
    tab_until(page, lambda f: f["id"] == "approach")
    page.keyboard.type("Reminders by text message, then a call from a nurse.")
    page.keyboard.press("Tab")
    assert focused(page)["id"] == "team"
    page.keyboard.type("Two engineers and a nurse.")
    tab_until(page, lambda f: f["id"] == "cost_amount")
    page.keyboard.type("80000")
    page.keyboard.press("Tab")
    assert focused(page)["id"] == "currency"  # EUR, the call's currency, is chosen already
    page.keyboard.press("Tab")
    assert focused(page)["id"] == "duration_months"
    page.keyboard.type("9")
    tab_until(
        page, lambda f: f["tag"] == "button" and f["type"] == "submit" and "proposal" in f["text"]
    )
    with page.expect_navigation() as navigation:
        page.keyboard.press("Enter")
    assert navigation.value.status == 200
    assert "/proposals/" in page.url
    assert page.locator(".status-submitted").count() == 1
    with live_server.app.app_context():
        row = db.session.scalar(
            select(Interest).where(
                Interest.request_id == data.open_b, Interest.cost_amount == 80000
            )
        )
        assert row is not None and row.duration_months == 9 and row.currency == "EUR"


def test_score_and_select_without_javascript(new_context, live_server, data):
    page = new_context(java_script_enabled=False).new_page()
    _sign_in(page, live_server.seeded.emails["member"])
    # English whatever language other tests left as this person's preference.
    set_language(page, "en", f"/pilot-requests/{data.walk}/proposals")
    with page.expect_navigation():
        page.click(f"main a[href$='/proposals/{data.walk_b}']")
    with page.expect_navigation():
        page.click(f"main a[href$='/proposals/{data.walk_b}/scores']")
    selects = page.locator("main select")
    assert selects.count() == 2
    selects.nth(0).select_option("7")
    selects.nth(1).select_option("9")
    page.locator("main textarea").first.fill("Clear and affordable.")
    with page.expect_navigation() as navigation:
        page.click("main form[method=post] button[type=submit]")
    assert navigation.value.status == 200
    assert page.locator("main").get_by_text("78 of 100").count() == 1  # 60*7/10 + 40*9/10
    with page.expect_navigation():
        page.click("main button:has-text('Put on the shortlist')")
    assert page.locator(".status-shortlisted").count() == 1
    with page.expect_navigation():
        page.click("main a:has-text('Select as partner')")
    assert page.locator(f"input[name=interest_id][value='{data.walk_b}']").is_checked()
    page.select_option("#third_party_id", label="Browser Institution 3")
    with page.expect_navigation() as navigation:
        page.click("main form[method=post] button[type=submit]")
    assert navigation.value.status == 200
    assert page.url.endswith(f"/pilot-requests/{data.walk}/proposals")
    with live_server.app.app_context():
        req = db.session.get(PilotRequest, data.walk)
        chosen = db.session.get(Interest, data.walk_b)
        assert req.status.value == "partner_selected" and chosen.status.value == "selected"
        assert chosen.third_party_id is not None
