"""Pilot request services: drafting, editing, submitting, the officials' decisions, the
deadline closing by itself, and the notifications each move sends."""

from __future__ import annotations

from datetime import timedelta

import pytest
from pydantic import ValidationError as PydanticError
from sqlalchemy import func, select

from seoul_platform.audit.models import StateChange
from seoul_platform.db import unit_of_work, utcnow
from seoul_platform.errors import Conflict, NotFound, PermissionDenied, ValidationError
from seoul_platform.notifications.models import Notification
from seoul_platform.pilots import requests as services
from seoul_platform.pilots import review
from seoul_platform.pilots.models import PilotRequest, RequestStatus
from seoul_platform.pilots.request_schemas import RequestInput, RequestPatch, ReviewIn

COMPLETE = {
    "type": "pilot_implementation",
    "title": "Appointment reminders for older residents",
    "sectors": ["welfare"],
    "challenge": "Older residents miss medical appointments.",
    "kpis": [{"name": "Missed appointments", "unit": "%", "baseline": 18}],
    "criteria": [
        {"name": "Approach", "weight": 70},
        {"name": "Cost", "weight": 30},
    ],
    "currency": "KRW",
}


def _draft(actor, **changes):
    with unit_of_work():
        return services.create_request(actor, RequestInput(**{**COMPLETE, **changes})).id


def _kinds(db) -> list[str]:
    return sorted(db.session.scalars(select(Notification.kind)))


def test_a_city_member_drafts_edits_and_submits(db, city_member, official, city_admin):
    req_id = _draft(city_member, criteria=[{"name": "Approach", "weight": 50}])
    with unit_of_work():
        services.update_request(
            city_member,
            req_id,
            RequestPatch(
                criteria=[{"name": "Approach", "weight": 60}, {"name": "Cost", "weight": 40}]
            ),
        )
    with unit_of_work():
        req = services.submit_request(city_member, req_id)
        assert req.status == RequestStatus.SUBMITTED and req.submitted_at is not None
    assert [c.weight for c in req.criteria] == [60, 40]
    assert _kinds(db) == ["pilot_request.submitted"]  # to the one official
    moves = db.session.scalars(select(StateChange)).all()
    assert [(m.from_state, m.to_state, m.role) for m in moves] == [("draft", "submitted", "city")]


def test_submit_reports_every_missing_item_at_once(db, city_member):
    req_id = _draft(
        city_member, challenge="", sectors=[], kpis=[], criteria=[{"name": "A", "weight": 30}]
    )
    with pytest.raises(ValidationError) as err, unit_of_work():
        services.submit_request(city_member, req_id)
    assert set(err.value.errors) == {"challenge", "sectors", "kpis", "criteria"}
    assert "30" in err.value.errors["criteria"][0]
    assert db.session.get(PilotRequest, req_id).status == RequestStatus.DRAFT


def test_outsiders_cannot_see_or_change_a_draft(
    db, city_member, make, other_city, company, official
):
    req_id = _draft(city_member)
    stranger = make.user(other_city)
    company_person = make.user(company)
    for person in (stranger, company_person, official):
        with pytest.raises(NotFound), unit_of_work():
            services.get_request(person, req_id)
        with pytest.raises(NotFound), unit_of_work():
            services.update_request(person, req_id, RequestPatch(title="Mine now"))
        with pytest.raises(NotFound), unit_of_work():
            services.submit_request(person, req_id)
    with pytest.raises(PermissionDenied), unit_of_work():
        services.create_request(company_person, RequestInput(**COMPLETE))


def test_budget_and_timeline_must_be_in_order(db, city_member):
    with pytest.raises(ValidationError) as err, unit_of_work():
        services.create_request(
            city_member,
            RequestInput(
                **{
                    **COMPLETE,
                    "budget_min": 10,
                    "budget_max": 5,
                    "starts_on": "2027-05-01",
                    "ends_on": "2027-01-01",
                }
            ),
        )
    assert set(err.value.errors) == {"budget_max", "ends_on"}
    req_id = _draft(city_member, budget_min=100, budget_max=200)
    with pytest.raises(ValidationError), unit_of_work():
        services.update_request(city_member, req_id, RequestPatch(budget_max=50))


def test_editing_is_refused_once_submitted(db, city_member):
    req_id = _draft(city_member)
    with unit_of_work():
        services.submit_request(city_member, req_id)
    with pytest.raises(Conflict) as err, unit_of_work():
        services.update_request(city_member, req_id, RequestPatch(title="Changed"))
    assert "submitted" in err.value.detail


def test_changes_requested_then_resubmitted(db, city_member, city_admin, official):
    req_id = _draft(city_member)
    with unit_of_work():
        services.submit_request(city_member, req_id)
    with pytest.raises(ValidationError), unit_of_work():
        review.request_changes(official, req_id, "  ")
    with unit_of_work():
        review.request_changes(official, req_id, "Add a KPI on satisfaction.")
    notes = db.session.scalars(
        select(Notification).where(Notification.kind == "pilot_request.changes_requested")
    ).all()
    assert {n.user_id for n in notes} == {city_member.id, city_admin.id}
    assert notes[0].params["comment"] == "Add a KPI on satisfaction."
    with unit_of_work():
        services.update_request(city_member, req_id, RequestPatch(title="Reminders, revised"))
        services.submit_request(city_member, req_id)
    history = [m.to_state for m in db.session.scalars(select(StateChange).order_by(StateChange.id))]
    assert history == ["submitted", "changes_requested", "submitted"]


def test_opening_a_call_sets_the_default_deadline(db, city_member, official, pilots, city):
    req = pilots.request(city, "submitted")
    with unit_of_work():
        opened = review.open_call(official, req.id)
        assert opened.status == RequestStatus.OPEN
        assert (
            abs(
                (
                    opened.deadline.replace(tzinfo=None)
                    - (utcnow() + timedelta(days=28)).replace(tzinfo=None)
                ).total_seconds()
            )
            < 60
        )
    assert _kinds(db) == ["pilot_request.opened"]


def test_a_shorter_call_needs_a_reason_and_records_it(db, official, pilots, city):
    req = pilots.request(city, "submitted")
    soon = utcnow() + timedelta(days=10)
    with pytest.raises(ValidationError) as err, unit_of_work():
        review.open_call(official, req.id, soon)
    assert "reason" in err.value.errors
    for bad in (utcnow() - timedelta(hours=1), utcnow() + timedelta(days=400)):
        with pytest.raises(ValidationError) as err, unit_of_work():
            review.open_call(official, req.id, bad, "urgent")
        assert "deadline" in err.value.errors
    with unit_of_work():
        review.open_call(official, req.id, soon, "The city council votes next month.")
    stored = db.session.get(PilotRequest, req.id)
    assert stored.deadline_reason == "The city council votes next month."
    move = db.session.scalar(select(StateChange).where(StateChange.to_state == "open"))
    assert move.reason == "The city council votes next month."


def test_only_officials_decide(db, city_member, pilots, city, make, company):
    req = pilots.request(city, "submitted")
    for move in (RequestStatus.OPEN, RequestStatus.REJECTED, RequestStatus.CHANGES_REQUESTED):
        with pytest.raises(PermissionDenied), unit_of_work():
            review.move_request(city_member, req.id, move, reason="Mine")
    with pytest.raises(NotFound), unit_of_work():
        review.move_request(make.user(company), req.id, RequestStatus.OPEN)


def test_reject_and_cancel_need_reasons_and_notify(db, city_member, official, pilots, city):
    req = pilots.request(city, "submitted")
    with pytest.raises(ValidationError), unit_of_work():
        review.reject_request(official, req.id, "")
    with unit_of_work():
        review.reject_request(official, req.id, "Outside the programme's scope.")
    assert _kinds(db) == ["pilot_request.rejected"]
    with pytest.raises(Conflict) as err, unit_of_work():
        services.cancel_request(city_member, req.id, "Too late")
    assert "rejected" in err.value.detail

    other = pilots.request(city, "submitted")
    with unit_of_work():
        services.cancel_request(city_member, other.id, "The council cut the budget.")
    recipients = db.session.scalars(
        select(Notification.user_id).where(Notification.kind == "pilot_request.cancelled")
    ).all()
    assert set(recipients) == {city_member.id, official.id}


def test_a_draft_cancelled_by_its_city_tells_no_official(db, city_member, official):
    req_id = _draft(city_member)
    with unit_of_work():
        services.cancel_request(city_member, req_id, "Started by mistake.")
    recipients = db.session.scalars(select(Notification.user_id)).all()
    assert recipients == [city_member.id]


def test_overdue_calls_close_lazily_and_by_the_job(db, city_member, company_admin, pilots, city):
    due = pilots.request(city, "open", deadline_in_days=-1)
    later = pilots.request(city, "open", deadline_in_days=5)
    with unit_of_work():
        seen = services.get_request(company_admin, due.id)
        assert seen.status == RequestStatus.CLOSED and seen.closed_at is not None
    move = db.session.scalar(select(StateChange))
    assert (move.to_state, move.role, move.actor_id) == ("closed", "system", None)
    assert _kinds(db) == ["pilot_request.closed"]
    with unit_of_work():
        assert services.close_overdue_requests() == 0  # already closed; the other not due
    db.session.execute(
        PilotRequest.__table__.update()
        .where(PilotRequest.id == later.id)
        .values(deadline=utcnow() - timedelta(minutes=1))
    )
    db.session.commit()
    from seoul_platform.pilots.tasks import close_overdue_calls

    assert close_overdue_calls.call_local() == 1
    db.session.expire_all()
    assert db.session.get(PilotRequest, later.id).status == RequestStatus.CLOSED
    assert db.session.scalar(select(func.count(StateChange.id))) == 2


def test_an_official_closes_a_call_early_with_a_reason(db, official, pilots, city):
    req = pilots.request(city, "open")
    with pytest.raises(ValidationError), unit_of_work():
        review.close_call(official, req.id, "")
    with unit_of_work():
        review.close_call(official, req.id, "Enough proposals.")
    assert db.session.get(PilotRequest, req.id).status == RequestStatus.CLOSED
    with unit_of_work():
        assert services.close_overdue_requests() == 0


def test_moves_of_other_parts_are_refused_here(db, official, pilots, city):
    req = pilots.request(city, "closed")
    with pytest.raises(ValidationError), unit_of_work():
        review.move_request(official, req.id, RequestStatus.PARTNER_SELECTED)
    with pytest.raises(Conflict) as err, unit_of_work():
        review.move_request(official, req.id, RequestStatus.COMPLETED)
    assert "closed" in err.value.detail


def test_an_official_reviews_once_and_updates(db, official, make, pilots, city, city_member):
    req = pilots.request(city, "submitted")
    data = ReviewIn(scores={"commitment": 4, "ict_strategy": 3}, notes={"commitment": "Strong"})
    with unit_of_work():
        review.save_review(official, req.id, data)
    with unit_of_work():
        review.save_review(official, req.id, ReviewIn(scores={"commitment": 5}, summary="Go"))
    with unit_of_work():
        reviews = review.list_reviews(city_member, services.get_request(city_member, req.id))
    assert len(reviews) == 1 and reviews[0][0].scores == {"commitment": 5}
    with pytest.raises(PermissionDenied), unit_of_work():
        review.save_review(city_member, req.id, data)
    opened = pilots.request(city, "open")
    with pytest.raises(Conflict), unit_of_work():
        review.save_review(official, opened.id, data)
    with pytest.raises(PydanticError):
        ReviewIn(scores={"commitment": 6})
    with pytest.raises(PydanticError):
        ReviewIn(scores={"charm": 3})


def test_the_deadline_job_is_registered_with_the_queue(app):
    from seoul_platform.jobs import huey
    from seoul_platform.pilots.tasks import close_overdue_calls

    periodic = {task.__name__ for task in huey._registry._periodic_tasks}
    assert close_overdue_calls.task_class.__name__ in periodic


def test_closing_early_does_not_bypass_sending_the_selection_back(
    db, pilots, city, company, other_company, official, city_member
):
    """Found by the lifecycle state machine: close_call moved partner_selected → closed (the
    table allows that move to officials, for sending a selection back) but left the chosen
    proposal "selected", so the city could select a second one. Closing early is from open
    only; the selection goes back through selection.send_back_selection."""
    from seoul_platform.pilots import selection
    from seoul_platform.pilots.models import Interest, InterestStatus

    req = pilots.request(city, "closed")
    chosen = pilots.interest(req, company)
    pilots.interest(req, other_company)
    with unit_of_work():
        selection.select_partner(city_member, req.id, chosen.id)
    for move in (
        lambda: review.close_call(official, req.id, "Because."),
        lambda: review.move_request(official, req.id, RequestStatus.CLOSED, reason="Because."),
    ):
        with pytest.raises(Conflict) as err, unit_of_work():
            move()
        assert err.value.detail == "A partner is already selected for this request."
    db.session.expire_all()
    assert db.session.get(PilotRequest, req.id).status == RequestStatus.PARTNER_SELECTED
    assert db.session.get(Interest, chosen.id).status == InterestStatus.SELECTED
