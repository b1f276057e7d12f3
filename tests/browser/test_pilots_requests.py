"""Pilot request pages in a real browser: axe-clean in English and Korean (the form, the form
with errors, the request page as the city and as an official, the review, the pipeline, the
open calls, the history), and a city member drafting and submitting a request with the
keyboard only, and again with JavaScript turned off."""

from __future__ import annotations

import pytest
from browser.browsing import assert_no_axe_violations, focused, set_language, tab_until
from sqlalchemy import select

from seoul_platform.accounts.models import User
from seoul_platform.db import db, unit_of_work
from seoul_platform.pilots import requests as services
from seoul_platform.pilots import review
from seoul_platform.pilots.lifecycle import SELECTION_CRITERIA
from seoul_platform.pilots.models import PilotRequest, PilotReview, RequestStatus
from seoul_platform.pilots.request_schemas import RequestInput


def _request_input(title: str = "Appointment reminders for older residents") -> RequestInput:
    return RequestInput(
        type="pilot_implementation",
        title=title,
        sectors=["welfare", "mobility"],
        challenge="Older residents miss medical appointments.\nTransport is part of it.",
        policy_needs="A data-sharing agreement with the hospitals.",
        technologies=["text messages", "voice calls"],
        target_groups=["elderly", "disabled"],
        budget_min=50_000,
        budget_max=150_000,
        currency="EUR",
        starts_on="2027-03-01",
        ends_on="2027-12-31",
        languages=["da", "en"],
        kpis=[{"name": "Missed appointments", "unit": "%", "baseline": 18}],
        criteria=[
            {"name": "Approach", "description": "How it works for people.", "weight": 60},
            {"name": "Cost", "weight": 40},
        ],
    )


@pytest.fixture(scope="module")
def seeded_requests(live_server) -> dict[str, int]:
    """A draft, a submitted request (reviewed once), an open call and a closed one of the
    seeded city, made through the services in the live server's own app."""
    app = live_server.app
    emails = live_server.seeded.emails
    data = _request_input()
    ids: dict[str, int] = {}
    with app.app_context():
        member = db.session.scalar(select(User).where(User.email == emails["member"]))
        official = db.session.scalar(select(User).where(User.email == emails["official"]))
        with unit_of_work(write=True):
            ids["draft"] = services.create_request(member, data).id
            for name in ("submitted", "open", "closed"):
                ids[name] = services.create_request(member, data).id
                services.submit_request(member, ids[name])
            review.save_review(
                official,
                ids["submitted"],
                review.ReviewIn(scores={"commitment": 4}, notes={"commitment": "Firm."}),
            )
            review.open_call(official, ids["open"])
            review.open_call(official, ids["closed"])
            review.close_call(official, ids["closed"], "Enough proposals.")
        db.session.remove()
    return ids


def _submit_empty_title(page) -> None:
    page.fill("#title", "")
    with page.expect_navigation() as navigation:
        page.click("button[value=save]")
    assert navigation.value.status == 422
    assert page.locator(".error-summary").count() == 1


PAGES = [
    ("new-request", "member", "/pilots/requests/new", None),
    ("new-request-errors", "member", "/pilots/requests/new", _submit_empty_title),
    ("city-list", "member", "/pilots/requests", None),
    ("draft-as-city", "member", "/pilots/requests/{draft}", None),
    ("edit-draft", "member", "/pilots/requests/{draft}/edit", None),
    ("submitted-as-city", "member", "/pilots/requests/{submitted}", None),
    ("submitted-as-official", "official", "/pilots/requests/{submitted}", None),
    ("review", "official", "/pilots/requests/{submitted}/review", None),
    ("open-call-as-member", "member", "/pilots/requests/{open}", None),
    ("pipeline", "official", "/pilots/pipeline", None),
    ("pipeline-filtered", "official", "/pilots/pipeline?status=open&sector=welfare", None),
    ("open-calls", "member", "/pilots/calls", None),
    ("open-calls-bad-filter", "member", "/pilots/calls?sector=moon&page=x", None),
    ("history", "member", "/pilots/requests/{closed}/history", None),
]


@pytest.mark.parametrize("lang", ["en", "ko"])
@pytest.mark.parametrize(("name", "role", "path", "action"), PAGES, ids=[p[0] for p in PAGES])
def test_pilot_request_pages_pass_axe(page_as, seeded_requests, lang, name, role, path, action):
    page = page_as(role)
    target = path.format(**seeded_requests)
    response = set_language(page, lang, target)
    assert response.status in (200, 422), (name, response.status)
    assert page.evaluate("document.documentElement.lang") == lang
    if action is not None:
        action(page)
    assert_no_axe_violations(page, f"{name} ({lang})")


def test_a_failed_action_on_the_request_page_passes_axe(page_as, seeded_requests):
    page = page_as("official")
    set_language(page, "en", f"/pilots/requests/{seeded_requests['submitted']}")
    with page.expect_navigation() as navigation:
        page.click("form:has(input[value=rejected]) button[type=submit]")
    assert navigation.value.status == 422
    assert page.evaluate("document.activeElement.id") == "error-summary"
    assert_no_axe_violations(page, "request page with a refused action")


def _fill_by_keyboard(page, field_id: str, text: str) -> None:
    tab_until(page, lambda i: i["id"] == field_id, limit=250)
    page.keyboard.type(text)


def test_a_city_member_drafts_and_submits_with_the_keyboard_only(page_as):
    page = page_as("member")
    set_language(page, "en", "/pilots/requests")
    tab_until(page, lambda i: i["tag"] == "a" and i["href"].endswith("/pilots/requests/new"))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    _fill_by_keyboard(page, "title", "Keyboard pilot")
    welfare = page.locator("input[name=sectors][value=welfare]").get_attribute("id")
    tab_until(page, lambda i: i["id"] == welfare)
    page.keyboard.press("Space")
    _fill_by_keyboard(page, "challenge", "Winter roads are dangerous.")
    _fill_by_keyboard(page, "kpis-1-name", "Falls on ice")
    _fill_by_keyboard(page, "criteria-1-name", "Approach")
    _fill_by_keyboard(page, "criteria-1-weight", "100")
    tab_until(page, lambda i: i["tag"] == "button" and i["text"] == "Save draft")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/pilots/requests/" in page.url and page.locator("h1").inner_text() == "Keyboard pilot"
    tab_until(page, lambda i: i["tag"] == "button" and i["text"] == "Submit the request")
    with page.expect_navigation():
        page.keyboard.press("Space")
    assert "Submitted, in review" in page.locator("main").inner_text()
    assert focused(page) is not None  # the flash message took the focus


def test_a_city_member_drafts_and_submits_without_javascript(new_context, signed_in_state):
    context = new_context(java_script_enabled=False, storage_state=signed_in_state("member"))
    page = context.new_page()
    set_language(page, "en", "/pilots/requests/new")
    page.fill("#title", "No-script pilot")
    page.check("input[name=sectors][value=welfare]")
    page.fill("#challenge", "Flooded underpasses.")
    page.fill("#kpis-1-name", "Closures per year")
    page.fill("#criteria-1-name", "Approach")
    page.fill("#criteria-1-weight", "70")
    with page.expect_navigation():
        page.click("button[value=more]")  # save and add rows
    assert page.locator("#criteria-6-name").count() == 1
    page.fill("#criteria-2-name", "Cost")
    page.fill("#criteria-2-weight", "30")
    with page.expect_navigation():
        page.click("button[value=save]")
    assert page.locator("h1").inner_text() == "No-script pilot"
    with page.expect_navigation():
        page.click("form:has(input[value=submitted]) button[type=submit]")
    assert "Submitted, in review" in page.locator("main").inner_text()


# ---- an official reviews a submitted request and decides ------------------------------------

SCORES = dict(zip(SELECTION_CRITERIA, [4, 3, 5, 2, 4], strict=True))


def _submitted_request(live_server, title: str) -> int:
    """A request of the seeded city, submitted and not yet reviewed (one per test: the
    walkthroughs change its status)."""
    app = live_server.app
    with app.app_context():
        member = db.session.scalar(
            select(User).where(User.email == live_server.seeded.emails["member"])
        )
        with unit_of_work(write=True):
            req_id = services.create_request(member, _request_input(title)).id
            services.submit_request(member, req_id)
        db.session.remove()
    return req_id


def _stored(live_server, req_id: int) -> tuple[RequestStatus, object, dict | None]:
    """The request's status and deadline, and the scores of its review, read in the live
    server's app."""
    with live_server.app.app_context():
        req = db.session.get(PilotRequest, req_id)
        rv = db.session.scalar(select(PilotReview).where(PilotReview.request_id == req_id))
        result = (req.status, req.deadline, dict(rv.scores) if rv else None)
        db.session.remove()
    return result


def test_an_official_reviews_and_opens_a_call_with_the_keyboard_only(page_as, live_server):
    req_id = _submitted_request(live_server, "Keyboard review of snow clearing")
    page = page_as("official")
    set_language(page, "en", "/pilots/pipeline?status=submitted")
    tab_until(
        page,
        lambda i: i["tag"] == "a" and i["href"].endswith(f"/pilots/requests/{req_id}"),
        limit=250,
    )
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("h1").inner_text() == "Keyboard review of snow clearing"
    tab_until(page, lambda i: i["tag"] == "a" and i["href"].endswith(f"/{req_id}/review"))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    for key, score in SCORES.items():
        tab_until(page, lambda i, key=key: i["id"] == f"score-{key}")
        page.keyboard.type(str(score))  # a closed select picks the option typed
        assert page.input_value(f"#score-{key}") == str(score), key
    page.keyboard.press("Tab")
    assert focused(page)["id"] == "note-implementation"
    page.keyboard.type("Ready to sign the agreement.")
    tab_until(page, lambda i: i["tag"] == "button" and i["text"] == "Save the review")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    main = page.locator("main").inner_text()
    assert "Your review is saved." in main
    assert "Ready to sign the agreement." in main
    deadline = tab_until(page, lambda i: i["id"] == "open-deadline")
    assert deadline["text"], "the deadline field has no default"
    tab_until(page, lambda i: i["tag"] == "button" and i["text"] == "Open the call")
    with page.expect_navigation():
        page.keyboard.press("Space")
    assert "Open for proposals" in page.locator("main .meta").inner_text()
    assert "Proposals are welcome until" in page.locator("main").inner_text()
    status, stored_deadline, scores = _stored(live_server, req_id)
    assert status == RequestStatus.OPEN and stored_deadline is not None
    assert scores == SCORES


def test_an_official_reviews_and_asks_for_changes_without_javascript(
    new_context, signed_in_state, live_server
):
    req_id = _submitted_request(live_server, "No-script review of bus shelters")
    context = new_context(java_script_enabled=False, storage_state=signed_in_state("official"))
    page = context.new_page()
    set_language(page, "en", f"/pilots/requests/{req_id}/review")
    for key, score in SCORES.items():
        page.select_option(f"#score-{key}", str(score))
    page.fill("#summary", "Strong commitment; the budget needs detail.")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert page.url.endswith(f"/pilots/requests/{req_id}")
    assert "Your review is saved." in page.locator("main").inner_text()
    page.fill("#changes_requested-reason", "Please split the budget by year.")
    with page.expect_navigation():
        page.click("form:has(input[value=changes_requested]) button[type=submit]")
    assert "Changes requested" in page.locator("main .meta").inner_text()
    status, _deadline, scores = _stored(live_server, req_id)
    assert status == RequestStatus.CHANGES_REQUESTED
    assert scores == SCORES
    set_language(page, "en", f"/pilots/requests/{req_id}/history")
    assert "Please split the budget by year." in page.locator("main").inner_text()
