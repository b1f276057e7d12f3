"""API: training records — attendance per session, action plans, certificates (public
verification, revocation)."""

from __future__ import annotations

from contextlib import nullcontext

from flask import current_app
from flask_babel import force_locale

from ..access import MEMBER, OFFICIAL, PUBLIC, current_actor
from ..api import operation, paginated
from ..extensions import limiter
from ..pagination import PageQuery
from . import action_plans, attendance, certificates
from .models import ActionPlan
from .record_schemas import (
    ActionPlanIn,
    ActionPlanOut,
    AttendanceIn,
    AttendanceOut,
    CertificateVerificationOut,
    CompletionOut,
    CompletionPage,
    IssuedOut,
    MarkOut,
    ReviewIn,
    RevokeIn,
    VerificationQuery,
)

# One budget per client address for every public verification (page and API, certificates
# and letters): enough for people checking a document, too little to enumerate codes (and at
# 192 bits per code enumeration is hopeless anyway).
verification_limited = limiter.shared_limit(
    lambda: current_app.config["TRAINING_VERIFICATION_LIMIT"],
    scope="training-verification",
)


def _attendance_out(session_id: int) -> AttendanceOut:
    session, rows = attendance.all_marks(current_actor(), session_id)
    return AttendanceOut(
        session_id=session.id,
        cohort_id=session.cohort_id,
        marks=[MarkOut(enrollment_id=e, status=s, marked_at=at) for e, s, at in rows],
    )


@operation(
    "/sessions/<int:session_id>/attendance",
    "GET",
    summary="The attendance marks of a training session (officials)",
    tag="training",
    access=OFFICIAL,
    response=AttendanceOut,
)
def get_session_attendance(session_id: int):
    return _attendance_out(session_id)


@operation(
    "/sessions/<int:session_id>/attendance",
    "PUT",
    summary="Mark attendance: present, absent or excused per enrollment (upsert; officials)",
    tag="training",
    access=OFFICIAL,
    body=AttendanceIn,
    response=AttendanceOut,
)
def put_session_attendance(session_id: int, body: AttendanceIn):
    """Marks not in the body stay as they are. All or nothing: an enrollment that is not
    enrolled in (or has not completed) this session's cohort, or one marked twice, is 422
    and nothing is stored."""
    attendance.save_marks(
        current_actor(), session_id, [(m.enrollment_id, m.status) for m in body.marks]
    )
    return _attendance_out(session_id)


def plan_out(enrollment_id: int, plan: ActionPlan | None) -> ActionPlanOut:
    if plan is None:
        return ActionPlanOut(
            enrollment_id=enrollment_id,
            status="draft",
            goal="",
            steps=[],
            submitted_at=None,
            reviewed_at=None,
            review_comment="",
            updated_at=None,
        )
    return ActionPlanOut(
        enrollment_id=enrollment_id,
        status=plan.status,
        goal=plan.goal,
        steps=list(plan.steps or []),
        submitted_at=plan.submitted_at,
        reviewed_at=plan.reviewed_at,
        review_comment=plan.review_comment,
        updated_at=plan.updated_at,
    )


@operation(
    "/enrollments/<int:enrollment_id>/action-plan",
    "GET",
    summary="An enrollment's action plan (an empty draft when none is written yet)",
    tag="training",
    access=MEMBER,
    response=ActionPlanOut,
)
def get_action_plan(enrollment_id: int):
    _enrollment, plan = action_plans.get_plan(current_actor(), enrollment_id)
    return plan_out(enrollment_id, plan)


@operation(
    "/enrollments/<int:enrollment_id>/action-plan",
    "PUT",
    summary="Save the action plan as a draft (the participant, while enrolled)",
    tag="training",
    access=MEMBER,
    body=ActionPlanIn,
    response=ActionPlanOut,
    errors=(409,),
)
def put_action_plan(enrollment_id: int, body: ActionPlanIn):
    """409 once it is submitted (until changes are requested) or accepted."""
    plan = action_plans.save_draft(current_actor(), enrollment_id, body)
    return plan_out(enrollment_id, plan)


@operation(
    "/enrollments/<int:enrollment_id>/action-plan/submit",
    "POST",
    summary="Submit the action plan for review (a goal and 1 to 20 steps)",
    tag="training",
    access=MEMBER,
    response=ActionPlanOut,
    errors=(409, 422),
)
def submit_action_plan(enrollment_id: int):
    plan = action_plans.submit(current_actor(), enrollment_id)
    return plan_out(enrollment_id, plan)


@operation(
    "/enrollments/<int:enrollment_id>/action-plan/review",
    "POST",
    summary="Accept a submitted action plan or ask for changes with a comment (officials)",
    tag="training",
    access=OFFICIAL,
    body=ReviewIn,
    response=ActionPlanOut,
    errors=(409,),
)
def review_action_plan(enrollment_id: int, body: ReviewIn):
    plan = action_plans.review(current_actor(), enrollment_id, body.decision, body.comment)
    return plan_out(enrollment_id, plan)


@operation(
    "/certificates/<code>",
    "GET",
    summary="Verify a certificate: holder's name, cohort, programme, dates and status only",
    tag="training",
    access=PUBLIC,
    query=VerificationQuery,
    response=CertificateVerificationOut,
)
@verification_limited
def verify_certificate(code: str, query: VerificationQuery):
    """Anyone may ask, without signing in (rate-limited per client address). 404 for an
    unknown code; ``lang`` chooses the language of its message."""
    with force_locale(query.lang) if query.lang else nullcontext():
        found = certificates.find(code)
    return CertificateVerificationOut(**certificates.verification(found))


@operation(
    "/certificates/<code>/revoke",
    "POST",
    summary="Revoke a certificate with a reason (officials)",
    tag="training",
    access=OFFICIAL,
    body=RevokeIn,
    response=CertificateVerificationOut,
    errors=(409,),
)
def revoke_certificate(code: str, body: RevokeIn):
    certificate = certificates.revoke(current_actor(), code, body.reason)
    return CertificateVerificationOut(**certificates.verification(certificate))


def _completion_out(row: certificates.CompletionRow) -> CompletionOut:
    e, cert = row.enrollment, row.certificate
    return CompletionOut(
        enrollment_id=e.id,
        user_id=e.user_id,
        name=e.user.name if e.user else "",
        enrollment_status=e.status.value,
        sessions=row.rate.sessions,
        present=row.rate.present,
        excused=row.rate.excused,
        attendance_percent=row.rate.percent,
        attendance_threshold=row.threshold,
        attendance_met=row.attendance_met,
        action_plan_status=row.plan.status if row.plan else None,
        eligible=row.eligible,
        certificate_code=cert.code if cert else None,
        certificate_status=("revoked" if cert.revoked_at else "valid") if cert else None,
    )


@operation(
    "/cohorts/<int:cohort_id>/completion",
    "GET",
    summary="Each participant's attendance, action plan and certificate (officials)",
    tag="training",
    access=OFFICIAL,
    query=PageQuery,
    response=CompletionPage,
)
def list_completion(cohort_id: int, query: PageQuery):
    """Paginated in arrival order. ``eligible``: attendance at or above the cohort's threshold
    and an accepted action plan, i.e. what issuing certificates would certify."""
    _cohort, page, rows = certificates.completion(current_actor(), cohort_id, query)
    by_id = {row.enrollment.id: row for row in rows}
    return paginated(page, CompletionPage, lambda e: _completion_out(by_id[e.id]))


@operation(
    "/cohorts/<int:cohort_id>/certificates",
    "POST",
    summary="Complete and certify every participant who qualifies (officials)",
    tag="training",
    access=OFFICIAL,
    response=IssuedOut,
)
def issue_certificates(cohort_id: int):
    """Issues a certificate to each participant with enough attendance and an accepted action
    plan who has none yet, and notifies them; ``issued`` lists only the new ones, so a second
    call returns an empty list."""
    issued = certificates.issue_certificates(current_actor(), cohort_id)
    return IssuedOut(
        issued=[CertificateVerificationOut(**certificates.verification(c)) for c in issued]
    )
