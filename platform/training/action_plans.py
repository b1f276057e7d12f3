"""Action plans: what a participant will do back home — a goal and a timeline of steps
(an action and a due date each, 1 to 20 steps to submit).

The participant (the enrolled person, or an admin of their organisation for them) saves a
draft, then submits it; an official accepts it or asks for changes with a comment; after
changes are requested the participant edits and submits again. Only enrolled participants
write plans (a completed one is frozen with the certificate). States move with
`lifecycle.transition` over `ACTION_PLAN` (history subject ``action_plan``), so two clicks on
"submit" or two reviews at once move the plan once.
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..accounts.models import User
from ..db import db, utcnow
from ..errors import Conflict, NotFound, PermissionDenied, ValidationError
from ..lifecycle import N_, TransitionTable, record_start, transition
from ..notifications.services import notify
from ..pagination import Page, PageQuery, paginate
from . import lifecycle, permissions
from .models import ActionPlan, ActionPlanStatus, Cohort, Enrollment, EnrollmentStatus

MAX_STEPS = 20
MIN_STEPS = 1

ACTION_PLAN = TransitionTable.build(
    "action_plan",
    [
        ("draft", "submitted", {lifecycle.PARTICIPANT}),
        ("changes_requested", "submitted", {lifecycle.PARTICIPANT}),
        ("submitted", "accepted", {lifecycle.OFFICIAL}),
        ("submitted", "changes_requested", {lifecycle.OFFICIAL}),
    ],
    {
        "draft": N_("This action plan is still a draft."),
        "submitted": N_("This action plan is already submitted and waits for a review."),
        "changes_requested": N_("Changes were requested to this action plan."),
        "accepted": N_("This action plan is already accepted."),
    },
)

EDITABLE = (ActionPlanStatus.DRAFT, ActionPlanStatus.CHANGES_REQUESTED)


def get_enrollment(actor: User | None, enrollment_id: int) -> Enrollment:
    """The enrollment, if ``actor`` may see it (else NotFound: its existence is private)."""
    enrollment = db.session.scalar(
        select(Enrollment)
        .where(Enrollment.id == enrollment_id)
        .options(
            joinedload(Enrollment.user),
            joinedload(Enrollment.cohort).joinedload(Cohort.programme),
            joinedload(Enrollment.organization),
        )
    )
    if enrollment is None or not permissions.can_view_enrollment(actor, enrollment):
        raise NotFound(_("This enrollment does not exist."))
    return enrollment


def plan_of(enrollment_id: int) -> ActionPlan | None:
    return db.session.scalar(select(ActionPlan).where(ActionPlan.enrollment_id == enrollment_id))


def get_plan(actor: User | None, enrollment_id: int) -> tuple[Enrollment, ActionPlan | None]:
    enrollment = get_enrollment(actor, enrollment_id)
    return enrollment, plan_of(enrollment_id)


def _as_participant(actor: User | None, enrollment: Enrollment) -> None:
    if lifecycle.PARTICIPANT not in permissions.enrollment_roles(actor, enrollment):
        raise PermissionDenied(_("Only the participant writes their action plan."))
    if enrollment.status != EnrollmentStatus.ENROLLED:
        raise Conflict(_("Only enrolled participants write an action plan."))


def _steps(data) -> list[dict]:
    return [{"action": s.action, "due": s.due.isoformat()} for s in data.steps]


def save_draft(actor: User | None, enrollment_id: int, data) -> ActionPlan:
    """Create or change the plan (``data``: record_schemas.ActionPlanIn). Allowed while it is a
    draft or changes were requested; a submitted or accepted plan is 409."""
    enrollment = get_enrollment(actor, enrollment_id)
    _as_participant(actor, enrollment)
    # One plan per enrollment even when two saves race: the first waits for the other.
    db.session.execute(
        select(Enrollment.id).where(Enrollment.id == enrollment.id).with_for_update()
    )
    plan = plan_of(enrollment.id)
    if plan is None:
        plan = ActionPlan(enrollment_id=enrollment.id, status=ActionPlanStatus.DRAFT)
        db.session.add(plan)
        db.session.flush()
        record_start(ACTION_PLAN, plan.id, "draft", actor=actor, role=lifecycle.PARTICIPANT)
    elif plan.status not in EDITABLE:
        raise Conflict(_(ACTION_PLAN.conflict_messages[plan.status.value]))
    plan.goal = data.goal
    plan.steps = _steps(data)
    db.session.flush()
    return plan


def submit(actor: User | None, enrollment_id: int) -> ActionPlan:
    enrollment = get_enrollment(actor, enrollment_id)
    _as_participant(actor, enrollment)
    plan = plan_of(enrollment.id)
    if plan is None:
        raise Conflict(_("Write the action plan before submitting it."))
    errors: dict[str, list[str]] = {}
    if not plan.goal.strip():
        errors["goal"] = [_("Describe the goal of your plan.")]
    if not MIN_STEPS <= len(plan.steps or []) <= MAX_STEPS:
        errors["steps"] = [_("Add between 1 and 20 steps, each with a due date.")]
    if errors:
        raise ValidationError(_("The action plan is not complete yet."), errors)
    transition(
        ACTION_PLAN,
        ActionPlan,
        plan.id,
        expected=plan.status.value,
        to="submitted",
        actor=actor,
        roles=permissions.enrollment_roles(actor, enrollment),
        values={"submitted_at": utcnow()},
    )
    db.session.refresh(plan)
    return plan


def review(actor: User | None, enrollment_id: int, decision: str, comment: str) -> ActionPlan:
    """An official accepts the submitted plan or asks for changes (a comment is required)."""
    if not permissions.can_manage_training(actor):
        raise PermissionDenied(_("Only Seoul officials review action plans."))
    enrollment = get_enrollment(actor, enrollment_id)
    plan = plan_of(enrollment.id)
    if plan is None:
        raise NotFound(_("This participant has not written an action plan yet."))
    comment = (comment or "").strip()
    if decision == "changes" and not comment:
        raise ValidationError(
            _("Say what should change."), {"comment": [_("Say what should change.")]}
        )
    to = "accepted" if decision == "accept" else "changes_requested"
    transition(
        ACTION_PLAN,
        ActionPlan,
        plan.id,
        expected="submitted",
        to=to,
        actor=actor,
        roles={lifecycle.OFFICIAL},
        reason=comment,
        values={"reviewed_by_id": actor.id, "reviewed_at": utcnow(), "review_comment": comment},
    )
    db.session.refresh(plan)
    if enrollment.user is not None:
        link = f"/training/enrollments/{enrollment.id}/action-plan"
        title = enrollment.cohort.title
        if to == "accepted":
            notify([enrollment.user], "action_plan.accepted", {"cohort": title}, link)
        else:
            notify(
                [enrollment.user],
                "action_plan.changes_requested",
                {"cohort": title, "comment": comment[:300]},
                link,
            )
    return plan


def list_for_cohort(
    actor: User | None, cohort_id: int, query: PageQuery
) -> tuple[Cohort, Page, dict[int, ActionPlan]]:
    """Officials: the cohort's participants (enrolled or completed) and their plans."""
    if not permissions.can_manage_training(actor):
        raise PermissionDenied(_("Only Seoul officials see every action plan."))
    cohort = db.session.get(Cohort, cohort_id)
    if cohort is None:
        raise NotFound(_("This cohort does not exist."))
    from .attendance import roster_statement

    page = paginate(roster_statement(cohort_id), query)
    return cohort, page, plans_of([e.id for e in page.items])


def plans_of(enrollment_ids) -> dict[int, ActionPlan]:
    ids = list(enrollment_ids)
    if not ids:
        return {}
    return {
        p.enrollment_id: p
        for p in db.session.scalars(select(ActionPlan).where(ActionPlan.enrollment_id.in_(ids)))
    }
