"""Action plans: draft, submit, review (accept / changes), resubmit; API and page per role."""

from __future__ import annotations

from datetime import date

import pytest

from seoul_platform.db import db as _db
from seoul_platform.db import unit_of_work
from seoul_platform.errors import Conflict, NotFound, PermissionDenied, ValidationError
from seoul_platform.notifications.models import Notification
from seoul_platform.training import action_plans
from seoul_platform.training.models import ActionPlan, ActionPlanStatus
from seoul_platform.training.record_schemas import ActionPlanIn
from support import bearer, csrf_token, signed_in

PLAN = {"goal": "Open the city's mobility data", "steps": [{"action": "Pass", "due": "2027-09-01"}]}


@pytest.fixture
def enrolled(db, training, participant):
    return training.enrollment(training.cohort(), participant)


def _save(actor, enrollment_id, data=PLAN):
    with unit_of_work():
        action_plans.save_draft(actor, enrollment_id, ActionPlanIn.model_validate(data))


def test_draft_submit_changes_resubmit_accept(enrolled, participant, official):
    _save(participant, enrolled.id, {"goal": "", "steps": []})
    with pytest.raises(ValidationError), unit_of_work():
        action_plans.submit(participant, enrolled.id)  # no goal, no step
    _save(participant, enrolled.id)
    with unit_of_work():
        action_plans.submit(participant, enrolled.id)
    with pytest.raises(Conflict), unit_of_work():
        action_plans.submit(participant, enrolled.id)  # twice
    with pytest.raises(Conflict), unit_of_work():
        _save(participant, enrolled.id)  # frozen while submitted
    with pytest.raises(ValidationError), unit_of_work():
        action_plans.review(official, enrolled.id, "changes", "  ")
    with unit_of_work():
        action_plans.review(official, enrolled.id, "changes", "Add a budget step")
    _save(participant, enrolled.id)
    with unit_of_work():
        action_plans.submit(participant, enrolled.id)
        action_plans.review(official, enrolled.id, "accept", "")
    plan = _db.session.query(ActionPlan).one()
    assert plan.status == ActionPlanStatus.ACCEPTED and plan.steps[0]["due"] == "2027-09-01"
    kinds = [n.kind for n in _db.session.query(Notification).filter_by(user_id=participant.id)]
    assert sorted(kinds) == ["action_plan.accepted", "action_plan.changes_requested"]


def test_who_may_write_and_review(
    enrolled, participant, official, make, city, city_admin, company_admin
):
    with pytest.raises(PermissionDenied), unit_of_work():
        _save(official, enrolled.id)  # officials review, they do not write
    with pytest.raises(NotFound), unit_of_work():
        _save(company_admin, enrolled.id)  # another organisation: not even visible
    _save(city_admin, enrolled.id)  # the organisation's admin writes for a colleague
    with unit_of_work():
        action_plans.submit(participant, enrolled.id)
    with pytest.raises(PermissionDenied), unit_of_work():
        action_plans.review(participant, enrolled.id, "accept", "")


def test_only_enrolled_participants_write(db, training, participant):
    waiting = training.enrollment(training.cohort(), participant, status="waitlisted")
    with pytest.raises(Conflict), unit_of_work():
        _save(participant, waiting.id)


def test_schema_bounds():
    with pytest.raises(ValueError):
        ActionPlanIn.model_validate({"steps": [{"action": "x", "due": "2027-01-01"}] * 21})
    with pytest.raises(ValueError):
        ActionPlanIn.model_validate({"steps": [{"action": "two\nlines", "due": "2027-01-01"}]})
    with pytest.raises(ValueError):
        ActionPlanIn.model_validate({"steps": [{"action": "x", "due": "1900-01-01"}]})
    plan = ActionPlanIn.model_validate({**PLAN, "status": "accepted", "reviewed_by_id": 1})
    assert plan.steps[0].due == date(2027, 9, 1) and not hasattr(plan, "status")


def test_api_per_role(app, enrolled, participant, official, company_admin):
    client = app.test_client()
    me, boss = bearer(client, participant), bearer(client, official)
    path = f"/api/v1/enrollments/{enrolled.id}/action-plan"
    assert client.get(path, headers=me).get_json()["status"] == "draft"
    assert client.put(path, json=PLAN, headers=me).status_code == 200
    assert client.put(path, json=PLAN, headers=bearer(client, company_admin)).status_code == 404
    assert client.put(path, json={"steps": "x"}, headers=me).status_code == 422
    assert client.post(path + "/submit", headers=me).get_json()["status"] == "submitted"
    review = {"decision": "accept", "comment": ""}
    assert client.post(path + "/review", json=review, headers=me).status_code == 403
    assert (
        client.post(path + "/review", json={"decision": "maybe"}, headers=boss).status_code == 422
    )
    done = client.post(path + "/review", json=review, headers=boss)
    assert done.status_code == 200 and done.get_json()["status"] == "accepted"
    assert client.post(path + "/review", json=review, headers=boss).status_code == 409
    assert client.get(path).status_code == 401


def test_plan_page_without_js(app, enrolled, participant, official):
    client = signed_in(app, participant)
    path = f"/training/enrollments/{enrolled.id}/action-plan"
    token = csrf_token(client, path)
    bad = client.post(
        path, data={"csrf_token": token, "goal": "G", "step-1-action": "Do", "step-1-due": "no"}
    )
    assert bad.status_code == 422 and 'id="step-1-due"' in bad.get_data(as_text=True)
    form = {"csrf_token": token, "goal": "G", "step-1-action": "Do", "step-1-due": "2027-05-01"}
    assert client.post(path, data={**form, "action": "submit"}).status_code == 302
    assert _db.session.query(ActionPlan).one().status == ActionPlanStatus.SUBMITTED
    boss = signed_in(app, official)
    html = boss.get(path).get_data(as_text=True)
    assert "Accept the plan" in html
    review = {"csrf_token": csrf_token(boss, path), "decision": "changes", "comment": "More"}
    assert boss.post(path + "/review", data=review).status_code == 302
    assert _db.session.query(ActionPlan).one().status == ActionPlanStatus.CHANGES_REQUESTED
    assert "More" in client.get(path).get_data(as_text=True)


def test_the_plan_page_links_its_cohort_and_for_officials_the_next_steps(
    app, enrolled, participant, official
):
    path = f"/training/enrollments/{enrolled.id}/action-plan"
    cohort = enrolled.cohort_id
    mine = signed_in(app, participant).get(path).get_data(as_text=True)
    assert f'href="/training/cohorts/{cohort}"' in mine
    assert f"/training/cohorts/{cohort}/completion" not in mine
    theirs = signed_in(app, official).get(path).get_data(as_text=True)
    assert f'href="/training/cohorts/{cohort}/action-plans"' in theirs
    assert f'href="/training/cohorts/{cohort}/completion"' in theirs


def test_officials_list_per_cohort(app, enrolled, official, participant):
    html = signed_in(app, official).get(f"/training/cohorts/{enrolled.cohort_id}/action-plans")
    assert html.status_code == 200 and participant.name in html.get_data(as_text=True)


# ---- the sections on the cohort page and on "my training" -----------------------------------


def _render(app, actor, page, subject):
    from flask import render_template_string
    from flask_login import login_user

    from seoul_platform.training import panels

    with app.test_request_context("/"):
        login_user(actor)
        # This part's panels only: the other training parts add theirs to the same pages.
        found = [
            p
            for p in panels.collect(page, actor, subject)
            if p.template.startswith("training/records/")
        ]
        return found, render_template_string(
            "{% for p in panels %}{% with panel = p.context %}{% include p.template %}"
            "{% endwith %}{% endfor %}",
            panels=found,
        )


def test_cohort_panel_for_the_participant_and_officials(
    app, enrolled, participant, official, make, city
):
    cohort = enrolled.cohort
    found, html = _render(app, participant, "cohort", cohort)
    assert len(found) == 1
    assert f"/training/enrollments/{enrolled.id}/letter" in html
    assert f"/training/enrollments/{enrolled.id}/action-plan" in html
    _found, html = _render(app, official, "cohort", cohort)
    assert f"/training/cohorts/{cohort.id}/completion" in html
    assert _render(app, make.user(city), "cohort", cohort)[0] == []  # not enrolled: nothing


def test_my_training_panel_lists_only_seat_holders(app, db, training, enrolled, participant):
    waiting = training.enrollment(training.cohort(), participant, status="waitlisted")
    found, html = _render(app, participant, "my_training", [enrolled, waiting])
    assert len(found) == 1 and f"/training/enrollments/{enrolled.id}/letter" in html
    assert f"/training/enrollments/{waiting.id}/" not in html
    assert _render(app, participant, "my_training", [waiting])[0] == []
