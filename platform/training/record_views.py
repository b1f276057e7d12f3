"""Training records pages: the attendance roster of a session, action plans (the
participant's form, the officials' list and review), the completion page (issue and revoke
certificates), the certificate and the invitation letter (printable, English and Korean) and
the public verification pages."""

from __future__ import annotations

from contextlib import nullcontext

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user
from pydantic import ValidationError as PydanticError

from ..access import MEMBER, OFFICIAL, PUBLIC, policy
from ..db import unit_of_work
from ..errors import DomainError
from ..i18n import country_name
from ..pagination import PageQuery, list_query
from . import action_plans, attendance, certificates, letters, panels, permissions, programmes, qr
from .action_plans import EDITABLE
from .labels import ATTENDANCE_LABELS, PLACE_LABELS, PLAN_LABELS
from .models import ActionPlanStatus, AttendanceStatus, EnrollmentStatus
from .record_api import verification_limited
from .record_forms import plan_rows, plan_values, roster_marks, validate_plan
from .record_schemas import ReviewIn
from .views import bp

ROSTER_PER_PAGE = 50


def _lang():
    """``?lang=en|ko`` renders a printable document in that language (else the user's)."""
    lang = request.args.get("lang", "")
    return force_locale(lang) if lang in current_app.config["LANGUAGES"] else nullcontext()


def _absolute(endpoint: str, **values) -> str:
    """An absolute URL on the platform's public address (never the request's Host header)."""
    base = current_app.config["PUBLIC_BASE_URL"].rstrip("/")
    return base + url_for(endpoint, **values)


# ---- attendance ------------------------------------------------------------------------------


def _roster_page(session_id: int, status: int = 200, errors=None):
    query, _ignored = list_query(PageQuery, request.args, per_page=ROSTER_PER_PAGE)
    session, page, marks = attendance.roster(current_user, session_id, query)
    return (
        render_template(
            "training/records/roster.html",
            session=session,
            cohort=session.cohort,
            starts_local=programmes.in_zone(session.cohort, session.starts_at),
            page=page,
            marks=marks,
            STATUSES=list(AttendanceStatus),
            STATUS_LABELS=ATTENDANCE_LABELS,
            errors=errors or [],
        ),
        status,
    )


@bp.route("/training/sessions/<int:session_id>/attendance", methods=["GET", "POST"])
@policy(OFFICIAL)
def session_attendance(session_id: int):
    if request.method == "GET":
        with unit_of_work():
            return _roster_page(session_id)
    all_present = request.form.get("action") == "all-present"
    marks = roster_marks(request.form, all_present=all_present)
    try:
        with unit_of_work():
            saved = attendance.save_marks(current_user, session_id, marks)
    except DomainError as err:
        if err.status in (403, 404):
            raise
        messages = [m for ms in err.errors.values() for m in ms] or [err.detail]
        with unit_of_work():
            return _roster_page(session_id, err.status, [err.detail, *messages])
    flash(_("Attendance saved for %(num)d people.", num=saved), "success")
    page = request.args.get("page", "")
    args = {"page": page} if page.isdigit() else {}
    return redirect(url_for("training.session_attendance", session_id=session_id, **args))


# ---- action plans ----------------------------------------------------------------------------


def _plan_page(enrollment_id: int, status: int = 200, values=None, errors=None):
    enrollment, plan = action_plans.get_plan(current_user, enrollment_id)
    roles = permissions.enrollment_roles(current_user, enrollment)
    if values is None:
        values = {"goal": plan.goal, "steps": list(plan.steps or [])} if plan else {}
    can_edit = (
        "participant" in roles
        and enrollment.status == EnrollmentStatus.ENROLLED
        and (plan is None or plan.status in EDITABLE)
    )
    return (
        render_template(
            "training/records/plan.html",
            enrollment=enrollment,
            plan=plan,
            values=values,
            rows=plan_rows(values),
            errors=errors or {},
            can_edit=can_edit,
            can_review="official" in roles
            and plan is not None
            and plan.status == ActionPlanStatus.SUBMITTED,
            official="official" in roles,
            PLAN_LABELS=PLAN_LABELS,
        ),
        status,
    )


@bp.route("/training/enrollments/<int:enrollment_id>/action-plan", methods=["GET", "POST"])
@policy(MEMBER)
def action_plan(enrollment_id: int):
    if request.method == "GET":
        with unit_of_work():
            return _plan_page(enrollment_id)
    values = plan_values(request.form)
    data, errors = validate_plan(values)
    if data is not None:
        try:
            with unit_of_work():
                action_plans.save_draft(current_user, enrollment_id, data)
            if request.form.get("action") == "submit":
                with unit_of_work():
                    action_plans.submit(current_user, enrollment_id)
        except DomainError as err:
            if err.status in (403, 404):
                raise
            errors = err.errors or {"form": [err.detail]}
            if not err.errors:
                errors = {"form": [err.detail]}
            with unit_of_work():
                return _plan_page(enrollment_id, err.status, values, errors)
        if request.form.get("action") == "submit":
            flash(_("Your action plan is submitted. A Seoul official will review it."), "success")
        else:
            flash(_("Your action plan is saved as a draft."), "success")
        return redirect(url_for("training.action_plan", enrollment_id=enrollment_id))
    with unit_of_work():
        return _plan_page(enrollment_id, 422, values, errors)


@bp.post("/training/enrollments/<int:enrollment_id>/action-plan/review")
@policy(OFFICIAL)
def review_action_plan(enrollment_id: int):
    decision = request.form.get("decision", "")
    comment = request.form.get("comment", "")
    try:
        data = ReviewIn.model_validate({"decision": decision, "comment": comment})
    except PydanticError:  # a crafted decision: the page's buttons only send the two
        abort(400)
    try:
        with unit_of_work():
            action_plans.review(current_user, enrollment_id, data.decision, data.comment)
    except DomainError as err:
        if err.status in (403, 404):
            raise
        with unit_of_work():
            return _plan_page(
                enrollment_id, err.status, None, {"comment": [err.detail], "review": [comment]}
            )
    flash(
        _("The action plan is accepted.")
        if data.decision == "accept"
        else _("The participant is asked for changes."),
        "success",
    )
    return redirect(url_for("training.action_plan", enrollment_id=enrollment_id))


@bp.get("/training/cohorts/<int:cohort_id>/action-plans")
@policy(OFFICIAL)
def cohort_action_plans(cohort_id: int):
    query, _ignored = list_query(PageQuery, request.args, per_page=ROSTER_PER_PAGE)
    with unit_of_work():
        cohort, page, plans = action_plans.list_for_cohort(current_user, cohort_id, query)
        return render_template(
            "training/records/action_plans.html",
            cohort=cohort,
            page=page,
            plans=plans,
            PLAN_LABELS=PLAN_LABELS,
        )


# ---- completion and certificates -------------------------------------------------------------


def _completion_page(cohort_id: int, status: int = 200, errors=None):
    query, _ignored = list_query(PageQuery, request.args, per_page=ROSTER_PER_PAGE)
    cohort, page, rows = certificates.completion(current_user, cohort_id, query)
    return (
        render_template(
            "training/records/completion.html",
            cohort=cohort,
            page=page,
            rows=rows,
            PLAN_LABELS=PLAN_LABELS,
            errors=errors or {},
        ),
        status,
    )


@bp.get("/training/cohorts/<int:cohort_id>/completion")
@policy(OFFICIAL)
def cohort_completion(cohort_id: int):
    with unit_of_work():
        return _completion_page(cohort_id)


@bp.post("/training/cohorts/<int:cohort_id>/completion/issue")
@policy(OFFICIAL)
def issue_certificates(cohort_id: int):
    with unit_of_work():
        issued = certificates.issue_certificates(current_user, cohort_id)
    if issued:
        flash(_("%(num)d certificates issued.", num=len(issued)), "success")
    else:
        flash(_("No new certificates: nobody else meets both conditions yet."), "success")
    return redirect(url_for("training.cohort_completion", cohort_id=cohort_id))


@bp.post("/training/certificates/<code>/revoke")
@policy(OFFICIAL)
def revoke_certificate(code: str):
    reason = request.form.get("reason", "")
    try:
        with unit_of_work():
            certificate = certificates.revoke(current_user, code, reason)
            cohort_id = certificate.enrollment.cohort_id
    except DomainError as err:
        if err.status in (403, 404):
            raise
        with unit_of_work():
            cohort_id = certificates.find(code).enrollment.cohort_id
            return _completion_page(cohort_id, err.status, {code: [err.detail]})
    flash(_("The certificate is revoked."), "success")
    return redirect(url_for("training.cohort_completion", cohort_id=cohort_id))


@bp.get("/training/certificates/<code>")
@policy(MEMBER)
def certificate_page(code: str):
    with unit_of_work(), _lang():
        certificate = certificates.get_for_page(current_user, code)
        verify_url = _absolute("training.verify_certificate_page", code=certificate.code)
        return render_template(
            "training/records/certificate.html",
            certificate=certificate,
            cohort=certificate.enrollment.cohort,
            verify_url=verify_url,
            qr_svg=qr.svg(verify_url, title=_("QR code of the verification address")),
        )


@bp.get("/verify/<code>")
@policy(PUBLIC)
@verification_limited
def verify_certificate_page(code: str):
    with unit_of_work(), _lang():
        try:
            data = certificates.verification(certificates.find(code))
        except DomainError as err:
            return render_template("training/records/verify.html", data=None, error=err), 404
        return render_template("training/records/verify.html", data=data, error=None)


# ---- invitation letters ----------------------------------------------------------------------


@bp.get("/training/enrollments/<int:enrollment_id>/letter")
@policy(MEMBER)
def invitation_letter(enrollment_id: int):
    with unit_of_work(), _lang():
        enrollment = letters.get_letter(current_user, enrollment_id)
        verify_url = _absolute("training.verify_letter_page", code=enrollment.letter_code)
        organization = enrollment.organization
        return render_template(
            "training/records/letter.html",
            enrollment=enrollment,
            cohort=enrollment.cohort,
            person=enrollment.user,
            organization=organization,
            country=country_name(organization.country) if organization else "",
            office=current_app.config["TRAINING_LETTER_OFFICE"],
            office_address=current_app.config["TRAINING_LETTER_ADDRESS"],
            place=PLACE_LABELS.get(enrollment.cohort.place_mode.value, ""),
            verify_url=verify_url,
            qr_svg=qr.svg(verify_url, title=_("QR code of the verification address")),
        )


@bp.get("/verify/letters/<code>")
@policy(PUBLIC)
@verification_limited
def verify_letter_page(code: str):
    with unit_of_work(), _lang():
        try:
            data = letters.verification(letters.find(code))
        except DomainError as err:
            return render_template("training/records/verify_letter.html", data=None, error=err), 404
        return render_template("training/records/verify_letter.html", data=data, error=None)


# ---- panels on the cohort page and on "my training" ------------------------------------------


@panels.panel("cohort", "training/records/_cohort_panel.html")
def records_on_cohort(actor, cohort) -> dict | None:
    """Officials: links to the records pages; a participant: their letter, plan, certificate.
    Three statements at most."""
    if permissions.is_official(actor):
        return {"official": True, "cohort": cohort}
    if actor is None:
        return None
    from sqlalchemy import select

    from ..db import db
    from .models import Enrollment

    enrollment = db.session.scalar(
        select(Enrollment).where(Enrollment.cohort_id == cohort.id, Enrollment.user_id == actor.id)
    )
    if enrollment is None or enrollment.status not in letters.LETTER_STATES:
        return None
    return _participant_records([enrollment])[0] | {"official": False, "cohort": cohort}


@panels.panel("my_training", "training/records/_my_panel.html")
def records_on_my_training(actor, enrollments) -> dict | None:
    shown = [e for e in enrollments or [] if e.status in letters.LETTER_STATES]
    if not shown:
        return None
    return {"records": _participant_records(shown)}


def _participant_records(enrollments) -> list[dict]:
    from sqlalchemy import select

    from ..db import db
    from .models import Certificate

    ids = [e.id for e in enrollments]
    plans = action_plans.plans_of(ids)
    certs = {
        c.enrollment_id: c
        for c in db.session.scalars(select(Certificate).where(Certificate.enrollment_id.in_(ids)))
    }
    return [
        {
            "enrollment": e,
            "plan": plans.get(e.id),
            "certificate": certs.get(e.id),
            "PLAN_LABELS": PLAN_LABELS,
        }
        for e in enrollments
    ]
