"""The feedback survey in a real browser: the form (empty, with errors), and the officials'
results page with its charts, axe-clean in English and Korean; a participant answers the
survey with the keyboard only."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from browser.browsing import assert_no_axe_violations, set_language, tab_until
from sqlalchemy import select

from seoul_platform.accounts import services as account_services
from seoul_platform.accounts.models import OrgRole, User, UserStatus
from seoul_platform.db import db, unit_of_work
from seoul_platform.training import feedback
from seoul_platform.training.feedback_schemas import FeedbackIn
from seoul_platform.training.models import Cohort, FeedbackResponse
from support import PASSWORD
from tests.training.conftest import TrainingFactory


@pytest.fixture(scope="module")
def cohorts(live_server) -> dict[str, int]:
    """Two in-progress cohorts of the seeded city's member: one they have not answered yet
    (the keyboard walkthrough answers it), one answered by three others and by an enrolled
    member (the results page shows charts and comments)."""
    app = live_server.app
    with app.app_context():
        member = db.session.scalar(
            select(User).where(User.email == live_server.seeded.emails["member"])
        )
        make = TrainingFactory()
        today = date.today()
        programme = make.programme(title="Feedback Browser Programme")
        ids = {}
        for name in ("survey", "results", "keyboard"):
            cohort = make.cohort(
                programme,
                status="in_progress",
                title=f"Feedback {name}",
                starts_on=today - timedelta(days=1),
                ends_on=today + timedelta(days=3),
            )
            make.enrollment(cohort, member)
            ids[name] = cohort.id
        for n in range(3):
            person = account_services.create_user(
                email=f"feedback{n}@browser-city.example",
                name=f"Feedback Person {n}",
                password=PASSWORD,
                organization_id=member.organization_id,
                org_role=OrgRole.MEMBER,
                is_official=False,
                status=UserStatus.ACTIVE,
            )
            db.session.commit()
            make.enrollment(db.session.get(Cohort, ids["results"]), person)
            with unit_of_work(write=True):
                feedback.submit(
                    person,
                    ids["results"],
                    FeedbackIn.model_validate(
                        {
                            "ratings": dict.fromkeys(feedback.QUESTIONS, 3 + n % 3),
                            "comment": f"Comment number {n}\nwith a second line",
                            "recommend": n != 1,
                        }
                    ),
                )
        db.session.remove()
    return ids


def _submit_empty(page) -> None:
    with page.expect_navigation() as navigation:
        page.click("main form button[type=submit]")
    assert navigation.value.status == 422
    assert page.evaluate("document.activeElement.id") == "error-summary"


PAGES = [
    ("survey", "member", "/training/cohorts/{survey}/feedback", None),
    ("survey-errors", "member", "/training/cohorts/{survey}/feedback", _submit_empty),
    ("results", "official", "/training/cohorts/{results}/feedback/results", None),
    ("results-few", "official", "/training/cohorts/{survey}/feedback/results", None),
]


@pytest.mark.parametrize("lang", ["en", "ko"])
@pytest.mark.parametrize(("name", "role", "path", "action"), PAGES, ids=[p[0] for p in PAGES])
def test_feedback_pages_pass_axe(page_as, cohorts, lang, name, role, path, action):
    page = page_as(role)
    response = set_language(page, lang, path.format(**cohorts))
    assert response.status == 200, (name, response.status)
    assert page.evaluate("document.documentElement.lang") == lang
    if action is not None:
        action(page)
    assert_no_axe_violations(page, f"{name} ({lang})")


def test_the_programme_results_pass_axe(page_as, live_server, cohorts):
    with live_server.app.app_context():
        programme_id = db.session.get(Cohort, cohorts["results"]).programme_id
    page = page_as("official")
    for lang in ("en", "ko"):
        set_language(page, lang, f"/training/programmes/{programme_id}/feedback/results")
        assert page.locator("svg[role=img]").count() == len(feedback.QUESTIONS)
        assert_no_axe_violations(page, f"programme results ({lang})")


def test_a_participant_answers_with_the_keyboard_only(page_as, live_server, cohorts):
    page = page_as("member")
    set_language(page, "en", f"/training/cohorts/{cohorts['keyboard']}/feedback")
    for key in feedback.QUESTIONS:
        # Tab reaches a radio group once; the arrow keys move (and check) within it.
        tab_until(page, lambda i, key=key: i["id"] == f"rating-{key}-1")
        page.keyboard.press("Space")
        for _ in range(3):
            page.keyboard.press("ArrowRight")
        assert page.is_checked(f"#rating-{key}-4")
    tab_until(page, lambda i: i["id"].startswith("recommend-"))
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowLeft")
    assert page.is_checked("#recommend-yes")
    tab_until(page, lambda i: i["id"] == "comment")
    page.keyboard.type("Typed without a mouse.")
    tab_until(page, lambda i: i["tag"] == "button" and i["text"] == "Send my answer")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "your answer is saved" in page.locator("main").inner_text()
    with live_server.app.app_context():
        saved = db.session.scalar(
            select(FeedbackResponse).where(FeedbackResponse.cohort_id == cohorts["keyboard"])
        )
        assert saved.ratings == {**dict.fromkeys(feedback.QUESTIONS, 4), "recommend": 1}
        assert saved.comment == "Typed without a mouse."
        db.session.remove()
