"""Training pages: the programmes and their cohorts (with each member's eligibility), the
cohort page (details, schedule, quotas and the panels other training parts add), the
officials' forms for programmes, cohorts, quotas, sessions and the cohort's moves, and the
person's own calendar."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..access import MEMBER, OFFICIAL, PUBLIC, policy
from ..db import as_utc, unit_of_work, utcnow
from ..errors import DomainError
from ..members.models import AwardCategory, OrgKind, Region
from ..pagination import PageQuery, list_query
from . import calendar, eligibility, panels, permissions
from . import cohort_forms as forms
from . import programmes as services
from .cohort_schemas import (
    CohortIn,
    CohortPatch,
    ProgrammeIn,
    ProgrammePatch,
    SessionIn,
    SessionPatch,
)
from .labels import ADMISSION_LABELS, COHORT_STATUS_LABELS, PLACE_LABELS, SESSION_KIND_LABELS
from .models import AdmissionMode, Cohort, CohortStatus, PlaceMode, SessionKind
from .views import bp

PROGRAMMES_PER_PAGE = 10

MOVE_TITLES = {
    "published": _l("Publish the cohort"),
    "draft": _l("Take the cohort back to draft"),
    "in_progress": _l("Start the cohort"),
    "completed": _l("Mark the cohort completed"),
    "cancelled": _l("Cancel the cohort"),
}
MOVE_HELP = {
    "published": _l("Members see the cohort and may apply until the deadline."),
    "draft": _l("Only possible while nobody has applied."),
    "in_progress": _l("The training has begun."),
    "completed": _l("The training is over."),
    "cancelled": _l("Everyone who applied, is enrolled, waitlisted or offered a seat is told."),
}
MOVED = {
    "published": _l("The cohort is published."),
    "draft": _l("The cohort is a draft again."),
    "in_progress": _l("The cohort has started."),
    "completed": _l("The cohort is completed."),
    "cancelled": _l("The cohort is cancelled."),
}


def _labels() -> dict:
    return {
        "COHORT_STATUS_LABELS": COHORT_STATUS_LABELS,
        "PLACE_LABELS": PLACE_LABELS,
        "ADMISSION_LABELS": ADMISSION_LABELS,
        "SESSION_KIND_LABELS": SESSION_KIND_LABELS,
        "MOVE_TITLES": MOVE_TITLES,
        "MOVE_HELP": MOVE_HELP,
        "zone_time": zone_time,
        "REGIONS": [r.value for r in Region],
        "CATEGORIES": [c.value for c in AwardCategory],
        "ORG_KINDS": [k.value for k in OrgKind],
        "PLACE_MODES": [m.value for m in PlaceMode],
        "ADMISSIONS": [a.value for a in AdmissionMode],
        "SESSION_KINDS": [k.value for k in SessionKind],
        "quota_name": forms.quota_name,
        "can_manage": permissions.can_manage_training(_actor()),
    }


def _actor():
    return current_user if current_user.is_authenticated else None


def _page(template: str, status: int = 200, **context):
    return render_template(template, **_labels(), **context), status


def zone_time(cohort: Cohort, moment) -> dict:
    """A moment shown in the cohort's zone: ISO (UTC) for <time datetime>, the local
    wall-clock text and the zone's abbreviation and UTC offset."""
    moment = as_utc(moment)
    local = moment.astimezone(ZoneInfo(cohort.timezone))
    offset = local.strftime("%z")
    return {
        "iso": moment.isoformat().replace("+00:00", "Z"),
        "date": local.date(),
        "time": local.strftime("%H:%M"),
        "abbr": local.tzname() or "",
        "offset": f"UTC{offset[:3]}:{offset[3:]}" if offset else "UTC",
        "zone": cohort.timezone,
    }


# ---- the programmes and cohorts ---------------------------------------------------------------


@bp.get("/training")
@policy(PUBLIC)
def index():
    query, errors = list_query(PageQuery, request.args, per_page=PROGRAMMES_PER_PAGE)
    actor = _actor()
    page = services.list_programmes(query)
    cohorts = services.cohorts_of(actor, [p.id for p in page.items])
    reasons: dict[int, list] = {}
    member = actor is not None and permissions._active(actor) and not actor.is_official
    if member:
        now = utcnow()
        awards = eligibility.awards_of(actor)
        for items in cohorts.values():
            for cohort in items:
                if cohort.status == CohortStatus.PUBLISHED:
                    reasons[cohort.id] = eligibility.reasons_not_eligible(
                        actor, cohort, now, awards
                    )
    return _page(
        "training/index.html",
        422 if errors else 200,
        page=page,
        cohorts=cohorts,
        reasons=reasons,
        show_eligibility=member,
        filter_errors=errors,
    )


@bp.get("/training/cohorts/<int:cohort_id>")
@policy(MEMBER)
def cohort(cohort_id: int):
    with unit_of_work():
        return _cohort_page(cohort_id)


def _cohort_page(cohort_id: int, status: int = 200, **extra):
    cohort = services.get_cohort(current_user, cohort_id)
    reasons = None
    if cohort.status == CohortStatus.PUBLISHED and not permissions.is_official(current_user):
        reasons = eligibility.reasons_not_eligible(current_user, cohort, utcnow())
    return _page(
        "training/cohorts/detail.html",
        status,
        cohort=cohort,
        reasons=reasons,
        moves=services.allowed_moves(current_user, cohort),
        editable=cohort.status not in (CohortStatus.COMPLETED, CohortStatus.CANCELLED),
        panels=panels.collect("cohort", current_user, cohort),
        **extra,
    )


@bp.get("/training/my-calendar.ics")
@policy(MEMBER)
def my_calendar():
    body = calendar.person_calendar(current_user, _("My training"))
    return calendar.response(body, "my-training.ics")


# ---- programmes ------------------------------------------------------------------------------


@bp.route("/training/programmes/new", methods=["GET", "POST"])
@policy(OFFICIAL)
def new_programme():
    return _programme_form(None)


@bp.route("/training/programmes/<int:programme_id>/edit", methods=["GET", "POST"])
@policy(OFFICIAL)
def edit_programme(programme_id: int):
    return _programme_form(programme_id)


def _programme_form(programme_id: int | None):
    errors: forms.Errors = {}
    if request.method == "POST":
        values = {k: request.form.get(k, "") for k in forms.PROGRAMME_FIELDS}
        model = ProgrammeIn if programme_id is None else ProgrammePatch
        data = forms.validate(model, forms.programme_data(request.form), errors)
        if data is not None:
            try:
                with unit_of_work():
                    if programme_id is None:
                        services.create_programme(current_user, data)
                    else:
                        services.update_programme(current_user, programme_id, data)
            except DomainError as err:
                if err.status in (403, 404):
                    raise
                errors = err.errors or {"form": [err.detail]}
            else:
                flash(_("The programme is saved."), "success")
                return redirect(url_for("training.index"))
    with unit_of_work():
        programme = services.get_programme(current_user, programme_id) if programme_id else None
        if request.method == "GET":
            values = forms.programme_values(programme)
        return _page(
            "training/cohorts/programme_form.html",
            422 if errors else 200,
            programme=programme,
            values=values,
            errors=errors,
            names=forms.PROGRAMME_FIELDS,
        )


# ---- cohorts ---------------------------------------------------------------------------------


@bp.route("/training/programmes/<int:programme_id>/cohorts/new", methods=["GET", "POST"])
@policy(OFFICIAL)
def new_cohort(programme_id: int):
    return _cohort_form(programme_id, None)


@bp.route("/training/cohorts/<int:cohort_id>/edit", methods=["GET", "POST"])
@policy(OFFICIAL)
def edit_cohort(cohort_id: int):
    with unit_of_work():
        cohort = services.get_cohort(current_user, cohort_id)
        programme_id = cohort.programme_id
    return _cohort_form(programme_id, cohort_id)


def _cohort_form(programme_id: int, cohort_id: int | None):
    errors: forms.Errors = {}
    values: dict = {}
    if request.method == "POST":
        values = forms.posted_cohort_values(request.form)
        raw = forms.cohort_data(values, errors)
        if cohort_id is None:
            raw["program_id"] = programme_id
            data = forms.validate(CohortIn, raw, errors)
        else:
            data = forms.validate(CohortPatch, raw, errors)
        if data is not None:
            try:
                with unit_of_work():
                    if cohort_id is None:
                        cohort_id = services.create_cohort(current_user, data).id
                        flash(_("The cohort is saved as a draft."), "success")
                    else:
                        services.update_cohort(current_user, cohort_id, data)
                        flash(_("The cohort is saved."), "success")
            except DomainError as err:
                if err.status in (403, 404):
                    raise
                errors = err.errors or {"form": [err.detail]}
            else:
                return redirect(url_for("training.cohort", cohort_id=cohort_id))
        errors = forms.input_errors(errors, raw["quotas"])
    with unit_of_work():
        programme = services.get_programme(current_user, programme_id)
        cohort = services.get_cohort(current_user, cohort_id) if cohort_id else None
        if request.method == "GET":
            values = forms.cohort_values(cohort)
        return _page(
            "training/cohorts/form.html",
            422 if errors else 200,
            programme=programme,
            cohort=cohort,
            values=values,
            errors=errors,
            names=forms.COHORT_FIELDS,
        )


@bp.post("/training/cohorts/<int:cohort_id>/move")
@policy(OFFICIAL)
def move_cohort(cohort_id: int):
    to = request.form.get("to", "")
    reason = request.form.get("reason", "")
    if to not in MOVED:
        abort(400)
    try:
        with unit_of_work():
            services.move_cohort(current_user, cohort_id, to, reason)
    except DomainError as err:
        if err.status in (403, 404):
            raise
        with unit_of_work():
            return _cohort_page(
                cohort_id, err.status, failed_move=to, move_error=err, move_reason=reason
            )
    flash(str(MOVED[to]), "success")
    return redirect(url_for("training.cohort", cohort_id=cohort_id))


# ---- sessions --------------------------------------------------------------------------------


@bp.route("/training/cohorts/<int:cohort_id>/sessions/new", methods=["GET", "POST"])
@policy(OFFICIAL)
def new_session(cohort_id: int):
    return _session_form(cohort_id, None)


@bp.route("/training/sessions/<int:session_id>/edit", methods=["GET", "POST"])
@policy(OFFICIAL)
def edit_session(session_id: int):
    with unit_of_work():
        cohort_id = services.get_session(current_user, session_id).cohort_id
    return _session_form(cohort_id, session_id)


def _session_form(cohort_id: int, session_id: int | None):
    errors: forms.Errors = {}
    values: dict = {}
    if request.method == "POST":
        values = forms.posted_session_values(request.form)
        with unit_of_work():
            cohort = services.get_cohort(current_user, cohort_id)
            raw = forms.session_data(cohort, values, errors)
        model = SessionIn if session_id is None else SessionPatch
        data = forms.validate(model, raw, errors)
        if data is not None:
            try:
                with unit_of_work():
                    if session_id is None:
                        services.add_session(current_user, cohort_id, data)
                    else:
                        services.update_session(current_user, session_id, data)
            except DomainError as err:
                if err.status in (403, 404):
                    raise
                errors = err.errors or {"form": [err.detail]}
            else:
                flash(_("The session is saved."), "success")
                return redirect(url_for("training.cohort", cohort_id=cohort_id) + "#schedule")
    with unit_of_work():
        cohort = services.get_cohort(current_user, cohort_id)
        session = services.get_session(current_user, session_id) if session_id else None
        if request.method == "GET":
            values = forms.session_values(cohort, session)
        return _page(
            "training/cohorts/session_form.html",
            422 if errors else 200,
            cohort=cohort,
            session=session,
            values=values,
            errors=errors,
            names=forms.SESSION_FIELDS,
            zone_now=zone_time(cohort, utcnow()),
        )


@bp.post("/training/sessions/<int:session_id>/delete")
@policy(OFFICIAL)
def delete_session(session_id: int):
    with unit_of_work():
        cohort_id = services.delete_session(current_user, session_id)
    flash(_("The session is deleted."), "success")
    return redirect(url_for("training.cohort", cohort_id=cohort_id) + "#schedule")
