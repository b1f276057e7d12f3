"""Pilot request pages: the city's list, drafting and editing, the request page with its
actions and panels, the history, the officials' review, pipeline and CSV export, and the open
calls companies and institutions browse."""

from __future__ import annotations

from datetime import date, timedelta

from flask import (
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from pydantic import ValidationError as PydanticError
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from ..access import MEMBER, OFFICIAL, policy
from ..accounts.models import User
from ..db import as_utc, db, unit_of_work, utcnow
from ..errors import DomainError, ValidationError
from ..forms import _schema_message
from ..lifecycle import history
from ..pagination import list_query
from . import panels, permissions, pipeline, review
from . import requests as services
from .labels import STATUS_LABELS, TARGET_GROUP_LABELS, TYPE_LABELS
from .lifecycle import DEFAULT_CALL_DAYS, SELECTION_CRITERIA
from .models import RequestStatus
from .request_forms import RequestForm
from .request_schemas import RequestPatch, RequestQuery, ReviewIn
from .views import bp

LABELS = {
    "TYPE_LABELS": TYPE_LABELS,
    "REQUEST_STATUS_LABELS": STATUS_LABELS,
    "TARGET_GROUP_LABELS": TARGET_GROUP_LABELS,
}


def kpi_labels(n: int) -> dict[str, str]:
    """Per-row labels, so that a screen reader announces which row a field is in."""
    return {
        "name": _("KPI %(num)d name", num=n),
        "unit": _("KPI %(num)d unit", num=n),
        "baseline": _("KPI %(num)d baseline (today's value)", num=n),
    }


def criterion_labels(n: int) -> dict[str, str]:
    return {
        "name": _("Criterion %(num)d name", num=n),
        "description": _("Criterion %(num)d description", num=n),
        "weight": _("Criterion %(num)d weight, in per cent", num=n),
    }


def _stages(with_draft: bool) -> list[tuple[str, str]]:
    return [(k, v) for k, v in STATUS_LABELS.items() if with_draft or k != "draft"]


def _page(template: str, status: int = 200, **context):
    context.setdefault("stages", _stages(with_draft=True))
    return (
        render_template(
            template,
            **LABELS,
            kpi_labels=kpi_labels,
            criterion_labels=criterion_labels,
            **context,
        ),
        status,
    )


def _list_args(query_errors: dict) -> dict:
    return {k: v for k, v in request.args.items() if v != "" and k not in query_errors}


# ---- the city's requests ----------------------------------------------------------------------


@bp.get("/pilots/requests")
@policy(MEMBER)
def request_list():
    if not permissions.can_create_pilot_request(current_user):
        # Companies and institutions browse calls; officials work from the pipeline.
        return redirect(
            url_for("pilots.pipeline_page" if current_user.is_official else "pilots.calls")
        )
    query, errors = list_query(RequestQuery, request.args)
    return _page(
        "pilots/requests/index.html",
        422 if errors else 200,
        page=pipeline.list_city_requests(current_user, query),
        query=query,
        filter_errors=errors,
        args=_list_args(errors),
    )


@bp.route("/pilots/requests/new", methods=["GET", "POST"])
@policy(MEMBER)
def new_request():
    if not permissions.can_create_pilot_request(current_user):
        # Not a refusal worth a 403 page: say who requests pilots and go where this person
        # works with them (the pipeline for officials, the open calls for the others).
        flash(_("Only members of a city request pilots."), "error")
        return redirect(
            url_for("pilots.pipeline_page" if current_user.is_official else "pilots.calls")
        )
    form = RequestForm()
    if request.method == "GET":
        form.currency.data = "USD"
        form.rows_from(None)
        return _page("pilots/requests/form.html", form=form, req=None)
    more = request.form.get("action") == "more"
    data = form.validate_all(request.form, more=more)
    if data is not None:
        try:
            with unit_of_work():
                req_id = services.create_request(current_user, data).id
        except DomainError as err:
            _attach(form, err)
        else:
            flash(_("The draft is saved."), "success")
            if more:
                return redirect(url_for("pilots.edit_request", req_id=req_id, more=1))
            return redirect(url_for("pilots.request_page", req_id=req_id))
    return _page("pilots/requests/form.html", 422, form=form, req=None)


@bp.route("/pilots/requests/<int:req_id>/edit", methods=["GET", "POST"])
@policy(MEMBER)
def edit_request(req_id: int):
    with unit_of_work():
        req = services.get_request_for_edit(current_user, req_id)
        form = RequestForm(current_languages=req.languages or [])
        if request.method == "GET":
            form.fill_from(req)
            if request.args.get("more"):
                form.read_rows(_rows_as_formdata(form), more=True)
            return _page("pilots/requests/form.html", form=form, req=req)
    more = request.form.get("action") == "more"
    data = form.validate_all(request.form, more=more)
    if data is not None:
        try:
            with unit_of_work():
                patch = RequestPatch.model_validate(data.model_dump())
                services.update_request(current_user, req_id, patch)
        except DomainError as err:
            _attach(form, err)
        else:
            flash(_("The draft is saved."), "success")
            if more:
                return redirect(url_for("pilots.edit_request", req_id=req_id, more=1))
            return redirect(url_for("pilots.request_page", req_id=req_id))
    with unit_of_work():
        req = services.get_request(current_user, req_id)
        return _page("pilots/requests/form.html", 422, form=form, req=req)


def _rows_as_formdata(form: RequestForm) -> MultiDict:
    data: dict[str, str] = {}
    for prefix, rows in (("kpis", form.kpi_rows), ("criteria", form.criterion_rows)):
        data[f"{prefix}-count"] = str(len(rows))
        for row in rows:
            for name, value in row.values.items():
                data[f"{prefix}-{row.number}-{name}"] = value
    return MultiDict(data)


def _attach(form: RequestForm, err: DomainError) -> None:
    if not err.errors:
        form.form_errors.append(err.detail)
    for name, messages in err.errors.items():
        field = getattr(form, name, None)
        if field is not None and hasattr(field, "errors"):
            field.errors = list(field.errors or []) + list(messages)
        else:
            form.form_errors.extend(messages)


# ---- the request page ------------------------------------------------------------------------


def _detail(req_id: int, status: int = 200, **extra):
    """The request page (inside the caller's unit of work: loading may close an overdue
    call)."""
    req = services.get_request(current_user, req_id)
    today = utcnow().astimezone(review.SEOUL).date()
    return _page(
        "pilots/requests/detail.html",
        status,
        req=req,
        moves=review.allowed_moves(current_user, req),
        can_edit=permissions.can_edit_pilot_request(current_user, req),
        can_review=permissions.can_review_pilot_request(current_user, req)
        and req.status == RequestStatus.SUBMITTED,
        reviews=review.list_reviews(current_user, req),
        SELECTION_CRITERIA=SELECTION_CRITERIA,
        panels=panels.collect("request", current_user, req),
        default_deadline=today + timedelta(days=DEFAULT_CALL_DAYS),
        time_left=_time_left(req),
        **extra,
    )


def _time_left(req) -> str:
    if req.status != RequestStatus.OPEN or req.deadline is None:
        return ""
    left = as_utc(req.deadline) - utcnow()
    days = left.days
    if days >= 1:
        return _("%(num)d days left", num=days) if days > 1 else _("1 day left")
    hours = max(1, left.seconds // 3600)
    return _("%(num)d hours left", num=hours) if hours > 1 else _("Less than 2 hours left")


@bp.get("/pilots/requests/<int:req_id>")
@policy(MEMBER)
def request_page(req_id: int):
    with unit_of_work():
        return _detail(req_id)


@bp.post("/pilots/requests/<int:req_id>/move")
@policy(MEMBER)
def move_request(req_id: int):
    to = request.form.get("to", "")
    reason = request.form.get("reason", "")
    if to not in _MOVED:
        abort(400)  # the page's forms only send these
    try:
        deadline = _deadline(request.form.get("deadline", ""))
        with unit_of_work():
            review.move_request(
                current_user, req_id, RequestStatus(to), reason=reason, deadline=deadline
            )
    except DomainError as err:
        if err.status in (403, 404):
            raise
        with unit_of_work():
            return _detail(
                req_id,
                err.status,
                failed_move=to,
                move_error=err,
                move_values={"reason": reason, "deadline": request.form.get("deadline", "")},
            )
    flash(str(_MOVED[to]), "success")
    return redirect(url_for("pilots.request_page", req_id=req_id))


_MOVED = {
    "submitted": _l("The request is submitted. Seoul officials will review it."),
    "changes_requested": _l("The request is sent back to the city with your comment."),
    "open": _l("The call for proposals is open."),
    "closed": _l("The call for proposals is closed."),
    "rejected": _l("The request is rejected."),
    "cancelled": _l("The request is cancelled."),
}


def _deadline(text: str):
    """A deadline typed as a date (YYYY-MM-DD) ends that day in Seoul; empty: the default."""
    text = text.strip()
    if not text:
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise ValidationError(
            _("Enter the deadline as a date."),
            {"deadline": [_("Enter a date, for example 2027-03-31.")]},
        ) from None
    return review.end_of_day_in_seoul(day)


@bp.get("/pilots/requests/<int:req_id>/history")
@policy(MEMBER)
def request_history(req_id: int):
    with unit_of_work():
        req = services.get_request(current_user, req_id)
        moves = history("pilot_request", req_id)
        ids = {m.actor_id for m in moves if m.actor_id is not None}
        names = dict(db.session.execute(select(User.id, User.name).where(User.id.in_(ids))).all())
        return _page(
            "pilots/requests/history.html",
            req=req,
            moves=moves,
            names=names,
            reason_visible=lambda m: permissions.can_view_move_reason(
                current_user, req, m.from_state
            ),
        )


# ---- the officials' review -------------------------------------------------------------------


@bp.route("/pilots/requests/<int:req_id>/review", methods=["GET", "POST"])
@policy(OFFICIAL)
def review_request(req_id: int):
    errors: dict[str, list[str]] = {}
    values: dict = {}
    status = 200
    if request.method == "POST":
        values = _review_values(request.form)
        try:
            data = ReviewIn.model_validate(values)
            with unit_of_work():
                review.save_review(current_user, req_id, data)
        except DomainError as err:
            if err.status in (403, 404):
                raise
            errors, status = err.errors or {"form": [err.detail]}, err.status
        except PydanticError as exc:
            errors, status = _review_errors(exc), 422
        else:
            flash(_("Your review is saved."), "success")
            return redirect(url_for("pilots.request_page", req_id=req_id))
    with unit_of_work():
        req = services.get_request(current_user, req_id)
        if not permissions.can_review_pilot_request(current_user, req):
            abort(404)
        own = review.get_own_review(current_user, req)
        if not values and own is not None:
            values = {"scores": own.scores, "notes": own.notes, "summary": own.summary}
        return _page(
            "pilots/requests/review.html",
            status,
            req=req,
            values=values,
            review_errors=errors,
            SELECTION_CRITERIA=SELECTION_CRITERIA,
        )


def _review_values(form) -> dict:
    scores = {}
    for key in SELECTION_CRITERIA:
        raw = form.get(f"score-{key}", "").strip()
        if raw:
            scores[key] = raw
    notes = {key: form.get(f"note-{key}", "") for key in SELECTION_CRITERIA}
    return {
        "scores": scores,
        "notes": {k: v for k, v in notes.items() if v.strip()},
        "summary": form.get("summary", ""),
    }


def _review_errors(exc) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for item in exc.errors(include_url=False, include_input=False):
        loc = [str(p) for p in item["loc"]]
        name = (
            f"score-{loc[1]}"
            if loc[0] == "scores" and len(loc) > 1
            else (f"note-{loc[1]}" if loc[0] == "notes" and len(loc) > 1 else loc[0])
        )
        errors.setdefault(name, []).append(_schema_message(item))
    return errors


# ---- pipeline, export, open calls ------------------------------------------------------------


@bp.get("/pilots/pipeline")
@policy(OFFICIAL)
def pipeline_page():
    query, errors = list_query(RequestQuery, request.args)
    return _page(
        "pilots/requests/pipeline.html",
        422 if errors else 200,
        stages=_stages(with_draft=False),
        page=pipeline.list_pipeline(query),
        counts=pipeline.stage_counts(query),
        query=query,
        filter_errors=errors,
        args=_list_args(errors),
    )


@bp.get("/pilots/pipeline.csv")
@policy(OFFICIAL)
def export_pipeline():
    query, _ignored = list_query(RequestQuery, request.args)
    filename = f"pilot-pipeline-{utcnow():%Y-%m-%d}.csv"
    return Response(
        stream_with_context(pipeline.export_pipeline(query)),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "X-Content-Type-Options": "nosniff",
        },
    )


@bp.get("/pilots/calls")
@policy(MEMBER)
def calls():
    query, errors = list_query(RequestQuery, request.args)
    return _page(
        "pilots/requests/calls.html",
        422 if errors else 200,
        page=pipeline.list_open_calls(query),
        query=query,
        filter_errors=errors,
        args=_list_args(errors),
    )
