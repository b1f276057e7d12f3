"""Enrollment pages: the cohort page's enrollment panel (apply, status, waitlist position, an
offer to accept or decline, withdrawing, the prerequisite), the person's own training page,
and the officials' applications page (filters, one-by-one and bulk decisions, the cohort's
mix). Every action is a plain form POST with a confirmation page where it cannot be undone,
so all of it works without JavaScript. Object-level access is the services' (NotFound for
what the actor may not know exists)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from pydantic import ValidationError as PydanticError
from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager
from werkzeug.routing import BuildError

from ..access import MEMBER, OFFICIAL, policy
from ..accounts.models import OrgRole, User, UserStatus
from ..db import db, unit_of_work, utcnow
from ..errors import DomainError
from ..forms import _schema_message, show_domain_error, validate_submission
from ..pagination import list_query
from . import eligibility, lifecycle, panels, permissions
from . import enrollments as services
from .enrollment_api import (
    expire_for_enrollment,
    expire_my_offers,
    mix_rows,
    mix_totals,
    waitlist_positions,
)
from .enrollment_forms import ApplyForm, ConfirmForm, DecisionsForm
from .enrollment_schemas import DECISIONS, BulkDecisionIn, CohortEnrollmentQuery, EnrollmentIn
from .labels import ENROLLMENT_STATUS_LABELS
from .models import AdmissionMode, Cohort, Enrollment, EnrollmentStatus
from .views import bp

DECISION_LABELS = {
    "accept": _l("Accept"),
    "reject": _l("Reject"),
    "waitlist": _l("Waitlist"),
}
MIX_DIMENSION_LABELS = {
    "region": _l("Region"),
    "award_category": _l("Award category"),
    "org_kind": _l("Kind of organisation"),
    "country": _l("Country"),
}
MIX_GROUP_LABELS = {
    "seated": _l("Holding a seat"),
    "applied": _l("Applied"),
    "waitlisted": _l("Waitlisted"),
}
# Who may apply again (back of the line) after leaving.
REAPPLY = {EnrollmentStatus.WITHDRAWN, EnrollmentStatus.DECLINED, EnrollmentStatus.EXPIRED}
WITHDRAWABLE = {
    EnrollmentStatus.APPLIED,
    EnrollmentStatus.WAITLISTED,
    EnrollmentStatus.OFFERED,
    EnrollmentStatus.ENROLLED,
}
LABELS = {
    "ENROLLMENT_STATUS_LABELS": ENROLLMENT_STATUS_LABELS,
    "DECISION_LABELS": DECISION_LABELS,
    "MIX_DIMENSION_LABELS": MIX_DIMENSION_LABELS,
    "MIX_GROUP_LABELS": MIX_GROUP_LABELS,
}
APPLICATIONS_PER_PAGE = 50


def _status_counts(cohort_id: int) -> dict[str, int]:
    rows = db.session.execute(
        select(Enrollment.status, func.count())
        .where(Enrollment.cohort_id == cohort_id)
        .group_by(Enrollment.status)
    ).all()
    return {str(getattr(s, "value", s)): n for s, n in rows}


def _cohort_url(cohort_id: int) -> str:
    """The cohort page (programmes part) when it exists, else this part's enrollment page."""
    try:
        return url_for("training.cohort", cohort_id=cohort_id) + "#enrollment-panel"
    except BuildError:
        return url_for("training.enrollment", cohort_id=cohort_id)


def _colleagues(actor: User, cohort_id: int) -> list[User]:
    """An org admin's active colleagues who have no enrollment in the cohort yet."""
    if actor.org_role != OrgRole.ADMIN or actor.organization_id is None:
        return []
    taken = select(Enrollment.user_id).where(
        Enrollment.cohort_id == cohort_id,
        Enrollment.user_id.is_not(None),
        Enrollment.status.not_in(REAPPLY),
    )
    return list(
        db.session.scalars(
            select(User)
            .where(
                User.organization_id == actor.organization_id,
                User.id != actor.id,
                User.status == UserStatus.ACTIVE,
                User.id.not_in(taken),
            )
            .order_by(User.name, User.id)
            .limit(200)
        )
    )


def _colleague_enrollments(actor: User, cohort_id: int) -> list[Enrollment]:
    """For an org admin: their colleagues' enrollments in the cohort (one query)."""
    if actor.org_role != OrgRole.ADMIN or actor.organization_id is None:
        return []
    return list(
        db.session.scalars(
            select(Enrollment)
            .join(User, User.id == Enrollment.user_id)
            .where(
                Enrollment.cohort_id == cohort_id,
                User.organization_id == actor.organization_id,
                User.id != actor.id,
            )
            .options(contains_eager(Enrollment.user))
            .order_by(Enrollment.ticket)
            .limit(200)
        )
    )


# ---- the cohort page's panel --------------------------------------------------------------------


@panels.panel("cohort", "training/enrollments/_cohort_panel.html")
def enrollment_on_cohort(actor, cohort: Cohort, form: ApplyForm | None = None) -> dict | None:
    """Officials: seats taken, counts by status, the link to the applications. Members:
    eligibility (every reason), the apply form, their enrollment with its waitlist position
    or offer, withdrawing, the prerequisite. A fixed number of queries whatever the data."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return None
    if not permissions.can_view_cohort(actor, cohort):
        return None
    _lazy_expire(cohort.id)
    base = {"cohort": cohort, **LABELS}
    if permissions.is_official(actor):
        db.session.refresh(cohort, ["seats_taken", "capacity"])
        return {**base, "official": True, "counts": _status_counts(cohort.id)}
    own = db.session.scalar(
        select(Enrollment).where(Enrollment.cohort_id == cohort.id, Enrollment.user_id == actor.id)
    )
    reasons = eligibility.reasons_not_eligible(actor, cohort, utcnow())
    colleagues = _colleagues(actor, cohort.id) if not reasons else []
    own_can_apply = not reasons and (own is None or own.status in REAPPLY)
    if form is None:
        form = ApplyForm(formdata=None)
    choices = [("", _("Myself"))] if own_can_apply else []
    choices += [(str(u.id), u.name) for u in colleagues]
    form.person.choices = choices
    return {
        **base,
        "official": False,
        "own": own,
        "position": waitlist_positions([own]).get(own.id) if own is not None else None,
        "reasons": reasons,
        "colleague_enrollments": _colleague_enrollments(actor, cohort.id),
        "form": form,
        "can_apply": bool(choices),
        "pick_person": bool(colleagues),
        "reviewed": cohort.admission == AdmissionMode.REVIEWED,
        "can_withdraw": own is not None and own.status in WITHDRAWABLE,
        "needs_prerequisite": bool(cohort.prerequisite_title)
        and own is not None
        and own.status in (EnrollmentStatus.ENROLLED, EnrollmentStatus.OFFERED)
        and own.prerequisite_confirmed_at is None,
    }


def _visible_cohort(cohort_id: int) -> Cohort:
    cohort = db.session.get(Cohort, cohort_id)
    if cohort is None or not permissions.can_view_cohort(current_user, cohort):
        abort(404)
    return cohort


def _enrollment_page(cohort: Cohort, form: ApplyForm | None = None, status: int = 200):
    context = enrollment_on_cohort(current_user, cohort, form)
    return render_template(
        "training/enrollments/cohort.html", cohort=cohort, panel=context, **LABELS
    ), status


@bp.get("/training/cohorts/<int:cohort_id>/enrollment")
@policy(MEMBER)
def enrollment(cohort_id: int):
    """The enrollment panel on a page of its own (the target of the panel's forms when the
    cohort page is not there, and of links from notifications)."""
    return _enrollment_page(_visible_cohort(cohort_id))


@bp.post("/training/cohorts/<int:cohort_id>/apply")
@policy(MEMBER)
def apply(cohort_id: int):
    cohort = _visible_cohort(cohort_id)
    form = ApplyForm()
    data = validate_submission(form, EnrollmentIn, form.to_fields)
    if data is not None:
        try:
            with unit_of_work():
                e = services.apply_to_cohort(
                    current_user, cohort_id, user_id=data.user_id, motivation=data.motivation
                )
                status = e.status
                for_self = e.user_id == current_user.id
        except DomainError as err:
            if err.status == 404:
                raise
            if err.status == 409:  # already applied (a second click): say so where they stand
                flash(err.detail, "error")
                return redirect(_cohort_url(cohort_id))
            show_domain_error(form, err)
        else:
            flash(_applied_message(status, for_self), "success")
            return redirect(_cohort_url(cohort_id))
    return _enrollment_page(cohort, form, 422)


def _applied_message(status: EnrollmentStatus, for_self: bool) -> str:
    if status == EnrollmentStatus.ENROLLED:
        return _("You are enrolled.") if for_self else _("Your colleague is enrolled.")
    if status == EnrollmentStatus.WAITLISTED:
        return (
            _("The cohort is full for now: you are on the waitlist.")
            if for_self
            else _("The cohort is full for now: your colleague is on the waitlist.")
        )
    return (
        _("Your application is received; officials will decide.")
        if for_self
        else _("Your colleague's application is received; officials will decide.")
    )


def _back_for(e: Enrollment) -> str:
    """Where a participant's action returns: the cohort's panel for their own enrollment,
    the enrollment's page when an org admin acts for a colleague."""
    if e.user_id == current_user.id:
        return _cohort_url(e.cohort_id)
    return url_for("training.enrollment_detail", enrollment_id=e.id)


def _act(enrollment_id: int, service, done: str):
    back = None
    try:
        with unit_of_work():
            expire_for_enrollment(enrollment_id)
            e = services.get_enrollment(current_user, enrollment_id)  # 404 for outsiders
            back = _back_for(e)
            service(current_user, enrollment_id)
    except DomainError as err:
        if err.status in (403, 404) or back is None:
            raise
        flash(err.detail, "error")
    else:
        flash(done, "success")
    return redirect(back)


def _lazy_expire(cohort_id: int) -> None:
    """Expire the cohort's offers past their time before a page shows them (a read-only
    check when none is due)."""
    with unit_of_work():
        services.expire_due_offers(cohort_id)


@bp.get("/training/enrollments/<int:enrollment_id>")
@policy(MEMBER)
def enrollment_detail(enrollment_id: int):
    """One enrollment (the link of its notifications): status, waitlist place, an offer to
    answer, withdrawing. Its person, their organisation's admins (acting for a colleague)
    and officials; 404 for anyone else."""
    with unit_of_work():  # an offer past its time is expired (and committed) first
        e = services.get_enrollment(current_user, enrollment_id)
    roles = permissions.enrollment_roles(current_user, e)
    return render_template(
        "training/enrollments/detail.html",
        enrollment=e,
        position=waitlist_positions([e]).get(e.id),
        acts=lifecycle.PARTICIPANT in roles,
        can_withdraw=e.status in WITHDRAWABLE,
        cohort_url=_cohort_url(e.cohort_id),
        **LABELS,
    )


def _confirm_page(enrollment_id: int, action: str):
    with unit_of_work():
        expire_for_enrollment(enrollment_id)
    e = services.get_enrollment(current_user, enrollment_id)
    if lifecycle.PARTICIPANT not in permissions.enrollment_roles(current_user, e):
        abort(403)  # an official sees the enrollment but does not withdraw for the person
    return render_template(
        "training/enrollments/confirm.html",
        enrollment=e,
        action=action,
        form=ConfirmForm(),
        back=_back_for(e),
        **LABELS,
    )


@bp.route("/training/enrollments/<int:enrollment_id>/withdraw", methods=["GET", "POST"])
@policy(MEMBER)
def withdraw(enrollment_id: int):
    """GET asks for confirmation (a page, no script); POST withdraws."""
    if request.method == "GET":
        return _confirm_page(enrollment_id, "withdraw")
    return _act(enrollment_id, services.withdraw_enrollment, _("The enrollment is withdrawn."))


@bp.route("/training/enrollments/<int:enrollment_id>/decline-offer", methods=["GET", "POST"])
@policy(MEMBER)
def decline_offer(enrollment_id: int):
    if request.method == "GET":
        return _confirm_page(enrollment_id, "decline")
    return _act(enrollment_id, services.decline_offer, _("The offer is declined."))


@bp.post("/training/enrollments/<int:enrollment_id>/accept-offer")
@policy(MEMBER)
def accept_offer(enrollment_id: int):
    return _act(enrollment_id, services.accept_offer, _("You accepted the seat: enrolled."))


@bp.post("/training/enrollments/<int:enrollment_id>/prerequisite")
@policy(MEMBER)
def confirm_prerequisite(enrollment_id: int):
    return _act(enrollment_id, services.confirm_prerequisite, _("The prerequisite is confirmed."))


# ---- my training ----------------------------------------------------------------------------


@bp.get("/training/mine")
@policy(MEMBER)
def mine():
    with unit_of_work():
        expire_my_offers(current_user)
    rows = list(services.list_my_enrollments(current_user))
    return render_template(
        "training/enrollments/mine.html",
        enrollments=rows,
        positions=waitlist_positions(rows),
        panels=panels.collect("my_training", current_user, rows),
        cohort_url=_cohort_url,
        **LABELS,
    )


# ---- the officials' applications page ---------------------------------------------------------


def _parse_ids(values: list[str]) -> list[int] | None:
    ids = []
    for value in values:
        value = value.strip()
        if not value.isdigit() or len(value) > 10:
            return None
        ids.append(int(value))
    return ids


def _list_args(errors: dict) -> dict:
    return {
        k: v
        for k, v in request.args.items()
        if v != "" and k not in errors and k in ("status", "page", "per_page")
    }


@bp.route("/training/cohorts/<int:cohort_id>/applications", methods=["GET", "POST"])
@policy(OFFICIAL)
def applications(cohort_id: int):
    cohort = db.session.get(Cohort, cohort_id)
    if cohort is None:
        abort(404)
    form = DecisionsForm()
    status = 200
    if request.method == "POST":
        status = _decide(cohort_id, form)
        if status == 303:
            return redirect(url_for("training.applications", cohort_id=cohort_id, **_list_args({})))
    _lazy_expire(cohort_id)
    query, errors = list_query(CohortEnrollmentQuery, request.args, per_page=APPLICATIONS_PER_PAGE)
    page = services.list_cohort_enrollments(current_user, cohort_id, query, status=query.status)
    mix = services.cohort_mix(cohort_id)
    return render_template(
        "training/enrollments/applications.html",
        cohort=cohort,
        page=page,
        query=query,
        filter_errors=errors,
        args=_list_args(errors),
        positions=waitlist_positions(page.items),
        counts=_status_counts(cohort_id),
        mix=mix_rows(mix),
        mix_totals=mix_totals(mix),
        form=form,
        statuses=list(ENROLLMENT_STATUS_LABELS.items()),
        **LABELS,
    ), 422 if (errors or status == 422) else 200


def _decide(cohort_id: int, form: DecisionsForm) -> int:
    """Apply the submitted decision(s): 303 when done (flashed), 422 with form errors."""
    if not form.validate():
        return 422
    one = request.form.get("one", "")
    if one:
        raw_id, _sep, decision = one.partition(":")
        raw_ids = [raw_id]
    else:
        decision = request.form.get("decision", "")
        raw_ids = request.form.getlist("ids")
    ids = _parse_ids(raw_ids)
    if decision not in DECISIONS:
        form.form_errors.append(_("Choose a decision."))
        return 422
    if not ids:
        form.form_errors.append(_("Select at least one application."))
        return 422
    try:
        data = BulkDecisionIn.model_validate(
            {"ids": ids, "decision": decision, "reason": form.reason.data or ""}
        )
    except PydanticError as exc:
        for item in exc.errors(include_url=False, include_input=False):
            name = str(item["loc"][0]) if item["loc"] else "form"
            target = form.reason if name == "reason" else None
            message = _schema_message(item)
            if target is not None:
                target.errors = [*target.errors, message]
            else:
                form.form_errors.append(message)
        return 422
    if data.decision == "reject" and not data.reason.strip():
        form.reason.errors = [*form.reason.errors, _("Give a reason to reject.")]
        return 422
    try:
        with unit_of_work():
            results = services.decide_enrollments(
                current_user, cohort_id, data.ids, data.decision, data.reason
            )
    except DomainError as err:
        if err.status == 404:
            raise
        show_domain_error(form, err)
        return 422
    done = sum(1 for _i, ok, _m in results if ok)
    failed = [(i, m) for i, ok, m in results if not ok]
    if done:
        flash(
            ngettext("%(num)d application decided.", "%(num)d applications decided.", done),
            "success",
        )
    for enrollment_id, message in failed:
        flash(_("Application %(id)s: %(message)s", id=enrollment_id, message=message), "error")
    return 303
