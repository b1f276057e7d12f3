"""Training pages in a real browser: the programme list and a cohort page are axe-clean in
English and Korean as a member and as an official (with the viewer's own time added by the
local script), and an official creates a cohort and a session without JavaScript."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from browser.browsing import assert_no_axe_violations, set_language
from sqlalchemy import select

from seoul_platform.accounts.models import User
from seoul_platform.db import db, unit_of_work
from seoul_platform.training import programmes as services
from seoul_platform.training.cohort_schemas import CohortIn, ProgrammeIn, SessionIn
from seoul_platform.training.models import Cohort, TrainingSession

START = date.today() + timedelta(days=80)


@pytest.fixture(scope="module")
def seeded_training(live_server) -> dict[str, int]:
    """A programme with a published cohort (quotas, two sessions) made through the services
    in the live server's own app."""
    app = live_server.app
    with app.app_context():
        official = db.session.scalar(
            select(User).where(User.email == live_server.seeded.emails["official"])
        )
        with unit_of_work(write=True):
            programme = services.create_programme(
                official, ProgrammeIn(title="Browser Training 2027", year=2027, summary="Seoul.")
            )
            cohort = services.create_cohort(
                official,
                CohortIn(
                    program_id=programme.id,
                    title="Browser cohort",
                    starts_on=START,
                    ends_on=START + timedelta(days=2),
                    place_mode="hybrid",
                    address="Seoul City Hall",
                    online_url="https://meet.example/seoul",
                    languages=["en", "ko"],
                    capacity=12,
                    award_years=[2024],
                    quotas=[{"region": "africa", "reserved_seats": 2}],
                    application_deadline=datetime.combine(
                        START - timedelta(days=20), datetime.min.time(), UTC
                    ),
                ),
            )
            day = datetime.combine(START, datetime.min.time(), UTC)
            for hour, title in ((0, "Opening lecture"), (5, "Site visit to TOPIS")):
                services.add_session(
                    official,
                    cohort.id,
                    SessionIn(
                        title=title,
                        starts_at=day + timedelta(hours=hour),
                        ends_at=day + timedelta(hours=hour + 2),
                    ),
                )
            services.move_cohort(official, cohort.id, "published")
            ids = {"programme": programme.id, "cohort": cohort.id}
        db.session.remove()
    return ids


PAGES = [
    ("training", "/training"),
    ("cohort", "/training/cohorts/{cohort}"),
]


@pytest.mark.parametrize("lang", ["en", "ko"])
@pytest.mark.parametrize("role", ["member", "official"])
@pytest.mark.parametrize(("name", "path"), PAGES, ids=[p[0] for p in PAGES])
def test_training_pages_pass_axe(page_as, seeded_training, lang, role, name, path):
    page = page_as(role)
    response = set_language(page, lang, path.format(**seeded_training))
    assert response.status == 200, (name, response.status)
    assert page.evaluate("document.documentElement.lang") == lang
    if name == "cohort":
        page.wait_for_selector(".local-time")  # the viewer's own time, added by the script
    assert_no_axe_violations(page, f"{name} as {role} ({lang})")


def test_an_official_creates_a_cohort_and_a_session_without_javascript(
    new_context, signed_in_state, seeded_training, live_server
):
    context = new_context(java_script_enabled=False, storage_state=signed_in_state("official"))
    page = context.new_page()
    page.set_default_timeout(8000)
    set_language(page, "en", f"/training/programmes/{seeded_training['programme']}/cohorts/new")
    page.fill("#title", "No-script cohort")
    page.fill("#starts_on", START.isoformat())
    page.fill("#ends_on", (START + timedelta(days=1)).isoformat())
    page.fill("#address", "Seoul City Hall")
    page.fill("#capacity", "abc")
    with page.expect_navigation() as navigation:
        page.click("button[type=submit]:has-text('Save the cohort')")
    assert navigation.value.status == 422
    assert page.locator("#capacity-error").count() == 1
    page.fill("#capacity", "15")
    page.fill("#quota-asia-max_seats", "5")
    with page.expect_navigation():
        page.click("button[type=submit]:has-text('Save the cohort')")
    assert page.locator("h1").inner_text() == "No-script cohort"
    page.click("a:has-text('Add a session')")
    page.fill("#title", "Welcome lecture")
    page.fill("#day", START.isoformat())
    page.fill("#starts_at", "10:00")
    page.fill("#ends_at", "11:30")
    with page.expect_navigation():
        page.click("button[type=submit]:has-text('Save the session')")
    main = page.locator("main").inner_text()
    assert "Welcome lecture" in main and "10:00" in main and "UTC+09:00" in main
    with live_server.app.app_context():
        cohort = db.session.scalar(select(Cohort).where(Cohort.title == "No-script cohort"))
        session = db.session.scalar(
            select(TrainingSession).where(TrainingSession.cohort_id == cohort.id)
        )
        assert session.starts_at.hour == 1  # 10:00 in Seoul
        assert [q.max_seats for q in cohort.quotas] == [5]
        db.session.remove()
