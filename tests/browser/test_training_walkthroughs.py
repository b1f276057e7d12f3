"""Training walkthroughs in a real browser, each a person's path through the HTML pages with
the keyboard only or with JavaScript turned off, in English and Korean (the issue's tasks):

1. an official creates a programme, a cohort with a regional quota and a session, keyboard
   only;
2. a member applies to a full cohort without JavaScript, sees their waitlist place on "My
   training", downloads their calendar and withdraws through the confirmation page;
3. an official accepts one application and rejects another with a reason, keyboard only, and
   sees the cohort's mix;
4. a member offered a seat accepts it, keyboard only; another declines theirs without
   JavaScript, and the next on the waitlist then holds the offer;
5. an enrolled participant opens their letter of invitation in English and Korean, and a
   visitor verifies it without signing in;
6. a participant submits an action plan without JavaScript, an official accepts it and issues
   the certificates by keyboard and revokes one without JavaScript; the public verification
   page then says it is revoked;
7. a participant answers the feedback survey without JavaScript; an official reads the
   cohort's results and downloads the roster.

The data is seeded once through the training factory for people of their own in "Browser City
4" (an organisation of the shared seed no other test uses) and an official of their own, so
the notifications these moves send reach no one another test counts.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta
from functools import partial
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
from browser.browsing import (
    assert_no_axe_violations,
    set_language,
    tab_until,
)
from flask_babel import force_locale, gettext
from sqlalchemy import select
from training.conftest import TrainingFactory
from training.records_support import accepted_plan, mark

from seoul_platform.audit.models import StateChange
from seoul_platform.db import db, unit_of_work
from seoul_platform.members.labels import REGION_LABELS
from seoul_platform.members.models import Organization
from seoul_platform.training import feedback
from seoul_platform.training.feedback_schemas import FeedbackIn
from seoul_platform.training.labels import ENROLLMENT_STATUS_LABELS, PLACE_LABELS
from seoul_platform.training.models import (
    ActionPlan,
    ActionPlanStatus,
    Certificate,
    Cohort,
    Enrollment,
    EnrollmentStatus,
    FeedbackResponse,
    Programme,
    TrainingSession,
)
from support import Factory

DOMAIN = "walk-training.browser-city-four.example"
PEOPLE = {
    # role: (name, official)
    "tw_official": ("Tae Walkthrough Official", True),
    "tw_applicant": ("Aroha Applicant", False),
    "tw_offer_a": ("Olive Offered", False),
    "tw_offer_b": ("Ben Declines", False),
    "tw_offer_c": ("Cleo Next", False),
    "tw_letter": ("Lani Letter", False),
    "tw_planner": ("Pita Planner", False),
    "tw_feedback": ("Fetu Feedback", False),
}
APPLICANTS = ["Rua Reviewed", "Sina Reviewed", "Tui Reviewed"]
START = date.today() + timedelta(days=70)


@pytest.fixture(scope="module")
def walk(live_server) -> SimpleNamespace:
    """The cohorts of each walkthrough and the people in them."""
    app = live_server.app
    with app.app_context():
        city = db.session.scalar(select(Organization).where(Organization.name == "Browser City 4"))
        make, training = Factory(app), TrainingFactory()
        people = {
            role: make.user(
                None if official else city,
                official=official,
                email=f"{role}@{DOMAIN}",
                name=name,
            )
            for role, (name, official) in PEOPLE.items()
        }
        others = [
            make.user(city, email=f"tw-other{n}@{DOMAIN}", name=f"Walk Other {n}") for n in range(4)
        ]
        reviewed_people = [
            make.user(city, email=f"tw-reviewed{n}@{DOMAIN}", name=name)
            for n, name in enumerate(APPLICANTS)
        ]
        programme = training.programme(title="Walkthrough Training Programme", year=2027)

        # 2. A full first-come cohort (one seat, held; one person waiting already) and a
        # cohort the applicant is enrolled in, with a session for their calendar.
        full = training.cohort(programme, capacity=1, title="Walk full cohort")
        training.enrollment(full, others[0])
        training.enrollment(full, others[1], status="waitlisted")
        mine = training.cohort(programme, title="Walk calendar cohort", starts_on=START)
        training.session(mine, title="Walk calendar lecture")
        training.enrollment(mine, people["tw_applicant"])

        # 3. A reviewed cohort with three applications.
        reviewed = training.cohort(programme, admission="reviewed", title="Walk reviewed cohort")
        applications = [training.enrollment(reviewed, p, status="applied") for p in reviewed_people]

        # 4. Two seats, both offered; the next person waits.
        offers = training.cohort(programme, capacity=2, title="Walk offers cohort")
        offer = {
            role: training.enrollment(offers, people[role], status=status)
            for role, status in (
                ("tw_offer_a", "offered"),
                ("tw_offer_b", "offered"),
                ("tw_offer_c", "waitlisted"),
            )
        }

        # 5. An enrolled participant of a cohort in Seoul.
        visa = training.cohort(
            programme,
            title="Walk letter cohort",
            starts_on=START,
            ends_on=START + timedelta(days=3),
            place_mode="seoul",
            address="Seoul City Hall, 110 Sejong-daero",
        )
        letter = training.enrollment(visa, people["tw_letter"])

        # 6. An in-progress cohort: the planner attended and has no plan yet; a colleague
        # attended and has an accepted plan.
        records = training.cohort(programme, status="in_progress", title="Walk records cohort")
        session = training.session(records, title="Walk records lecture")
        planner = training.enrollment(records, people["tw_planner"])
        colleague = training.enrollment(records, others[2])
        mark([session], planner, ["present"])
        mark([session], colleague, ["present"])
        accepted_plan(colleague)

        # 7. An in-progress cohort two others have answered the survey of already.
        today = date.today()
        survey = training.cohort(
            programme,
            status="in_progress",
            title="Walk survey cohort",
            starts_on=today - timedelta(days=1),
            ends_on=today + timedelta(days=2),
        )
        training.enrollment(survey, people["tw_feedback"])
        for n, person in enumerate([others[3], others[0]]):
            training.enrollment(survey, person)
            with unit_of_work(write=True):
                feedback.submit(
                    person,
                    survey.id,
                    FeedbackIn.model_validate(
                        {
                            "ratings": dict.fromkeys(feedback.QUESTIONS, 4 + n),
                            "comment": f"Walk comment {n}",
                            "recommend": True,
                        }
                    ),
                )
        db.session.commit()
        data = SimpleNamespace(
            full=full.id,
            reviewed=reviewed.id,
            applications=[a.id for a in applications],
            offers=offers.id,
            offer={role: e.id for role, e in offer.items()},
            letter=letter.id,
            records=records.id,
            planner=planner.id,
            colleague=colleague.id,
            survey=survey.id,
            city=city.name,
        )
        db.session.remove()
    for role in PEOPLE:
        live_server.seeded.emails.setdefault(role, f"{role}@{DOMAIN}")
    return data


# ---- helpers --------------------------------------------------------------------------------


def _t(live_server, lang: str, text, **values) -> str:
    """What the page says in ``lang`` (the app's own catalogue)."""
    with live_server.app.test_request_context(), force_locale(lang):
        return gettext(text, **values) if isinstance(text, str) else str(text)


def _flash(page) -> str:
    return page.locator(".flashes").inner_text().strip()


def _press(page, key: str = "Enter") -> None:
    with page.expect_navigation():
        page.keyboard.press(key)


def _button(text: str):
    return lambda i: i["tag"] == "button" and i["text"] == text


def _row_button(decision: str, person: str):
    """A row's decision button: its text is the decision and, for screen readers, the
    person's name (visually hidden)."""
    return lambda i: (
        i["tag"] == "button"
        and i["name"] == "one"
        and i["text"].startswith(decision)
        and i["text"].endswith(person)
    )


def _rows(live_server, stmt):
    with live_server.app.app_context():
        rows = db.session.scalars(stmt).all()
        for row in rows:
            if hasattr(row, "_sa_instance_state"):
                db.session.expunge(row)
        db.session.remove()
    return rows


def _one(live_server, stmt):
    rows = _rows(live_server, stmt)
    assert len(rows) == 1, rows
    return rows[0]


def _enrollment(live_server, enrollment_id: int) -> Enrollment:
    return _one(live_server, select(Enrollment).where(Enrollment.id == enrollment_id))


def _status(live_server, lang: str, status: str) -> str:
    return _t(live_server, lang, ENROLLMENT_STATUS_LABELS[status])


# ---- 1. programme, cohort and session, keyboard only ---------------------------------------


def test_an_official_creates_a_programme_cohort_and_session_with_the_keyboard_only(
    page_as, live_server, walk
):
    lang = "ko"
    t = partial(_t, live_server, lang)
    page = page_as("tw_official")
    set_language(page, lang, "/training")
    assert_no_axe_violations(page, "training as an official (ko)")
    tab_until(page, lambda i: i["href"].endswith("/training/programmes/new"), 120)
    _press(page)
    assert page.locator("h1").inner_text() == t("New training programme")
    assert_no_axe_violations(page, "new programme (ko)")
    tab_until(page, lambda i: i["id"] == "title")
    page.keyboard.type("Keyboard Training 2031")
    tab_until(page, lambda i: i["id"] == "year")
    page.keyboard.type("2031")
    tab_until(page, lambda i: i["id"] == "summary")
    page.keyboard.type("Made without a mouse.")
    tab_until(page, _button(t("Save the programme")))
    _press(page)
    assert _flash(page) == t("The programme is saved.")
    programme = _one(
        live_server, select(Programme).where(Programme.title == "Keyboard Training 2031")
    )
    assert (programme.year, programme.summary) == (2031, "Made without a mouse.")

    # The newest year comes first: its "new cohort" link is on the first page.
    tab_until(page, lambda i: i["href"].endswith(f"/programmes/{programme.id}/cohorts/new"), 150)
    _press(page)
    assert_no_axe_violations(page, "new cohort (ko)")
    for field, text in (
        ("title", "Keyboard cohort"),
        ("starts_on", START.isoformat()),
        ("ends_on", (START + timedelta(days=2)).isoformat()),
        ("address", "Seoul City Hall"),
        ("capacity", "20"),
        ("quota-africa-max_seats", "6"),
        ("quota-africa-reserved_seats", "3"),
    ):
        tab_until(page, lambda i, field=field: i["id"] == field, 120)
        page.keyboard.press("Control+A")
        page.keyboard.type(text)
    tab_until(page, _button(t("Save the cohort")), 120)
    _press(page)
    assert _flash(page) == t("The cohort is saved as a draft.")
    assert page.locator("h1").inner_text() == "Keyboard cohort"
    cohort = _one(live_server, select(Cohort).where(Cohort.title == "Keyboard cohort"))
    assert (cohort.programme_id, cohort.capacity, cohort.status.value) == (
        programme.id,
        20,
        "draft",
    )
    with live_server.app.app_context():
        quotas = [
            (str(q.region), q.max_seats, q.reserved_seats)
            for q in db.session.get(Cohort, cohort.id).quotas
        ]
        db.session.remove()
    assert quotas == [("africa", 6, 3)]
    quota_row = page.locator("main tr", has_text=t(REGION_LABELS["africa"]))
    assert quota_row.locator("td").all_inner_texts()[:2] == ["6", "3"]

    tab_until(page, lambda i: i["href"].endswith(f"/cohorts/{cohort.id}/sessions/new"))
    _press(page)
    assert_no_axe_violations(page, "new session (ko)")
    for field, text in (
        ("title", "Keyboard welcome lecture"),
        ("day", START.isoformat()),
        ("starts_at", "10:00"),
        ("ends_at", "11:30"),
    ):
        tab_until(page, lambda i, field=field: i["id"] == field)
        page.keyboard.press("Control+A")
        page.keyboard.type(text)
    tab_until(page, _button(t("Save the session")))
    _press(page)
    assert _flash(page) == t("The session is saved.")
    schedule = page.locator("main table").first.inner_text()
    assert "Keyboard welcome lecture" in schedule and "10:00" in schedule
    session = _one(
        live_server, select(TrainingSession).where(TrainingSession.cohort_id == cohort.id)
    )
    assert session.title == "Keyboard welcome lecture"
    assert session.starts_at.replace(tzinfo=UTC) == datetime(
        START.year, START.month, START.day, 1, tzinfo=UTC
    )  # 10:00 in Seoul
    assert_no_axe_violations(page, "the new cohort's page (ko)")


# ---- 2. applying without JavaScript -------------------------------------------------------


def test_a_member_applies_waits_and_withdraws_without_javascript(page_as, live_server, walk):
    lang = "ko"
    t = partial(_t, live_server, lang)
    page = page_as("tw_applicant", java_script_enabled=False)
    set_language(page, lang, f"/training/cohorts/{walk.full}")
    page.fill("#motivation", "Road safety at home.")
    with page.expect_navigation():
        page.click("#enrollment-panel form button[type=submit]")
    assert _flash(page) == t("The cohort is full for now: you are on the waitlist.")
    panel = page.locator("#enrollment-panel").inner_text()
    assert _status(live_server, lang, "waitlisted") in panel
    assert t("Your place on the waitlist: %(position)s", position=2) in panel
    row = _one(
        live_server,
        select(Enrollment).where(
            Enrollment.cohort_id == walk.full,
            Enrollment.user.has(email=f"tw_applicant@{DOMAIN}"),
        ),
    )
    assert row.status == EnrollmentStatus.WAITLISTED
    assert row.motivation == "Road safety at home."

    set_language(page, lang, "/training/mine")
    line = page.locator("main tr", has_text="Walk full cohort").inner_text()
    assert _status(live_server, lang, "waitlisted") in line
    assert t("Place on the waitlist: %(position)s", position=2) in line
    enrolled = page.locator("main tr", has_text="Walk calendar cohort").inner_text()
    assert _status(live_server, lang, "enrolled") in enrolled

    # The person's own calendar: the sessions of the cohorts they are enrolled in.
    link = page.locator(f"main a:has-text('{t('Download my training calendar (.ics)')}')")
    answer = page.request.get(link.get_attribute("href"))
    assert answer.status == 200
    assert answer.headers["content-type"].startswith("text/calendar")
    body = answer.text()
    assert body.startswith("BEGIN:VCALENDAR") and "Walk calendar lecture" in body

    with page.expect_navigation():
        page.click("main tr:has-text('Walk full cohort') a")
    with page.expect_navigation():
        page.click(f"#enrollment-panel a[href$='/training/enrollments/{row.id}/withdraw']")
    assert page.locator("h1").inner_text() == t(
        "Withdraw from %(cohort)s?", cohort="Walk full cohort"
    )
    # axe on the pages walked, with scripts on (axe is a script; it does not run without).
    axe = page_as("tw_applicant")
    for path in (f"/training/cohorts/{walk.full}", "/training/mine", urlsplit(page.url).path):
        set_language(axe, lang, path)
        assert_no_axe_violations(axe, f"{path} (ko)")
    with page.expect_navigation():
        page.click(f"main button:has-text('{t('Yes, withdraw')}')")
    assert _flash(page) == t("The enrollment is withdrawn.")
    assert _status(live_server, lang, "withdrawn") in page.locator("#enrollment-panel").inner_text()
    assert _enrollment(live_server, row.id).status == EnrollmentStatus.WITHDRAWN


# ---- 3. deciding applications one by one, keyboard only ------------------------------------


def test_an_official_decides_applications_one_by_one_with_the_keyboard_only(
    page_as, live_server, walk
):
    first, second, third = walk.applications
    page = page_as("tw_official")
    set_language(page, "en", f"/training/cohorts/{walk.reviewed}/applications")
    assert_no_axe_violations(page, "applications (en)")
    tab_until(page, _row_button("Accept", APPLICANTS[0]), 150)
    _press(page)
    assert _flash(page) == "1 application decided."
    # The reason field comes after the table: type it, then go back up to the row's button.
    tab_until(page, lambda i: i["id"] == "reason", 150)
    page.keyboard.type("The cohort is for road safety projects.")
    tab_until(page, _row_button("Reject", APPLICANTS[1]), limit=40, key="Shift+Tab")
    _press(page)
    assert _flash(page) == "1 application decided."
    statuses = {
        e.id: e.status.value
        for e in _rows(live_server, select(Enrollment).where(Enrollment.cohort_id == walk.reviewed))
    }
    assert statuses == {first: "enrolled", second: "rejected", third: "applied"}
    reason = _one(
        live_server,
        select(StateChange.reason).where(
            StateChange.subject_type == "enrollment",
            StateChange.subject_id == second,
            StateChange.to_state == "rejected",
        ),
    )
    assert reason == "The cohort is for road safety projects."
    table = page.locator("#results-title ~ form table")
    assert "Enrolled" in table.locator("tr", has_text=APPLICANTS[0]).inner_text()
    assert "Not accepted" in table.locator("tr", has_text=APPLICANTS[1]).inner_text()
    # The mix: one seated and one still applied, both from Oceania.
    region = page.locator("aside table").first
    assert region.locator("th[scope=col]").all_inner_texts()[1:] == [
        "Holding a seat",
        "Applied",
        "Waitlisted",
    ]
    assert region.locator("tbody tr").inner_text().split("\t") == ["Oceania", "1", "1", "0"]


# ---- 4. answering offers --------------------------------------------------------------------


def test_offers_accepted_by_keyboard_and_declined_without_javascript(page_as, live_server, walk):
    cohort = f"/training/cohorts/{walk.offers}"
    a, b, c = (walk.offer[r] for r in ("tw_offer_a", "tw_offer_b", "tw_offer_c"))

    page = page_as("tw_offer_a")
    set_language(page, "en", cohort)
    assert_no_axe_violations(page, "cohort page with an offer (en)")
    tab_until(page, _button("Accept the seat"), 150)
    _press(page)
    assert _flash(page) == "You accepted the seat: enrolled."
    assert "Your status: Enrolled" in page.locator("#enrollment-panel").inner_text()
    accepted = _enrollment(live_server, a)
    assert accepted.status == EnrollmentStatus.ENROLLED and accepted.letter_code

    lang = "ko"
    t = partial(_t, live_server, lang)
    other = page_as("tw_offer_b", java_script_enabled=False)
    set_language(other, lang, cohort)
    with other.expect_navigation():
        other.click(f"#enrollment-panel a[href$='/training/enrollments/{b}/decline-offer']")
    assert other.locator("h1").inner_text() == t(
        "Decline the seat in %(cohort)s?", cohort="Walk offers cohort"
    )
    with other.expect_navigation():
        other.click(f"main button:has-text('{t('Yes, decline the seat')}')")
    assert _flash(other) == t("The offer is declined.")
    assert _enrollment(live_server, b).status == EnrollmentStatus.DECLINED
    following = _enrollment(live_server, c)
    assert following.status == EnrollmentStatus.OFFERED
    assert following.offer_expires_at is not None
    with live_server.app.app_context():
        assert db.session.get(Cohort, walk.offers).seats_taken == 2  # A's and now C's
        db.session.remove()

    # The next in line sees the offer on "My training", and may answer it in turn.
    nxt = page_as("tw_offer_c")
    set_language(nxt, lang, "/training/mine")
    line = nxt.locator("main tr", has_text="Walk offers cohort").inner_text()
    assert _status(live_server, lang, "offered") in line and t("Answer the offer") in line
    assert_no_axe_violations(nxt, "my training with an offer (ko)")
    set_language(nxt, lang, f"/training/enrollments/{c}/decline-offer")
    assert nxt.locator("h1").inner_text() == t(
        "Decline the seat in %(cohort)s?", cohort="Walk offers cohort"
    )
    assert_no_axe_violations(nxt, "decline confirmation (ko)")


# ---- 5. the letter of invitation ------------------------------------------------------------


def test_a_participant_opens_the_letter_and_a_visitor_verifies_it(page_as, live_server, walk):
    page = page_as("tw_letter")
    set_language(page, "en", "/training/mine")
    assert_no_axe_violations(page, "my training with records (en)")
    with page.expect_navigation():
        page.click(f"main a[href$='/training/enrollments/{walk.letter}/letter']")
    code = _enrollment(live_server, walk.letter).letter_code
    assert code
    end = (START + timedelta(days=3)).isoformat()
    for lang in ("en", "ko"):
        if lang == "ko":
            with page.expect_navigation():
                page.click("main a[hreflang=ko]")
        letter = page.locator("article.letter")
        assert letter.locator("h1").inner_text() == _t(live_server, lang, "Letter of invitation")
        text = letter.inner_text()
        place = _t(live_server, lang, PLACE_LABELS["seoul"])
        for fact in (
            "Lani Letter",
            walk.city,
            "Walk letter cohort",
            "Walkthrough Training Programme",
            START.isoformat(),
            end,
            f"{place}: Seoul City Hall, 110 Sejong-daero",
            code,
        ):
            assert fact in text, (lang, fact)
        assert letter.locator("svg[role=img]").count() == 1
        assert_no_axe_violations(page, f"letter ({lang})")
    verify = urlsplit(page.locator("article.letter figcaption a").get_attribute("href")).path
    assert verify == f"/verify/letters/{code}"

    visitor = page_as("anonymous", java_script_enabled=False)
    response = set_language(visitor, "en", verify)
    assert response.status == 200
    main = visitor.locator("main").inner_text()
    assert (
        "Valid: the person named is enrolled in this training. A letter is valid while its "
        "holder is enrolled." in main
    )
    assert "Lani Letter" in main and "Walk letter cohort" in main
    axe = page_as("anonymous")
    set_language(axe, "ko", verify)
    assert _t(live_server, "ko", "Verify a letter of invitation") in axe.locator("h1").inner_text()
    assert_no_axe_violations(axe, "letter verification (ko)")


# ---- 6. action plan, certificates, revocation ------------------------------------------------


def test_action_plan_certificates_and_revocation(page_as, live_server, walk):
    # The participant writes and submits the plan without JavaScript (in Korean).
    lang = "ko"
    t = partial(_t, live_server, lang)
    planner = page_as("tw_planner", java_script_enabled=False)
    set_language(planner, lang, "/training/mine")
    with planner.expect_navigation():
        planner.click(f"main a[href$='/training/enrollments/{walk.planner}/action-plan']")
    form = page_as("tw_planner")
    set_language(form, lang, urlsplit(planner.url).path)
    assert_no_axe_violations(form, "the action plan form (ko)")
    planner.fill("#goal", "Open the city's road data.")
    planner.fill("#step-1-action", "Draft the open data policy")
    planner.fill("#step-1-due", "2027-09-01")
    planner.fill("#step-2-action", "Publish the first data set")
    planner.fill("#step-2-due", "2027-12-01")
    with planner.expect_navigation():
        planner.click(f"main button:has-text('{t('Submit for review')}')")
    assert _flash(planner) == t("Your action plan is submitted. A Seoul official will review it.")
    plan = _one(live_server, select(ActionPlan).where(ActionPlan.enrollment_id == walk.planner))
    assert plan.status == ActionPlanStatus.SUBMITTED
    assert plan.steps == [
        {"action": "Draft the open data policy", "due": "2027-09-01"},
        {"action": "Publish the first data set", "due": "2027-12-01"},
    ]

    # An official accepts it, keyboard only, from the cohort's list of plans.
    official = page_as("tw_official")
    set_language(official, "en", f"/training/cohorts/{walk.records}/action-plans")
    assert_no_axe_violations(official, "action plans (en)")
    tab_until(official, lambda i: i["text"] == "Pita Planner", 120)
    _press(official)
    assert_no_axe_violations(official, "a submitted plan (en)")
    tab_until(official, _button("Accept the plan"), 120)
    _press(official)
    assert _flash(official) == "The action plan is accepted."
    assert (
        _one(live_server, select(ActionPlan.status).where(ActionPlan.enrollment_id == walk.planner))
        == ActionPlanStatus.ACCEPTED
    )

    # ... and issues the certificates from the completion page, keyboard only (the plan
    # page links it).
    tab_until(official, lambda i: i["href"].endswith(f"/cohorts/{walk.records}/completion"))
    _press(official)
    tab_until(official, _button("Issue certificates"), 120)
    _press(official)
    assert _flash(official) == "2 certificates issued."
    certificates = {
        c.enrollment_id: c
        for c in _rows(
            live_server,
            select(Certificate).where(
                Certificate.enrollment_id.in_([walk.planner, walk.colleague])
            ),
        )
    }
    assert set(certificates) == {walk.planner, walk.colleague}
    assert {_enrollment(live_server, i).status for i in certificates} == {
        EnrollmentStatus.COMPLETED
    }
    assert_no_axe_violations(official, "completion with certificates (en)")

    # One is revoked without JavaScript, with a reason.
    code = certificates[walk.colleague].code
    revoker = page_as("tw_official", java_script_enabled=False)
    set_language(revoker, "en", f"/training/cohorts/{walk.records}/completion")
    revoker.fill(f"#reason-{code}", "Issued to the wrong person.")
    with revoker.expect_navigation():
        revoker.click(f"form[action$='/training/certificates/{code}/revoke'] button")
    assert _flash(revoker) == "The certificate is revoked."
    assert "Revoked on" in revoker.locator("main tr", has_text="Walk Other 2").inner_text()
    revoked = _one(live_server, select(Certificate).where(Certificate.code == code))
    assert revoked.revoked_at is not None
    assert revoked.revoked_reason == "Issued to the wrong person."
    kept = _one(live_server, select(Certificate).where(Certificate.enrollment_id == walk.planner))
    assert kept.revoked_at is None

    # The public verification page says so, in Korean.
    visitor = page_as("anonymous")
    response = set_language(visitor, "ko", f"/verify/{code}")
    assert response.status == 200
    status = visitor.locator("main p[role=status]").inner_text()
    assert status == _t(
        live_server,
        "ko",
        "Revoked: this certificate was revoked on %(date)s and is no longer valid.",
        date=revoked.revoked_at.date().isoformat(),
    )
    assert_no_axe_violations(visitor, "revoked certificate verification (ko)")


# ---- 7. feedback, results and the roster ---------------------------------------------------


def test_feedback_without_javascript_then_results_and_roster(page_as, live_server, walk):
    page = page_as("tw_feedback", java_script_enabled=False)
    set_language(page, "en", f"/training/cohorts/{walk.survey}")
    with page.expect_navigation():
        page.click("main a:has-text('Answer the feedback survey')")
    for n, key in enumerate(feedback.QUESTIONS):
        page.check(f"#rating-{key}-{1 + n % 5}")
    page.check("#recommend-no")
    page.fill("#comment", "Answered with scripts off.")
    with page.expect_navigation():
        page.click("main button:has-text('Send my answer')")
    assert _flash(page) == "Thank you: your answer is saved."
    saved = _one(
        live_server,
        select(FeedbackResponse)
        .where(FeedbackResponse.cohort_id == walk.survey)
        .where(FeedbackResponse.comment == "Answered with scripts off."),
    )
    assert saved.ratings == {
        **{key: 1 + n % 5 for n, key in enumerate(feedback.QUESTIONS)},
        "recommend": 0,
    }
    axe = page_as("tw_feedback")
    set_language(axe, "en", f"/training/cohorts/{walk.survey}/feedback")
    assert "Change my answer" in axe.locator("main").inner_text()
    assert_no_axe_violations(axe, "survey answered (en)")

    lang = "ko"
    t = partial(_t, live_server, lang)
    official = page_as("tw_official")
    set_language(official, lang, f"/training/cohorts/{walk.survey}")
    with official.expect_navigation():
        official.click(f"main a:has-text('{t('Feedback results')}')")
    assert official.locator("h1").inner_text() == t(
        "Feedback results: %(title)s", title="Walk survey cohort"
    )
    questions = official.locator("section.feedback-question")
    assert questions.count() == len(feedback.QUESTIONS)
    assert questions.locator("svg[role=img]").count() == len(feedback.QUESTIONS)
    assert questions.locator("table").count() == len(feedback.QUESTIONS)
    assert "Answered with scripts off." in official.locator("main").inner_text()
    assert official.locator("main dl.facts dd").first.inner_text() == "3"
    assert_no_axe_violations(official, "feedback results (ko)")

    with official.expect_download() as download:
        official.click(f"main a:has-text('{t('Download the roster (CSV)')}')")
    assert download.value.suggested_filename.startswith(f"cohort-{walk.survey}-roster-")
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    header, *rows = csv.reader(io.StringIO(text))
    assert header[:6] == ["name", "organisation", "country", "region", "kind", "status"]
    assert sorted(r[:6] for r in rows) == sorted(
        [name, walk.city, "AU", "oceania", "city", "enrolled"]
        for name in ("Fetu Feedback", "Walk Other 0", "Walk Other 3")
    )
