"""Accessibility the axe-core scan cannot see, checked in the HTML the server sends: where focus
goes after a failed submit or a redirect, error titles, every error reported at once, the
language of text the page does not translate, descriptive directory titles, checkbox grids in
reading order, forced-colours borders and cacheable static files. What needs a real browser
(focus, layout, forced colours) is in tests/browser/test_focus_and_layout.py."""

from __future__ import annotations

import html
import re
from pathlib import Path

from seoul_platform.db import db as _db
from seoul_platform.mail.models import OutboundEmail
from seoul_platform.members.schemas import OrganizationInput
from seoul_platform.onboarding import services as onboarding
from support import PASSWORD, csrf_token, queue_text

KO = {"Accept-Language": "ko"}  # anonymous visitors; a signed-in account's locale wins over it


def _korean(client):
    """Choose Korean the way a person does (the language switch sets a cookie)."""
    client.get("/language/ko")
    return client


CSS = Path(__file__).resolve().parent.parent / "platform" / "static" / "css" / "site.css"


def _title(page: str) -> str:
    match = re.search(r"<title>(.*?)</title>", page, re.S)
    assert match, "no <title>"
    return html.unescape(" ".join(match.group(1).split()))


def _post(client, path, data, headers=None):
    token = csrf_token(client, path)
    return client.post(path, data={**data, "csrf_token": token}, headers=headers or {})


def _start_tag(page: str, pattern: str) -> str:
    """The start tag of the first element whose start tag matches ``pattern``."""
    match = re.search(r"<[a-z0-9]+\b[^>]*" + pattern + r"[^>]*>", page)
    assert match, f"no element matching {pattern!r}"
    return match.group(0)


# ---- 1. a failed submit: focus on the error summary, "Error:" in the title ------------------


def test_a_failed_submit_puts_the_error_summary_in_focus_and_error_in_the_title(client, app):
    plain = client.get("/login").get_data(as_text=True)
    assert not _title(plain).startswith("Error")
    assert "autofocus" not in plain

    page = _post(client, "/login", {"email": "", "password": ""}).get_data(as_text=True)
    assert _title(page).startswith("Error: Sign in · ")
    summary = _start_tag(page, r'class="error-summary"')
    assert 'id="error-summary"' in summary and 'tabindex="-1"' in summary
    assert "autofocus" in summary
    assert page.count("autofocus") == 1  # only the first autofocus counts: keep it unique


def test_the_error_title_is_translated(client, app):
    page = _post(client, "/login", {"email": "", "password": ""}, KO).get_data(as_text=True)
    assert _title(page).startswith("오류: 로그인 · ")


def test_bad_directory_filters_also_say_error_in_the_title(member_client):
    page = member_client.get("/directory?sector=nonsense").get_data(as_text=True)
    assert _title(page).startswith("Error: Directory")


# ---- 2. a message flashed before a redirect is focused on load ------------------------------


def test_the_status_region_is_always_there_and_a_flashed_message_takes_the_focus(
    member_client,
):
    before = member_client.get("/account").get_data(as_text=True)
    region = _start_tag(before, r'class="flashes"')
    assert 'role="status"' in region
    assert "flash-group" not in before and "autofocus" not in before

    response = _post(
        member_client, "/account", {"name": "Mo Member", "job_title": "", "locale": "en"}
    )
    assert response.status_code == 302
    after = member_client.get(response.headers["Location"]).get_data(as_text=True)
    group = _start_tag(after, r'class="flash-group"')
    assert 'tabindex="-1"' in group and "autofocus" in group and 'role="group"' in group
    # Named by the message itself, so a screen reader reads it when focus lands there.
    labelled_by = re.search(r'aria-labelledby="([^"]+)"', group).group(1).split()
    for element_id in labelled_by:
        assert re.search(rf'<p class="flash[^"]*" id="{element_id}">Your profile is saved', after)
    assert after.index('role="status"') < after.index("flash-group")


# ---- 4. the language of what the page does not translate ----------------------------------


def test_the_api_docs_mark_the_english_operation_summaries_on_the_korean_page(client, app):
    page = client.get("/api/v1/docs", headers=KO).get_data(as_text=True)
    assert '<html lang="ko"' in page
    assert '<td lang="en">Search the directory</td>' in page
    # The access levels are interface words: translated, not left in English.
    assert "<td>member</td>" not in page and "승인된 회원" in page


def test_an_organisations_own_text_carries_its_first_working_language(member_client, make):
    org = make.org(
        "city",
        name="Lisbon Test",
        country="PT",
        region="europe",
        languages=["pt", "en"],
        description="Uma cidade à beira do rio.",
        challenges=["Cheias"],
    )
    page = _korean(member_client).get(f"/organizations/{org.id}").get_data(as_text=True)
    assert '<p lang="pt">Uma cidade à beira do rio.</p>' in page
    assert '<ul lang="pt"><li>Cheias</li>' in page


def test_text_of_an_organisation_without_languages_is_left_unmarked(member_client, make):
    org = make.org("city", name="Nolang City", description="Plain words.")
    page = _korean(member_client).get(f"/organizations/{org.id}").get_data(as_text=True)
    assert "<p>Plain words.</p>" in page


def test_a_join_motivation_carries_the_applicants_organisation_language(official_client, app, db):
    onboarding.apply_to_join(
        OrganizationInput(
            kind="company",
            name="Sensores Lda",
            country="PT",
            region="europe",
            languages=["pt"],
            description="Sensores de ar.",
        ).model_dump(),
        name="Rui Costa",
        email="rui@sensores.example",
        password=PASSWORD,
        motivation="Queremos ajudar as cidades.",
    )
    db.session.commit()
    page = _korean(official_client).get("/admin/join-requests").get_data(as_text=True)
    assert '<p lang="pt">Queremos ajudar as cidades.</p>' in page
    assert '<p lang="pt">Sensores de ar.</p>' in page


def test_outbox_messages_are_marked_with_their_own_language(official_client, app, db):
    queue_text("a@example.org", "Reset your password", "Open this link.", kind="t")
    queue_text("c@example.org", "Reset", "이 링크를 여십시오: https://x.example", locale="ko")
    # A message queued before the outbox kept its locale: the script of its text decides.
    _db.session.add(
        OutboundEmail(to="b@example.org", subject="비밀번호 재설정", body="이 링크를 여십시오")
    )
    _db.session.commit()
    page = _korean(official_client).get("/outbox").get_data(as_text=True)
    assert '<summary lang="en">Reset your password</summary>' in page
    assert '<pre class="mail" lang="en">Open this link.</pre>' in page
    assert '<summary lang="ko">비밀번호 재설정</summary>' in page
    assert '<summary lang="ko">Reset</summary>' in page  # the locale it was queued in


# ---- 5. the directory says what the results are ------------------------------------------


def test_the_directory_title_and_heading_describe_query_count_and_page(member_client, make):
    for n in range(25):
        make.org("company", name=f"Energy Co {n}", technologies=["energy"], sectors=["energy"])
    make.org("company", name="Solitary Windmill")
    page = member_client.get("/directory?q=energy&page=2").get_data(as_text=True)
    expected = "25 results for “energy” — page 2 of 2"
    assert _title(page).startswith(f"Directory: {expected} · ")
    heading = re.search(r'<h2 id="results-title"[^>]*>(.*?)</h2>', page, re.S).group(1)
    assert html.unescape(heading.strip()) == expected

    korean = _korean(member_client).get("/directory?q=energy&page=2").get_data(as_text=True)
    assert _title(korean).startswith("회원 디렉터리: “energy” 검색 결과 25건 — 전체 2쪽 중 2쪽")

    member_client.get("/language/en")
    one_page = member_client.get("/directory?q=Solitary").get_data(as_text=True)
    assert _title(one_page).startswith("Directory: 1 result for “Solitary” · ")


def test_the_directory_has_a_skip_link_to_the_results_before_the_filters(member_client):
    page = member_client.get("/directory").get_data(as_text=True)
    link = page.index('href="#results-title"')
    assert link < page.index('<form method="get" class="filters"')
    assert _start_tag(page, r'id="results-title"').count('tabindex="-1"') == 1


# ---- 6 and 7. stylesheet rules ----------------------------------------------------------


def _rule(selector: str) -> str:
    css = CSS.read_text(encoding="utf-8")
    match = re.search(r"(?m)^" + re.escape(selector) + r"\s*\{([^}]*)\}", css)
    assert match, f"no rule for {selector}"
    return match.group(1)


def test_checkbox_grids_flow_in_rows_not_columns():
    css = CSS.read_text(encoding="utf-8")
    for selector in (".checkbox-list", ".checkbox-list li"):
        body = _rule(selector)
        assert not re.search(r"(?<![-\w])columns\s*:|column-count|column-width", body), body
    assert "display: grid" in _rule(".checkbox-list")
    assert not re.search(r"\.checkbox-list[^{]*\{[^}]*(?<![-\w])columns\s*:", css)


def test_pills_and_the_filter_panel_have_borders_for_forced_colours():
    for selector in (".tag", ".filters"):
        assert re.search(r"border:\s*1px solid", _rule(selector)), selector


# ---- 8. static files are cached, with content-versioned URLs ------------------------------


def test_signed_in_pages_link_versioned_css_that_is_cached(member_client):
    page = member_client.get("/account")
    assert page.headers["Cache-Control"] == "no-store"  # the page itself stays private
    href = re.search(r'<link rel="stylesheet" href="([^"]+)"', page.get_data(as_text=True)).group(1)
    assert re.fullmatch(r"/static/css/site\.css\?v=[0-9a-f]{16}", href), href

    css = member_client.get(href)
    css.close()
    assert css.status_code == 200
    assert css.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    # No session cookie written on a stylesheet: Vary: Cookie would defeat the cache.
    assert "Set-Cookie" not in css.headers
    assert "Cookie" not in css.headers.get("Vary", "")


def test_a_stale_or_missing_version_is_revalidated_not_kept(member_client):
    for url in ("/static/css/site.css", "/static/css/site.css?v=0000000000000000"):
        response = member_client.get(url)
        response.close()
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "no-cache", url


def test_the_version_changes_with_the_content(app, tmp_path):
    from seoul_platform.templating import static_version

    with app.test_request_context():
        version = static_version("css/site.css")
        assert version and static_version("no/such/file.css") is None
    other = app.static_folder
    try:
        app.static_folder = str(tmp_path)
        (tmp_path / "a.css").write_text("a { color: red }")
        with app.test_request_context():
            first = static_version("a.css")
            (tmp_path / "a.css").write_text("a { color: blue }")
            import os

            os.utime(tmp_path / "a.css", ns=(1, 1))
            assert static_version("a.css") != first
    finally:
        app.static_folder = other
