"""One page type for every list: paginate() is total, and every HTML and API list uses it —
huge and past-the-end pages are the last page with a notice in HTML, a 404 in the API."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import current_app
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import event, func, select

from seoul_platform.accounts import services as account_services
from seoul_platform.api import _is_list
from seoul_platform.audit.models import AuditEvent
from seoul_platform.audit.services import record_event
from seoul_platform.db import db as _db
from seoul_platform.members.schemas import DirectoryQuery
from seoul_platform.notifications.services import notify
from seoul_platform.onboarding import services as onboarding
from seoul_platform.pagination import MAX_PAGE, MAX_PER_PAGE, PageQuery, list_query, paginate
from support import PASSWORD, api_operations, bearer, signed_in

HUGE = "99999999999999999999"  # beyond a 64-bit integer: used to overflow in SQL
ROOT = Path(__file__).resolve().parent.parent


# ---- paginate() and the parser -------------------------------------------------------------


def test_paginate_never_raises_and_stays_in_bounds(app, db):
    for n in range(7):
        record_event(f"test.event{n}")
    db.session.commit()
    ids = list(db.session.scalars(select(AuditEvent.id).order_by(AuditEvent.id)))
    stmt = select(AuditEvent).order_by(AuditEvent.id)

    @settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(page=st.integers(), per_page=st.integers())
    def check(page: int, per_page: int):
        # model_construct: any integers at all, as if a caller skipped validation.
        result = paginate(stmt, PageQuery.model_construct(page=page, per_page=per_page))
        assert 1 <= result.per_page <= MAX_PER_PAGE
        assert result.total == 7
        assert 1 <= result.page <= result.pages == -(-7 // result.per_page)
        start = (result.page - 1) * result.per_page
        assert [e.id for e in result.items] == ids[start : start + result.per_page]
        assert result.past_end == (page > result.pages)
        assert result.has_prev == (result.page > 1)
        assert result.has_next == (result.page < result.pages)

    check()


def test_an_empty_list_has_one_empty_page(app, db):
    page = paginate(select(AuditEvent), PageQuery(page=1))
    assert (page.items, page.total, page.page, page.pages, page.past_end) == ([], 0, 1, 1, False)
    assert paginate(select(AuditEvent), PageQuery(page=2)).past_end


def test_paginate_costs_one_count_and_one_page_query(app, db):
    for n in range(3):
        record_event(f"test.event{n}")
    db.session.commit()
    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("SELECT"):  # not BEGIN (SQLite)
            statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        page = paginate(select(AuditEvent).order_by(AuditEvent.id), PageQuery(page=2, per_page=2))
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    assert len(page.items) == 1
    assert len(statements) == 2, statements
    assert "count(" in statements[0].lower()
    assert "ORDER BY" not in statements[0]  # the count needs no sort
    assert "LIMIT" in statements[1]


def test_lenient_parser_for_pages_ignores_what_is_not_valid():
    query, errors = list_query(PageQuery, {"page": "abc", "per_page": "1000"}, per_page=50)
    assert (query.page, query.per_page) == (1, 50) and set(errors) == {"page", "per_page"}
    query, errors = list_query(PageQuery, {"page": HUGE, "per_page": "5"})
    assert (query.page, query.per_page, errors) == (int(HUGE), 5, {})
    query, errors = list_query(DirectoryQuery, {"page": "0", "kind": "planet", "q": "x"})
    assert (query.page, query.kind, query.q) == (1, None, "x") and set(errors) == {"page", "kind"}
    query, errors = list_query(PageQuery, {"page": str(MAX_PAGE + 1)})
    assert query.page == 1 and "page" in errors


# ---- HTML lists ----------------------------------------------------------------------------

HTML_LISTS = {
    "members.directory": "/directory",
    "audit.audit_log": "/admin/audit",
    "mail.outbox": "/outbox",
    "onboarding.join_requests": "/admin/join-requests?status=all",
    "onboarding.invitations": "/admin/invitations",
    "onboarding.org_invitations": "/organizations/<org>/invitations",
    "notifications.index": "/notifications",
    "accounts.api_tokens": "/account/tokens",
    "pilots.reports": "/partnerships/<partnership>/reports",
    "pilots.results_list": "/results",
    "pilots.request_list": "/pilots/requests",
    "pilots.pipeline_page": "/pilots/pipeline",
    "pilots.calls": "/pilots/calls",
    "pilots.my_proposals": "/proposals",
    "pilots.proposals_list": "/pilot-requests/<pilot_request>/proposals",
    "conversations.thread": "/conversations/<conversation>",
    "training.session_attendance": "/training/sessions/<training_session>/attendance",
    "training.cohort_action_plans": "/training/cohorts/<training_cohort>/action-plans",
    "training.cohort_completion": "/training/cohorts/<training_cohort>/completion",
    "training.applications": "/training/cohorts/<training_cohort>/applications",
    "training.index": "/training",
}
# Lists seen from a city member's account (the others are shown to an official).
CITY_LISTS = {"members.directory", "pilots.request_list"}
INVITING_ORG = "Zeta Inviting"
PROPOSER_EMAIL = "zeta.proposer@example.org"


def _pilot_call() -> int:
    """A closed call with three proposals, its proposer having proposed to three calls (the
    pilots lists); made once, returns the call's id."""
    from pilots.conftest import PilotFactory

    from seoul_platform.pilots.models import Interest, PilotRequest
    from support import Factory

    found = _db.session.scalar(select(PilotRequest.id).where(PilotRequest.title == "Zeta Call"))
    if found is not None:
        return found
    make, pilots = Factory(None), PilotFactory()
    city = _make_org("Zeta Pilot City")
    _db.session.commit()
    proposer = make.org("company", name="Zeta Proposer")
    make.user(proposer, email=PROPOSER_EMAIL)
    call = pilots.request(city, "closed", title="Zeta Call")
    pilots.interest(call, proposer)
    for n in range(2):
        pilots.interest(call, make.org("company", name=f"Zeta Rival {n}"))
        pilots.interest(pilots.request(city, "open", title=f"Zeta Open {n}"), proposer)
    assert _db.session.scalar(select(func.count(Interest.id))) >= 5
    return call.id


THREAD = "Zeta Thread"


def _thread_id() -> int:
    """The conversation whose messages are listed (three of them), made on first use."""
    from seoul_platform.accounts.models import User
    from seoul_platform.conversations import services as conversations
    from seoul_platform.conversations.models import Conversation

    found = _db.session.scalar(select(Conversation.id).where(Conversation.title == THREAD))
    if found is not None:
        return found
    author = _db.session.scalar(select(User).where(User.is_official.is_(True)))
    conversation = conversations.get_or_create_conversation("pagination", 1, title=THREAD)
    for n in range(3):
        conversations.post_message(author, conversation, f"Message {n}")
    for n in range(2):  # three conversations in all, for the list of conversations
        conversations.get_or_create_conversation("pagination", 2 + n, title=f"{THREAD} {n}")
    _db.session.commit()
    return conversation.id


TRAINING_COHORT = "Zeta Cohort"


def _training_cohort() -> int:
    return _training_ids()[0]


def _training_ids() -> tuple[int, int]:
    """A cohort with one session, three enrolled participants (the roster, the action plans
    and the completion lists) and one on the waitlist (four applications); made on first use.
    Returns (cohort id, session id)."""
    from training.conftest import TrainingFactory

    from seoul_platform.training.models import Cohort
    from support import Factory

    found = _db.session.scalar(select(Cohort).where(Cohort.title == TRAINING_COHORT))
    if found is None:
        make, training = Factory(None), TrainingFactory()
        found = training.cohort(title=TRAINING_COHORT, status="in_progress", capacity=3)
        training.session(found)
        org = _make_org("Zeta Training City")
        _db.session.commit()
        for n in range(4):
            training.enrollment(
                found,
                make.user(org, name=f"Zeta Participant {n}"),
                "enrolled" if n < 3 else "waitlisted",
            )
    return found.id, found.sessions[0].id


def _path(endpoint: str) -> str:
    """The list's address; an organisation's invitations need that organisation's id, a
    request's proposals the request's."""
    path = HTML_LISTS[endpoint]
    if endpoint.startswith("training."):
        cohort_id, session_id = _training_ids()
        path = path.replace("<training_cohort>", str(cohort_id))
        return path.replace("<training_session>", str(session_id))
    if "<partnership>" in path:
        return _fill(path.replace("<partnership>", "<int:partnership_id>"))
    if endpoint.startswith("pilots."):
        _pilot_call()
    if "<pilot_request>" in path:
        return path.replace("<pilot_request>", str(_pilot_call()))
    if "<conversation>" in path:
        with current_app.test_request_context():
            return path.replace("<conversation>", str(_thread_id()))
    if "<org>" not in path:
        return path
    from seoul_platform.members.models import Organization

    org_id = _db.session.scalar(select(Organization.id).where(Organization.name == INVITING_ORG))
    if org_id is None:
        org_id = _make_org(INVITING_ORG).id
        _db.session.commit()
    return path.replace("<org>", str(org_id))


def test_every_paginated_template_is_tested_here():
    used = set()
    for template in (ROOT / "platform").rglob("*.html"):
        used |= set(re.findall(r"pagination\(page, '([\w.]+)'", template.read_text()))
    assert used == set(HTML_LISTS)


@pytest.fixture
def three_of_everything(app, db, official, city, city_member):
    """At least three rows in every paginated list (with per_page=1: three pages or more)."""
    with app.test_request_context():
        inviting = _make_org(INVITING_ORG)
        for n in range(3):
            _make_org(f"Zeta Listed {n}")
            onboarding.create_invitation(
                official, email=f"invitee{n}@example.org", organization_id=inviting.id
            )
            notify([official], "account.enabled", link="/account")
            account_services.create_api_token(official.email, PASSWORD)
            onboarding.apply_to_join(
                {"kind": "company", "name": f"Applicant {n}", "country": "KR", "region": "asia"},
                name=f"Applicant Person {n}",
                email=f"applicant{n}@example.org",
                password=PASSWORD,
                motivation="We want to join.",
            )
            record_event(f"test.event{n}")
            _add_pilot_requests(city, n)
        _three_pilot_lists(city)
        _three_training_programmes()
        db.session.commit()
        _thread_id()


def _three_training_programmes() -> None:
    """Three programmes with a published cohort each (the training list and API lists)."""
    from datetime import date, timedelta

    from seoul_platform.training.models import Cohort, CohortStatus, Programme

    start = date.today() + timedelta(days=60)
    for n in range(3):
        programme = Programme(title=f"Zeta training {n}", year=2027)
        _db.session.add(programme)
        _db.session.flush()
        _db.session.add(
            Cohort(
                programme_id=programme.id,
                title=f"Zeta cohort {n}",
                status=CohortStatus.PUBLISHED,
                starts_on=start,
                ends_on=start + timedelta(days=3),
                capacity=10,
            )
        )
    _db.session.flush()


def _three_pilot_lists(city) -> None:
    """A running partnership with three milestones, KPIs, values and reports, and three
    published outcomes (the workspace's and the Results page's lists)."""
    from datetime import date

    from seoul_platform.db import utcnow
    from seoul_platform.members import services
    from seoul_platform.members.schemas import OrganizationInput
    from seoul_platform.pilots import models as pm

    data = OrganizationInput(kind="company", name="Zeta Partner", country="KR", region="asia")
    partner = services.create_organization_record(data.model_dump())
    for n in range(4):
        done = n > 0
        req = pm.PilotRequest(
            city_id=city.id,
            type=pm.PilotType.PILOT_IMPLEMENTATION,
            title=f"Zeta pilot {n}",
            status=pm.RequestStatus.COMPLETED if done else pm.RequestStatus.IN_PROGRESS,
            publish_consent=done,
            published_at=utcnow() if done else None,
        )
        _db.session.add(req)
        _db.session.flush()
        p = pm.Partnership(request_id=req.id, city_id=city.id, partner_id=partner.id)
        _db.session.add(p)
        _db.session.flush()
        if done:
            continue
        kpis = [pm.Kpi(request_id=req.id, position=i + 1, name=f"KPI {i}") for i in range(3)]
        _db.session.add_all(kpis)
        _db.session.flush()
        for i in range(3):
            _db.session.add_all(
                [
                    pm.KpiValue(
                        kpi_id=kpis[0].id, measured_on=date(2025, 1, 1 + i), value=i, source="S"
                    ),
                    pm.Milestone(partnership_id=p.id, title=f"M {i}", planned_on=date(2025, 1, 1)),
                    pm.ProgressReport(
                        partnership_id=p.id,
                        period_start=date(2025, 1, 1 + i),
                        period_end=date(2025, 1, 1 + i),
                        summary=f"Report {i}",
                    ),
                ]
            )


def _fill(rule: str) -> str:
    """A list's rule with its path parameters filled from `_three_pilot_lists`'s rows."""
    from seoul_platform.pilots import models as pm

    if "<int:partnership_id>" in rule:
        running = (
            select(pm.Partnership.id)
            .join(pm.PilotRequest, pm.PilotRequest.id == pm.Partnership.request_id)
            .where(pm.PilotRequest.status == pm.RequestStatus.IN_PROGRESS)
        )
        partnership_id = _db.session.scalar(running)
        if partnership_id is None:  # a test without three_of_everything
            _three_pilot_lists(_make_org("Zeta Pilot City"))
            _db.session.commit()
            partnership_id = _db.session.scalar(running)
        rule = rule.replace("<int:partnership_id>", str(partnership_id))
    if "<int:kpi_id>" in rule:
        kpi_id = _db.session.scalar(
            select(pm.KpiValue.kpi_id).join(pm.Kpi).order_by(pm.KpiValue.id).limit(1)
        )
        rule = rule.replace("<int:kpi_id>", str(kpi_id))
    return rule


def _add_pilot_requests(city, n: int) -> None:
    """A submitted request and an open call of ``city`` (pipeline, open calls, its list)."""
    from datetime import timedelta

    from seoul_platform.db import utcnow
    from seoul_platform.pilots.models import PilotRequest, PilotType, RequestStatus

    now = utcnow()
    for status in (RequestStatus.SUBMITTED, RequestStatus.OPEN):
        is_open = status == RequestStatus.OPEN
        _db.session.add(
            PilotRequest(
                city_id=city.id,
                type=PilotType.FEASIBILITY_STUDY,
                status=status,
                title=f"Listed request {n} {status.value}",
                submitted_at=now - timedelta(days=n + 1),
                opened_at=now if is_open else None,
                deadline=now + timedelta(days=28 + n) if is_open else None,
            )
        )


def _make_org(name: str):
    from seoul_platform.members import services
    from seoul_platform.members.schemas import OrganizationInput

    data = OrganizationInput(kind="city", name=name, country="KR", region="asia").model_dump()
    return services.create_organization_record(data)


def _client_for(app, endpoint, official, city_member):
    if endpoint == "pilots.my_proposals":
        from seoul_platform.accounts.models import User

        _pilot_call()
        return signed_in(app, _db.session.scalar(select(User).where(User.email == PROPOSER_EMAIL)))
    return signed_in(app, city_member if endpoint in CITY_LISTS else official)


def _with(path: str, **args) -> str:
    return path + ("&" if "?" in path else "?") + "&".join(f"{k}={v}" for k, v in args.items())


def _main(html: str) -> str:
    """The page's main content without the notice, CSRF tokens and layout whitespace."""
    main = re.search(r'<main id="main".*</main>', html, re.S).group()
    main = re.sub(r'<p class="page-notice" role="status">.*?</p>', "", main, flags=re.S)
    main = re.sub(r'name="csrf_token"( type="hidden")? value="[^"]*"', "", main)
    return " ".join(main.split())


NOTICE = re.compile(r"Page (\d+) does not exist; showing the last page, (\d+)\.")


@pytest.mark.parametrize("endpoint", sorted(HTML_LISTS))
@pytest.mark.parametrize("requested", [HUGE, "99", str(MAX_PAGE)])
def test_html_list_past_the_end_shows_the_last_page_with_a_notice(
    app, official, city_member, three_of_everything, endpoint, requested
):
    client = _client_for(app, endpoint, official, city_member)
    last_page = client.get(_with(_path(endpoint), per_page=1, page=requested))
    assert last_page.status_code == 200
    html = last_page.get_data(True)
    notice = NOTICE.search(html)
    assert notice, html[:3000]
    assert notice.group(1) == requested
    last = int(notice.group(2))
    assert last >= 3
    assert f">Page {last} of {last}</a>" in html and 'aria-current="page"' in html
    assert f"Page {requested} of" not in html
    assert 'rel="next"' not in html and 'rel="prev"' in html
    # The same rows as asking for the last page by its number (without the notice).
    direct = client.get(_with(_path(endpoint), per_page=1, page=last)).get_data(True)
    assert not NOTICE.search(direct)
    assert _main(html) == _main(direct)


@pytest.mark.parametrize("endpoint", sorted(HTML_LISTS))
def test_html_list_pages_link_to_each_other_in_an_accessible_nav(
    app, official, city_member, three_of_everything, endpoint
):
    client = _client_for(app, endpoint, official, city_member)
    html = client.get(_with(_path(endpoint), per_page=1, page=2)).get_data(True)
    nav = re.search(r'<nav class="pager" aria-label="Pages">.*?</nav>', html, re.S)
    assert nav, html[:3000]
    nav = nav.group().replace("&amp;", "&")
    assert 'aria-current="page">Page 2 of' in nav
    assert re.search(r'href="[^"]*page=1[^"]*" rel="prev"', nav)
    assert re.search(r'href="[^"]*page=3[^"]*" rel="next"', nav)
    assert "per_page=1" in nav  # a chosen page size is kept
    assert not NOTICE.search(html)


@pytest.mark.parametrize("endpoint", sorted(HTML_LISTS))
def test_html_list_with_a_bad_page_number_is_a_page_not_an_error(
    app, official, city_member, endpoint
):
    client = _client_for(app, endpoint, official, city_member)
    for page in (HUGE, "-1", "0", "abc", "1e9", "9" * 5000):
        response = client.get(_with(_path(endpoint), page=page))
        # The directory reports parameters it could not use (422), the rest ignore them.
        assert response.status_code in (200, 422), (page, response.status_code)
        assert "<nav" in response.get_data(True)


# ---- API lists -----------------------------------------------------------------------------

API_LISTS = [op for op in api_operations() if _is_list(op)]


def _api_path(rule: str) -> str:
    """A list's address with its path parameters filled in (each list with parameters
    names the rows of its own here)."""
    fill = {
        "conversation_id": _thread_id,
        "request_id": _pilot_call,
        "cohort_id": _training_cohort,
    }
    path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(fill[m.group(1)]()), _fill(rule))
    assert "<" not in path, "fill this list's path parameters here to test it"
    return path


def test_there_are_api_lists_to_test():
    assert API_LISTS


@pytest.fixture
def api_headers(app, official):
    return bearer(app.test_client(), official)


@pytest.mark.parametrize("op", API_LISTS, ids=lambda op: op.endpoint)
def test_api_list_past_the_end_is_404(app, db, api_headers, three_of_everything, op):
    client = app.test_client()
    url = "/api/v1" + _api_path(op.rule)
    total = client.get(url, headers=api_headers).get_json()["total"]
    assert total >= 3
    last = client.get(f"{url}?per_page=1&page={total}", headers=api_headers)
    assert last.status_code == 200 and len(last.get_json()["items"]) == 1
    assert 'rel="next"' not in last.headers["Link"]
    for page in (total + 1, 99, HUGE, MAX_PAGE):
        response = client.get(f"{url}?per_page=1&page={page}", headers=api_headers)
        assert response.status_code == 404, (page, response.get_json())
        assert response.mimetype == "application/problem+json"
        assert response.get_json()["detail"] == (
            f"Page {page} does not exist; the last page is {total}."
        )
    for bad in (f"page={MAX_PAGE + 1}", "page=0", "page=abc", "per_page=101", "per_page=0"):
        response = client.get(f"{url}?{bad}", headers=api_headers)
        assert response.status_code == 422, bad
        assert response.mimetype == "application/problem+json"


def test_api_first_page_of_an_empty_list_is_an_empty_200(app, api_headers):
    client = app.test_client()
    empty = client.get("/api/v1/organizations?q=nothing+like+this", headers=api_headers)
    assert empty.status_code == 200
    assert empty.get_json() == {"items": [], "total": 0, "page": 1, "per_page": 20}
    assert 'rel="first"' in empty.headers["Link"] and 'rel="last"' in empty.headers["Link"]
    second = client.get("/api/v1/organizations?q=nothing+like+this&page=2", headers=api_headers)
    assert second.status_code == 404


def test_openapi_documents_404_past_the_end_and_the_link_header(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    listed = 0
    for op in API_LISTS:
        path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", "/" + op.rule.lstrip("/"))
        entry = spec["paths"][path][op.method]
        assert "past the end" in entry["responses"]["404"]["description"]
        assert "Link" in entry["responses"][str(op.status)]["headers"]
        listed += 1
    assert listed == len(API_LISTS) >= 1
    # Operations that are not lists keep the generic 404.
    assert spec["paths"]["/me"]["get"]["responses"]["404"] == {
        "$ref": "#/components/responses/E404"
    }


def test_list_services_count_in_sql(app, db, official, three_of_everything):
    """The outbox and invitations totals are what the database holds (not one page's)."""
    from seoul_platform.mail.models import OutboundEmail
    from seoul_platform.mail.services import list_outbox
    from seoul_platform.onboarding.invitations import list_invitations

    page = list_outbox(PageQuery(per_page=1))
    assert page.total == db.session.scalar(select(func.count(OutboundEmail.id)))
    assert len(page.items) == 1 and page.pages == page.total
    invitations = list_invitations(official, PageQuery(per_page=2, page=2))
    assert invitations.total == 3 and len(invitations.items) == 1 and not invitations.past_end
