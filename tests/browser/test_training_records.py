"""Training records in a real browser: the attendance roster, the certificate page and the
public verification page pass axe in English and Korean, and an official marks attendance
with the keyboard only."""

from __future__ import annotations

import pytest
from browser.browsing import assert_no_axe_violations, set_language, tab_until
from sqlalchemy import select
from training.conftest import TrainingFactory
from training.records_support import accepted_plan, mark

from seoul_platform.accounts.models import User
from seoul_platform.db import db, unit_of_work
from seoul_platform.training import certificates
from seoul_platform.training.models import Attendance, AttendanceStatus
from support import Factory


@pytest.fixture(scope="module")
def records(live_server) -> dict:
    """A cohort with two sessions and three participants of the seeded city; the seeded
    member attended both, has an accepted plan and a certificate."""
    app = live_server.app
    emails = live_server.seeded.emails
    with app.app_context():
        member = db.session.scalar(select(User).where(User.email == emails["member"]))
        official = db.session.scalar(select(User).where(User.email == emails["official"]))
        training = TrainingFactory()
        cohort = training.cohort(title="Records browser cohort", status="in_progress")
        first = training.session(cohort, title="Opening lecture")
        second = training.session(cohort, day=1, title="Site visit")
        make = Factory(app)
        others = [
            make.user(member.organization, name=f"Roster {n}", email=f"roster{n}@records.example")
            for n in (1, 2)
        ]
        people = [member, *others]
        enrollments = [training.enrollment(cohort, p) for p in people]
        mark([first, second], enrollments[0], ["present", "present"])
        accepted_plan(enrollments[0])
        with unit_of_work(write=True):
            issued = certificates.issue_certificates(official, cohort.id)
            code = issued[0].code
        ids = {
            "session": second.id,
            "first": enrollments[1].id,
            "second": enrollments[2].id,
            "code": code,
        }
        db.session.remove()
    return ids


PAGES = [
    ("roster", "official", "/training/sessions/{session}/attendance"),
    ("certificate", "member", "/training/certificates/{code}"),
    ("verification", None, "/verify/{code}"),
]


@pytest.mark.parametrize("lang", ["en", "ko"])
@pytest.mark.parametrize(("name", "role", "path"), PAGES, ids=[p[0] for p in PAGES])
def test_records_pages_pass_axe(page_as, page, records, lang, name, role, path):
    browser_page = page_as(role) if role else page
    response = set_language(browser_page, lang, path.format(**records))
    assert response.status == 200, (name, response.status)
    assert browser_page.evaluate("document.documentElement.lang") == lang
    if name == "certificate":
        assert records["code"] in browser_page.locator("main").inner_text()
        assert browser_page.locator("main svg[role=img]").count() == 1
    assert_no_axe_violations(browser_page, f"{name} ({lang})")


def test_an_official_marks_attendance_with_the_keyboard_only(page_as, live_server, records):
    page = page_as("official")
    set_language(page, "en", f"/training/sessions/{records['session']}/attendance")
    first, second = records["first"], records["second"]
    # Into the first person's group, choose "present" with Space; into the next, move to
    # "absent" with the arrow key (radio groups: Tab between groups, arrows within).
    tab_until(page, lambda i: i["id"] == f"mark-{first}-present", limit=120)
    page.keyboard.press("Space")
    tab_until(page, lambda i: i["id"] == f"mark-{second}-present")
    page.keyboard.press("ArrowDown")
    tab_until(page, lambda i: i["tag"] == "button" and i["text"] == "Save attendance")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Attendance saved" in page.locator("main").inner_text()
    with live_server.app.app_context():
        marks = dict(
            db.session.execute(
                select(Attendance.enrollment_id, Attendance.status).where(
                    Attendance.session_id == records["session"]
                )
            ).all()
        )
        db.session.remove()
    assert marks[first] == AttendanceStatus.PRESENT
    assert marks[second] == AttendanceStatus.ABSENT
