"""The partnership workspace and the public Results pages in a real browser: axe-clean in
English and Korean (as a party, as an official, as a visitor, forms with errors), a
keyboard-only KPI value, a no-JavaScript completion, and the chart legible in a screenshot."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from browser.browsing import (
    assert_no_axe_violations,
    focused,
    screenshot,
    set_language,
    tab_until,
)
from pilots.conftest import PilotFactory
from sqlalchemy import select

from seoul_platform.db import db, utcnow
from seoul_platform.members.models import Organization
from seoul_platform.pilots.models import (
    Kpi,
    KpiValue,
    Milestone,
    MilestoneStatus,
    ProgressReport,
)


@pytest.fixture(scope="module")
def pilots_seeded(live_server) -> dict[str, int]:
    """Three partnerships of the seeded city and company: one running (milestones, KPIs with
    values, a report), one in evaluation, one completed and published."""
    seeded = live_server.seeded
    today = date.today()
    with live_server.app.app_context():
        city = db.session.get(Organization, seeded.city_id)
        company = db.session.get(Organization, seeded.company_id)
        third = db.session.scalar(select(Organization).where(Organization.kind == "institution"))
        factory = PilotFactory()
        running = factory.partnership(
            factory.request(city, "draft", title="Winter road sensors"),
            company,
            third_party=third,
        )
        kpi = db.session.scalar(select(Kpi).where(Kpi.request_id == running.request_id))
        kpi.target = 9.0
        for days, value in ((120, 17.0), (60, 14.5), (10, 11.0)):
            db.session.add(
                KpiValue(
                    kpi_id=kpi.id,
                    measured_on=today - timedelta(days=days),
                    value=value,
                    source="City open-data portal",
                )
            )
        db.session.add_all(
            [
                Milestone(
                    partnership_id=running.id,
                    title="Sensors installed",
                    planned_on=today - timedelta(days=90),
                    started_on=today - timedelta(days=100),
                    actual_on=today - timedelta(days=80),
                    status=MilestoneStatus.DONE,
                ),
                Milestone(partnership_id=running.id, title="Evaluation", planned_on=today),
                ProgressReport(
                    partnership_id=running.id,
                    period_start=today - timedelta(days=60),
                    period_end=today - timedelta(days=30),
                    summary="Sensors report reliably.\n\nTwo were replaced.",
                    risks="Snow covers some sensors.",
                ),
            ]
        )
        evaluating = factory.partnership(
            factory.request(city, "draft", title="Library lockers"), company, status="evaluation"
        )
        published = factory.partnership(
            factory.request(city, "draft", title="Appointment reminders"),
            company,
            third_party=third,
            status="completed",
        )
        published.outcome_summary = "Missed appointments fell from 18 % to 11 %."
        published.lessons_learned = "Phone calls work better than text messages for older people."
        published.request.publish_consent = True
        published.request.published_at = utcnow()
        done_kpi = db.session.scalar(select(Kpi).where(Kpi.request_id == published.request_id))
        done_kpi.target = 9.0
        db.session.add(
            KpiValue(kpi_id=done_kpi.id, measured_on=today, value=11.0, source="Clinic records")
        )
        db.session.commit()
        return {
            "running": running.id,
            "kpi": kpi.id,
            "evaluating": evaluating.id,
            "published": published.id,
        }


def _submit(page) -> None:
    with page.expect_navigation() as navigation:
        page.click("main form[method=post] button[type=submit]")
    assert navigation.value.status in (200, 302, 422), navigation.value.status


def _submit_empty(page) -> None:
    for field in page.locator("main form[method=post] input[placeholder=YYYY-MM-DD]").all():
        field.fill("")
    _submit(page)
    assert page.locator(".error-summary").count() == 1, "the empty form showed no errors"


# (name, role, path, action); paths name {running}, {kpi}, {evaluating}, {published}.
PAGES = [
    ("workspace-party", "member", "/partnerships/{running}", None),
    ("workspace-official", "official", "/partnerships/{running}", None),
    ("workspace-evaluation-official", "official", "/partnerships/{evaluating}", None),
    ("reports", "member", "/partnerships/{running}/reports", None),
    ("milestone-errors", "member", "/partnerships/{running}/milestones/new", _submit_empty),
    ("kpi-errors", "member", "/partnerships/{running}/kpis/new", _submit_empty),
    ("kpi-value-errors", "member", "/kpis/{kpi}/values/new", _submit_empty),
    ("kpi-target", "member", "/kpis/{kpi}/target", None),
    ("report-errors", "member", "/partnerships/{running}/reports/new", _submit_empty),
    ("complete-errors", "official", "/partnerships/{evaluating}/move/completed", _submit_empty),
    ("results", "anonymous", "/results", None),
    ("results-filtered", "anonymous", "/results?sector=mobility&region=europe", None),
    ("result", "anonymous", "/results/{published}", None),
]


@pytest.mark.parametrize("lang", ["en", "ko"])
@pytest.mark.parametrize(("name", "role", "path", "action"), PAGES, ids=[p[0] for p in PAGES])
def test_pilot_workspace_pages_pass_axe(page_as, pilots_seeded, lang, name, role, path, action):
    page = page_as(role)
    target = path.format(**pilots_seeded)
    response = set_language(page, lang, target)
    assert response.status == 200, f"{name}: {response.status}"
    assert page.locator("html").get_attribute("lang") == lang
    if action is not None:
        action(page)
    assert page.locator("h1").count() == 1
    assert_no_axe_violations(page, f"{name} ({lang})")


def test_the_chart_is_drawn_and_legible(page_as, pilots_seeded):
    page = page_as("member")
    set_language(page, "en", f"/partnerships/{pilots_seeded['running']}")
    chart = page.locator("svg.kpi-chart").first
    box = chart.bounding_box()
    assert box is not None and box["width"] > 300 and box["height"] > 100, box
    assert chart.get_attribute("role") == "img"
    labelled = chart.get_attribute("aria-labelledby")
    title = page.locator(f"[id='{labelled}']").text_content()
    assert title == "Missed appointments over time"
    assert page.locator("svg.kpi-chart circle").count() == 3
    # The table alternative follows it.
    assert page.locator(f"#kpi-{pilots_seeded['kpi']} table caption").count() == 1
    chart.scroll_into_view_if_needed()
    path = screenshot(page, "pilots-workspace-kpi-chart")
    assert path.stat().st_size > 0
    chart.screenshot(path=str(path.with_name("pilots-kpi-chart-alone.png")))
    # Forced colours: still drawn (currentColor), never invisible.
    page.emulate_media(forced_colors="active")
    colour = page.evaluate(
        "() => getComputedStyle(document.querySelector('svg.kpi-chart polyline')).stroke"
    )
    assert colour not in ("none", "", "transparent")
    chart.screenshot(path=str(path.with_name("pilots-kpi-chart-forced-colours.png")))


def test_a_party_records_a_kpi_value_with_the_keyboard_only(page_as, pilots_seeded):
    page = page_as("member")
    set_language(page, "en", f"/partnerships/{pilots_seeded['running']}")
    tab_until(page, lambda i: i["tag"] == "a" and i["href"].endswith("/values/new"), limit=150)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith(f"/kpis/{pilots_seeded['kpi']}/values/new")
    # The measurement date defaults to today; Tab past it to the value.
    tab_until(page, lambda i: i["id"] == "value")
    page.keyboard.type("10.25")
    page.keyboard.press("Tab")
    assert focused(page)["id"] == "source"
    page.keyboard.type("Clinic records, keyboard extract")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert f"/partnerships/{pilots_seeded['running']}" in page.url
    assert page.locator("text=The value is recorded.").count() == 1
    assert page.locator("td", has_text="Clinic records, keyboard extract").count() == 1


def test_an_official_completes_a_partnership_without_javascript(page_as, pilots_seeded):
    page = page_as("official", java_script_enabled=False)
    set_language(page, "en", f"/partnerships/{pilots_seeded['evaluating']}")
    with page.expect_navigation():
        page.click("text=Complete the partnership")
    page.fill("#outcome_summary", "Lockers were used 4,000 times in six months.")
    page.fill("#lessons_learned", "Put them where people already go.")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert page.url.endswith(f"/partnerships/{pilots_seeded['evaluating']}")
    assert page.locator(".meta strong").inner_text() == "Completed"
    assert page.locator("text=Lockers were used 4,000 times in six months.").count() == 1
