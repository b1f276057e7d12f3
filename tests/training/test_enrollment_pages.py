"""Enrollment pages (HTML, English and Korean): the cohort's enrollment panel for each kind of
member and for officials, applying (for oneself, an org admin for a colleague; errors on the
page), the offer, withdrawing through its confirmation page, my training, and the officials'
applications page with its filters, one-by-one and bulk decisions and the cohort's mix."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import timedelta

import pytest
from flask import render_template
from sqlalchemy import event, func, select

from seoul_platform.db import db as db_
from seoul_platform.db import utcnow
from seoul_platform.training import panels
from seoul_platform.training.models import Enrollment, EnrollmentStatus
from support import csrf_token, signed_in

KO = {"lang": "ko"}


def _get(client, url, headers=None):
    """GET ``url``; ``headers`` == KO shows the page in Korean (the language cookie)."""
    if headers == KO:
        client.set_cookie("lang", "ko")
    else:
        client.delete_cookie("lang")
    return client.get(url)


def _html(response) -> str:
    return response.get_data(as_text=True)


def _panel(cohort_id: int) -> str:
    return f"/training/cohorts/{cohort_id}/enrollment"


def _post(client, url, data=None, page=None):
    token = csrf_token(client, page or url)
    return client.post(url, data={**(data or {}), "csrf_token": token})


def _status(db, enrollment_id) -> str:
    db.session.expire_all()
    return db.session.get(Enrollment, enrollment_id).status.value


# ---- the panel ------------------------------------------------------------------------------


def test_the_panel_registers_on_the_cohort_page(app, db, training, participant, official):
    cohort = training.cohort()
    with app.test_request_context():
        member_panels = panels.collect("cohort", participant, cohort)
        official_panels = panels.collect("cohort", official, cohort)
    templates = [p.template for p in member_panels]
    assert "training/enrollments/_cohort_panel.html" in templates
    ours = next(p for p in official_panels if p.template.startswith("training/enrollments/"))
    assert ours.context["official"] is True


def test_a_member_applies_from_the_panel_and_sees_where_they_stand(app, db, training, participant):
    cohort = training.cohort(capacity=5)
    client = signed_in(app, participant)
    page = client.get(_panel(cohort.id))
    assert page.status_code == 200
    assert "Apply to this cohort" in _html(page)
    done = _post(
        client, f"/training/cohorts/{cohort.id}/apply", {"motivation": "Hi"}, _panel(cohort.id)
    )
    assert done.status_code == 302
    after = client.get(done.headers["Location"])
    assert "You are enrolled." in _html(after)
    assert "Enrolled" in _html(after) and "Withdraw from this cohort" in _html(after)
    assert "Apply to this cohort" not in _html(after)


def test_a_full_cohort_waitlists_and_shows_the_position(app, db, make, city, training, participant):
    cohort = training.cohort(capacity=1)
    training.enrollment(cohort, make.user(city))
    training.enrollment(cohort, make.user(city), "waitlisted")
    client = signed_in(app, participant)
    _post(client, f"/training/cohorts/{cohort.id}/apply", {}, _panel(cohort.id))
    html = _html(client.get(_panel(cohort.id)))
    assert "Your place on the waitlist: 2" in html
    ko = _html(_get(client, _panel(cohort.id), KO))
    assert "대기" in ko  # the Korean page


def test_too_long_a_motivation_is_shown_on_the_page_and_stores_nothing(
    app, db, training, participant
):
    cohort = training.cohort()
    client = signed_in(app, participant)
    response = _post(
        client,
        f"/training/cohorts/{cohort.id}/apply",
        {"motivation": "x" * 2001},
        _panel(cohort.id),
    )
    assert response.status_code == 422
    assert "error-summary" in _html(response)
    assert db.session.scalar(select(func.count(Enrollment.id))) == 0


def test_not_eligible_members_see_every_reason(app, db, training, participant):
    cohort = training.cohort(
        org_kinds=["company"], application_deadline=utcnow() - timedelta(hours=1)
    )
    html = _html(signed_in(app, participant).get(_panel(cohort.id)))
    assert "You cannot apply to this cohort" in html
    assert "deadline has passed" in html and "other kinds of organisation" in html
    assert "Apply to this cohort" not in html


def test_the_cohort_page_lists_the_reasons_once(app, db, training, participant):
    cohort = training.cohort(org_kinds=["company"])
    page = signed_in(app, participant).get(f"/training/cohorts/{cohort.id}")
    html = _html(page)
    assert page.status_code == 200 and html.count("other kinds of organisation") == 1
    assert 'href="#eligibility-title"' in html and 'id="eligibility-title"' in html


def test_an_org_admin_applies_for_a_colleague(app, db, make, city, city_admin, training):
    cohort = training.cohort()
    colleague = make.user(city, name="Cleo Colleague")
    client = signed_in(app, city_admin)
    page = _html(client.get(_panel(cohort.id)))
    assert "Who is applying" in page and "Cleo Colleague" in page
    done = _post(
        client,
        f"/training/cohorts/{cohort.id}/apply",
        {"person": str(colleague.id), "motivation": ""},
        _panel(cohort.id),
    )
    assert done.status_code == 302
    row = db.session.scalar(select(Enrollment).where(Enrollment.user_id == colleague.id))
    assert row.status == EnrollmentStatus.ENROLLED and row.applied_by_id == city_admin.id
    detail = client.get(f"/training/enrollments/{row.id}")
    assert detail.status_code == 200 and "Cleo Colleague" in _html(detail)


def test_withdraw_asks_first_and_works_without_javascript(app, db, training, participant):
    cohort = training.cohort()
    e = training.enrollment(cohort, participant)
    client = signed_in(app, participant)
    confirm = client.get(f"/training/enrollments/{e.id}/withdraw")
    assert confirm.status_code == 200 and "Yes, withdraw" in _html(confirm)
    assert _status(db, e.id) == "enrolled"
    done = _post(client, f"/training/enrollments/{e.id}/withdraw")
    assert done.status_code == 302 and _status(db, e.id) == "withdrawn"
    again = _post(client, f"/training/enrollments/{e.id}/withdraw", page=_panel(cohort.id))
    assert again.status_code == 302
    assert "withdrawn" in _html(client.get(again.headers["Location"]))  # the 409, flashed
    assert "Apply to this cohort" in _html(client.get(_panel(cohort.id)))  # again, back of line


def test_an_offer_is_shown_with_its_expiry_and_accepted(app, db, training, participant):
    cohort = training.cohort(capacity=1)
    e = training.enrollment(cohort, participant, "offered")
    client = signed_in(app, participant)
    html = _html(client.get(_panel(cohort.id)))
    assert "A seat is offered to you" in html and "Accept the seat" in html
    assert "Decline the seat" in html
    ko = _html(_get(client, _panel(cohort.id), KO))
    assert "A seat is offered to you" not in ko
    _post(client, f"/training/enrollments/{e.id}/accept-offer", page=_panel(cohort.id))
    assert _status(db, e.id) == "enrolled"


def test_an_offer_is_declined_through_its_confirmation(app, db, training, participant):
    cohort = training.cohort(capacity=1)
    e = training.enrollment(cohort, participant, "offered")
    client = signed_in(app, participant)
    confirm = client.get(f"/training/enrollments/{e.id}/decline-offer")
    assert "Yes, decline the seat" in _html(confirm)
    _post(client, f"/training/enrollments/{e.id}/decline-offer")
    assert _status(db, e.id) == "declined"


def test_an_expired_offer_is_expired_when_the_panel_is_shown(app, db, training, participant):
    cohort = training.cohort(capacity=1)
    e = training.enrollment(
        cohort, participant, "offered", offer_expires_at=utcnow() - timedelta(minutes=5)
    )
    html = _html(signed_in(app, participant).get(_panel(cohort.id)))
    assert "Offer expired" in html and "Accept the seat" not in html
    assert _status(db, e.id) == "expired"


def test_the_prerequisite_is_confirmed_from_the_panel(app, db, training, participant):
    cohort = training.cohort(
        prerequisite_title="Smart city basics", prerequisite_url="https://example.org/m"
    )
    e = training.enrollment(cohort, participant)
    client = signed_in(app, participant)
    assert "I have completed the module" in _html(client.get(_panel(cohort.id)))
    _post(client, f"/training/enrollments/{e.id}/prerequisite", page=_panel(cohort.id))
    db.session.expire_all()
    assert db.session.get(Enrollment, e.id).prerequisite_confirmed_at is not None
    assert "Prerequisite confirmed" in _html(client.get(_panel(cohort.id)))


def test_officials_see_the_counts_and_the_link(app, db, make, city, training, official):
    cohort = training.cohort(capacity=3)
    training.enrollment(cohort, make.user(city))
    training.enrollment(cohort, make.user(city), "waitlisted")
    html = _html(signed_in(app, official).get(_panel(cohort.id)))
    assert "Seats taken: 1 of 3" in html
    assert "Review the applications" in html and "Apply to this cohort" not in html


# ---- my training ----------------------------------------------------------------------------


@pytest.mark.parametrize("headers", [{}, KO])
def test_my_training_lists_my_enrollments_only(app, db, make, city, training, participant, headers):
    full = training.cohort(capacity=1, title="Full cohort")
    training.enrollment(full, make.user(city, name="Someone Else"))
    training.enrollment(full, participant, "waitlisted")
    offered = training.cohort(capacity=1, title="Offer cohort")
    training.enrollment(offered, participant, "offered")
    response = _get(signed_in(app, participant), "/training/mine", headers)
    html = _html(response)
    assert response.status_code == 200
    assert "Full cohort" in html and "Offer cohort" in html and "Someone Else" not in html
    if not headers:
        assert "Place on the waitlist: 1" in html and "Answer the offer" in html
    else:
        assert "My training" not in html


def test_my_training_links_my_calendar(app, db, training, participant):
    """The person's own calendar is offered where their enrollments are, not only on the
    programme list (the walkthrough of applying ends there)."""
    cohort = training.cohort(title="Calendar cohort")
    training.session(cohort, title="Calendar lecture")
    training.enrollment(cohort, participant)
    client = signed_in(app, participant)
    html = _html(_get(client, "/training/mine"))
    assert 'href="/training/my-calendar.ics" download' in html
    response = client.get("/training/my-calendar.ics")
    assert response.mimetype == "text/calendar"
    assert "Calendar lecture" in response.get_data(as_text=True)


# ---- the applications page ------------------------------------------------------------------


@pytest.fixture
def reviewed(make, city, company, training):
    cohort = training.cohort(admission="reviewed", capacity=2, title="Reviewed cohort")
    rows = [
        training.enrollment(cohort, make.user(city, name=f"Applicant {n}"), "applied")
        for n in range(3)
    ]
    rows.append(
        training.enrollment(cohort, make.user(company, name="Company Applicant"), "applied")
    )
    return cohort, rows


def _apps(cohort_id: int, query: str = "") -> str:
    return f"/training/cohorts/{cohort_id}/applications{query}"


@pytest.mark.parametrize("headers", [{}, KO])
def test_the_applications_page_lists_in_ticket_order_with_the_mix(
    app, db, official, reviewed, headers
):
    cohort, rows = reviewed
    response = _get(signed_in(app, official), _apps(cohort.id), headers)
    html = _html(response)
    assert response.status_code == 200
    names = [html.index(f"Applicant {n}") for n in range(3)]
    assert names == sorted(names)
    assert 'name="ids"' in html and f'value="{rows[0].id}:accept"' in html
    assert "<caption>" in html  # the mix tables
    if headers:
        assert "The cohort's mix" not in html


def test_filters_by_status_and_ignores_bad_values(app, db, official, reviewed):
    cohort, _rows = reviewed
    client = signed_in(app, official)
    html = _html(client.get(_apps(cohort.id, "?status=waitlisted")))
    assert "Applicant 0" not in html and "No applications match." in html
    bad = client.get(_apps(cohort.id, "?status=nonsense&page=abc"))
    assert bad.status_code == 422 and "Applicant 0" in _html(bad)
    past_end = client.get(_apps(cohort.id, "?page=999999999999999999999999"))
    assert past_end.status_code in (200, 422)


def test_one_by_one_and_bulk_decisions_without_javascript(app, db, official, reviewed):
    cohort, rows = reviewed
    client = signed_in(app, official)
    one = _post(client, _apps(cohort.id), {"one": f"{rows[0].id}:accept"}, _apps(cohort.id))
    assert one.status_code == 302 and _status(db, rows[0].id) == "enrolled"
    bulk = _post(
        client,
        _apps(cohort.id),
        {"ids": [str(rows[1].id), str(rows[2].id)], "decision": "accept"},
        _apps(cohort.id),
    )
    assert bulk.status_code == 302
    assert [_status(db, r.id) for r in rows[1:3]] == ["enrolled", "applied"]  # 2 seats
    page = _html(client.get(bulk.headers["Location"]))
    assert "1 application decided." in page and "full" in page
    no_reason = _post(
        client, _apps(cohort.id), {"ids": [str(rows[3].id)], "decision": "reject"}, _apps(cohort.id)
    )
    assert no_reason.status_code == 422 and "Give a reason to reject." in _html(no_reason)
    assert _status(db, rows[3].id) == "applied"
    rejected = _post(
        client,
        _apps(cohort.id),
        {"ids": [str(rows[3].id)], "decision": "reject", "reason": "Next year."},
        _apps(cohort.id),
    )
    assert rejected.status_code == 302 and _status(db, rows[3].id) == "rejected"
    waitlisted = _post(
        client, _apps(cohort.id), {"one": f"{rows[2].id}:waitlist"}, _apps(cohort.id)
    )
    assert waitlisted.status_code == 302 and _status(db, rows[2].id) == "waitlisted"


@pytest.mark.parametrize(
    "data",
    [
        {"decision": "accept"},
        {"ids": ["abc"], "decision": "accept"},
        {"ids": ["99999999999999999999"], "decision": "accept"},
        {"ids": ["1"], "decision": "promote"},
        {"one": "1:promote"},
        {"one": "x"},
        {"ids": ["1"], "decision": "reject", "reason": "x" * 2001},
    ],
)
def test_hostile_decision_forms_are_422(app, db, official, reviewed, data):
    cohort, rows = reviewed
    client = signed_in(app, official)
    response = _post(client, _apps(cohort.id), data, _apps(cohort.id))
    assert response.status_code == 422
    assert [_status(db, r.id) for r in rows] == ["applied"] * 4


# ---- a fixed number of queries -------------------------------------------------------------


@contextmanager
def counted():
    statements: list[str] = []

    def before(conn, cursor, statement, parameters, context, executemany):
        head = statement.lstrip().upper()
        if not head.startswith(("SAVEPOINT", "RELEASE", "BEGIN")):
            statements.append(statement)

    event.listen(db_.engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        event.remove(db_.engine, "before_cursor_execute", before)


def _grow(make, training, cohort, n, status="waitlisted"):
    for _ in range(n):
        org = make.org("city", region="africa", country="RW")
        training.enrollment(cohort, make.user(org), status)


def test_the_panel_costs_the_same_whatever_the_data(
    app, db, make, city, city_admin, official, training, participant
):
    small, large = training.cohort(capacity=1), training.cohort(capacity=1)
    for cohort in (small, large):
        training.enrollment(cohort, make.user(city))  # the seat
    training.enrollment(small, participant, "waitlisted")
    _grow(make, training, large, 6)
    for _ in range(3):  # colleagues the admin sees listed
        training.enrollment(large, make.user(city), "waitlisted")
    training.enrollment(large, participant, "waitlisted")
    for _ in range(5):
        make.user(city)  # colleagues the admin may apply for

    def cost(actor, cohort) -> int:
        with app.test_request_context():
            actor = db.session.get(type(actor), actor.id)
            cohort = db.session.get(type(cohort), cohort.id)
            with counted() as statements:
                found = panels.collect("cohort", actor, cohort)
                html = render_template(found[0].template, panel=found[0].context)
            assert "enrollment-panel" in html
            return len(statements)

    for actor in (participant, city_admin, official):
        assert cost(actor, small) == cost(actor, large), actor.name


def test_the_applications_page_costs_the_same_whatever_the_data(
    app, db, make, city, official, training
):
    small, large = training.cohort(capacity=2), training.cohort(capacity=2)
    _grow(make, training, small, 1, "applied")
    _grow(make, training, small, 1)
    _grow(make, training, large, 8, "applied")
    _grow(make, training, large, 8)
    client = signed_in(app, official)

    def cost(cohort) -> int:
        client.get(_apps(cohort.id))  # warm: the session's user, the token
        with counted() as statements:
            assert client.get(_apps(cohort.id)).status_code == 200
        return len(statements)

    assert cost(small) == cost(large)


def test_an_org_admin_sees_their_colleagues_enrollments_and_nobody_else_does(
    app, db, make, city, company, city_admin, training, participant
):
    cohort = training.cohort(capacity=1)
    training.enrollment(cohort, participant)
    training.enrollment(cohort, make.user(company, name="Stranger Applicant"), "waitlisted")
    admin_html = _html(signed_in(app, city_admin).get(_panel(cohort.id)))
    assert "Your colleagues in this cohort" in admin_html
    assert "Lene Participant" in admin_html and "Stranger Applicant" not in admin_html
    colleague_html = _html(signed_in(app, make.user(city)).get(_panel(cohort.id)))
    assert "Lene Participant" not in colleague_html
    outsider_html = _html(signed_in(app, make.user(company)).get(_panel(cohort.id)))
    assert "Lene Participant" not in outsider_html and "Stranger Applicant" not in outsider_html


def test_a_second_click_on_apply_says_where_they_stand(app, db, training, participant):
    cohort = training.cohort()
    client = signed_in(app, participant)
    url = f"/training/cohorts/{cohort.id}/apply"
    token = csrf_token(client, _panel(cohort.id))
    first = client.post(url, data={"csrf_token": token})
    second = client.post(url, data={"csrf_token": token})
    assert first.status_code == second.status_code == 302
    assert "already enrolled" in _html(client.get(second.headers["Location"]))
    assert db.session.scalar(select(func.count(Enrollment.id))) == 1
