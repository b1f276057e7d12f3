"""The notifications page in a real browser: axe-clean in English and Korean with unread
items and the header count, and usable with the keyboard and without JavaScript."""

from __future__ import annotations

import pytest
from browser.browsing import assert_no_axe_violations, set_language
from sqlalchemy import select

from seoul_platform.accounts.models import User
from seoul_platform.db import unit_of_work
from seoul_platform.notifications import services


def _give(live_server, role: str, count: int) -> None:
    """New unread notifications for one of the seeded people (in the live server's DB)."""
    email = live_server.seeded.emails[role]
    with live_server.app.app_context(), unit_of_work(write=True) as session:
        person = session.scalar(select(User).where(User.email == email))
        services.mark_all_read(person)
        for n in range(count):
            services.notify(
                [person],
                "join_request.approved" if n % 2 else "account.enabled",
                {"organization": "Testville Browser City"} if n % 2 else None,
                link=f"/organizations/{live_server.seeded.city_id}" if n % 2 else "/account",
            )


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_notifications_page_passes_axe(page_as, live_server, lang):
    _give(live_server, "admin", 3)
    page = page_as("admin")
    response = set_language(page, lang, "/notifications")
    assert response.status == 200
    assert page.locator(".site-header .badge").inner_text() == "3"
    assert page.locator("li.card.unread").count() == 3
    assert_no_axe_violations(page, f"notifications ({lang})")


def test_mark_read_and_open_work_without_javascript_and_by_keyboard(page_as, live_server):
    _give(live_server, "admin", 2)
    page = page_as("admin", java_script_enabled=False)
    set_language(page, "en", "/notifications")
    link = page.get_by_role("link", name="Notifications, 2 unread")
    assert link.count() == 1

    # Mark the first as read with the keyboard: focus its button, press Enter.
    page.locator("li.card.unread button").first.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("li.card.unread").count() == 1
    assert page.get_by_role("link", name="Notifications, 1 unread").count() == 1

    # The filter the list was showing is kept after the post.
    assert "unread" not in page.url
    # Opening the remaining one (it links to the account page) marks it read and follows.
    with page.expect_navigation():
        page.locator("li.card.unread a").first.click()
    assert page.url.endswith("/account")
    assert page.locator(".site-header .badge").count() == 0

    _give(live_server, "admin", 2)
    page.goto("/notifications")
    with page.expect_navigation():
        page.get_by_role("button", name="Mark all as read").click()
    assert page.locator("li.card.unread").count() == 0
    assert page.get_by_role("link", name="Notifications", exact=True).count() == 1
