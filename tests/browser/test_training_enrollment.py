"""Enrollment pages in a real browser: axe-clean in English and Korean (the cohort's
enrollment panel as a member and as an official, the officials' applications page, the
withdrawal confirmation), a member applying with the keyboard only, and an official deciding
applications in bulk with JavaScript turned off. Cohorts are rows made directly (the
programmes part owns their services); every enrollment goes through the enrollment services."""

from __future__ import annotations

import pytest
from browser.browsing import assert_no_axe_violations, set_language, tab_until
from sqlalchemy import select
from training.conftest import TrainingFactory

from seoul_platform.accounts.models import User
from seoul_platform.db import db, unit_of_work
from seoul_platform.members.models import Organization
from seoul_platform.training import enrollments as services
from seoul_platform.training.models import Enrollment, EnrollmentStatus
from support import Factory


@pytest.fixture(scope="module")
def cohorts(live_server) -> dict[str, int]:
    """A full first-come cohort (the admin holds the one seat, a colleague waits), one for
    the keyboard walkthrough, and a reviewed cohort with three applications to decide."""
    app = live_server.app
    emails = live_server.seeded.emails
    make, training = Factory(app), TrainingFactory()
    ids: dict[str, int] = {}
    with app.app_context():
        admin = db.session.scalar(select(User).where(User.email == emails["admin"]))
        city = db.session.get(Organization, live_server.seeded.city_id)
        people = [make.user(city, name=f"Browser Trainee {n}") for n in range(4)]
        full = training.cohort(capacity=1, title="Browser full cohort")
        keyboard = training.cohort(capacity=5, title="Browser keyboard cohort")
        reviewed = training.cohort(capacity=5, admission="reviewed", title="Browser reviewed")
        with unit_of_work(write=True):
            services.apply_to_cohort(admin, full.id, motivation="Seat holder")
            services.apply_to_cohort(people[0], full.id)
            for person in people[1:]:
                services.apply_to_cohort(person, reviewed.id, motivation="Please.\nThank you.")
        withdraw = db.session.scalar(
            select(Enrollment.id).where(
                Enrollment.cohort_id == full.id, Enrollment.user_id == admin.id
            )
        )
        ids.update(full=full.id, keyboard=keyboard.id, reviewed=reviewed.id, withdraw=withdraw)
        db.session.remove()
    return ids


# (name, role, path, languages): the main pages in both languages, the other states once.
PAGES = [
    ("panel-member", "member", "/training/cohorts/{full}/enrollment", ("en", "ko")),
    ("panel-admin-enrolled", "admin", "/training/cohorts/{full}/enrollment", ("en",)),
    ("panel-official", "official", "/training/cohorts/{full}/enrollment", ("en",)),
    ("withdraw-confirm", "admin", "/training/enrollments/{withdraw}/withdraw", ("ko",)),
    ("applications", "official", "/training/cohorts/{reviewed}/applications", ("en", "ko")),
    ("my-training", "admin", "/training/mine", ("en",)),
]
CASES = [(name, role, path, lang) for name, role, path, langs in PAGES for lang in langs]


@pytest.mark.parametrize(
    ("name", "role", "path", "lang"), CASES, ids=[f"{c[0]}-{c[3]}" for c in CASES]
)
def test_enrollment_pages_pass_axe(page_as, cohorts, name, role, path, lang):
    page = page_as(role)
    response = set_language(page, lang, path.format(**cohorts))
    assert response.status == 200, (name, response.status)
    assert page.evaluate("document.documentElement.lang") == lang
    assert_no_axe_violations(page, f"{name} ({lang})")


def test_a_member_applies_with_the_keyboard_only(page_as, cohorts, live_server):
    page = page_as("member")
    set_language(page, "en", f"/training/cohorts/{cohorts['keyboard']}/enrollment")
    tab_until(page, lambda i: i["id"] == "motivation", limit=120)
    page.keyboard.type("To bring digital twins home.")
    tab_until(page, lambda i: i["tag"] == "button" and i["text"] == "Apply to this cohort")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    main = page.locator("main").inner_text()
    assert "You are enrolled." in main and "Withdraw from this cohort" in main
    with live_server.app.app_context():
        member = db.session.scalar(
            select(User).where(User.email == live_server.seeded.emails["member"])
        )
        row = db.session.scalar(
            select(Enrollment).where(
                Enrollment.cohort_id == cohorts["keyboard"], Enrollment.user_id == member.id
            )
        )
        assert row.status == EnrollmentStatus.ENROLLED
        assert row.motivation == "To bring digital twins home."
        db.session.remove()


def test_an_official_decides_in_bulk_without_javascript(
    new_context, signed_in_state, cohorts, live_server
):
    context = new_context(java_script_enabled=False, storage_state=signed_in_state("official"))
    page = context.new_page()
    set_language(page, "en", f"/training/cohorts/{cohorts['reviewed']}/applications")
    boxes = page.locator("input[name=ids]")
    assert boxes.count() == 3
    boxes.nth(0).check()
    boxes.nth(1).check()
    with page.expect_navigation():
        page.click("button[name=decision][value=accept]")
    assert "2 applications decided." in page.locator("main").inner_text()
    page.fill("#reason", "The cohort is for road safety projects.")
    page.locator("input[name=ids]").nth(2).check()
    with page.expect_navigation():
        page.click("button[name=decision][value=reject]")
    assert "1 application decided." in page.locator("main").inner_text()
    with live_server.app.app_context():
        statuses = db.session.scalars(
            select(Enrollment.status)
            .where(Enrollment.cohort_id == cohorts["reviewed"])
            .order_by(Enrollment.ticket)
        ).all()
        db.session.remove()
    assert [s.value for s in statuses] == ["enrolled", "enrolled", "rejected"]
