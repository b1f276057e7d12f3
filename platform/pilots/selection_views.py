"""Routes: the proposals of a request (the city after the deadline, officials), scoring, the
shortlist, the city's selection and the official's approval or sending back."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..access import MEMBER, OFFICIAL, policy
from ..db import unit_of_work
from ..errors import DomainError
from ..forms import form_status, show_domain_error, validate_submission
from ..pagination import PageQuery, list_query
from . import lifecycle, proposal_scores, proposals, selection, workspace
from .models import RequestStatus
from .permissions import request_roles
from .proposal_forms import DecisionForm, SelectionForm, score_fields, score_form
from .proposal_schemas import ScoresIn
from .proposal_views import LABELS
from .views import bp


@bp.get("/pilot-requests/<int:request_id>/proposals")
@policy(MEMBER)
def proposals_list(request_id: int):
    req = proposals.get_request(current_user, request_id)
    if not proposals.can_list_proposals(current_user, req):
        if current_user.organization_id == req.city_id:  # sealed until the deadline
            return render_template(
                "pilots/proposals/sealed.html",
                req=req,
                received=proposals.count_proposals(req).received,
                **LABELS,
            )
        abort(404)
    query, _errors = list_query(PageQuery, request.args)
    page = proposals.list_request_proposals(current_user, request_id, query)
    summaries = {i.id: proposal_scores.score_summary(req.criteria, i.scores) for i in page.items}
    roles = request_roles(current_user, req)
    return render_template(
        "pilots/proposals/list.html",
        req=req,
        page=page,
        summaries=summaries,
        can_select=lifecycle.CITY in roles and req.status == RequestStatus.CLOSED,
        can_decide=lifecycle.OFFICIAL in roles and req.status == RequestStatus.PARTNER_SELECTED,
        partnership=workspace.partnership_of_request(current_user, req),
        **LABELS,
    )


@bp.route("/proposals/<int:interest_id>/scores", methods=["GET", "POST"])
@policy(MEMBER)
def score_proposal(interest_id: int):
    interest = proposals.get_interest(current_user, interest_id)
    req = interest.request
    if lifecycle.CITY not in request_roles(current_user, req):
        abort(403)
    if not proposal_scores.can_score(current_user, interest):
        flash(_("This proposal can no longer be scored."), "error")
        return redirect(url_for("pilots.proposal", interest_id=interest_id))
    form = score_form(
        req.criteria,
        formdata=request.form if request.method == "POST" else None,
        scores=interest.scores,
    )
    data = validate_submission(form, ScoresIn, lambda: score_fields(form))
    if data is not None:
        try:
            with unit_of_work():
                proposal_scores.score_proposal(current_user, interest_id, data)
        except DomainError as err:
            show_domain_error(form, err)
        else:
            flash(_("The scores are saved."), "success")
            return redirect(url_for("pilots.proposal", interest_id=interest_id))
    if form.form_errors and request.method == "POST" and not score_fields(form)["scores"]:
        form.form_errors[:] = [_("Score at least one criterion.")]
    return render_template(
        "pilots/proposals/scores.html", form=form, interest=interest, req=req, **LABELS
    ), form_status(form)


@bp.post("/proposals/<int:interest_id>/shortlist")
@policy(MEMBER)
def shortlist_proposal(interest_id: int):
    on = request.form.get("shortlisted") == "1"
    try:
        with unit_of_work():
            proposal_scores.set_shortlisted(current_user, interest_id, on)
    except DomainError as err:
        if err.status in (403, 404):
            raise
        flash(err.detail, "error")
    else:
        flash(
            _("The proposal is on the shortlist.")
            if on
            else _("The proposal is off the shortlist."),
            "success",
        )
    return redirect(url_for("pilots.proposal", interest_id=interest_id))


@bp.route("/pilot-requests/<int:request_id>/selection", methods=["GET", "POST"])
@policy(MEMBER)
def select_partner(request_id: int):
    req = proposals.get_request(current_user, request_id)
    roles = request_roles(current_user, req)
    if lifecycle.CITY not in roles:
        abort(403 if lifecycle.OFFICIAL in roles else 404)
    if req.status != RequestStatus.CLOSED:
        flash(_(lifecycle.PILOT_REQUEST.conflict_messages[req.status.value]), "error")
        return redirect(url_for("pilots.proposals_list", request_id=request_id))
    candidates = proposals.list_request_proposals(
        current_user, request_id, PageQuery(page=1, per_page=100)
    ).items
    candidates = [i for i in candidates if i.status in selection.IN_THE_RUNNING]
    form = SelectionForm(proposals=candidates, institutions=selection.eligible_third_parties(req))
    if request.method == "GET" and request.args.get("interest_id"):
        form.interest_id.data = request.args["interest_id"]
    if form.validate_on_submit():
        try:
            with unit_of_work():
                selection.select_partner(
                    current_user,
                    request_id,
                    int(form.interest_id.data),
                    int(form.third_party_id.data) if form.third_party_id.data else None,
                )
        except DomainError as err:
            show_domain_error(form, err)
        else:
            flash(_("The partner is selected. A Seoul official will review it."), "success")
            return redirect(url_for("pilots.proposals_list", request_id=request_id))
    return render_template(
        "pilots/proposals/selection.html", form=form, req=req, candidates=candidates, **LABELS
    ), form_status(form)


@bp.route("/pilot-requests/<int:request_id>/approval", methods=["GET", "POST"])
@policy(OFFICIAL)
def review_selection(request_id: int):
    req = proposals.get_request(current_user, request_id)
    chosen = selection.selected_interest(req)
    if req.status != RequestStatus.PARTNER_SELECTED or chosen is None:
        flash(_(lifecycle.PILOT_REQUEST.conflict_messages[req.status.value]), "error")
        return redirect(url_for("pilots.proposals_list", request_id=request_id))
    chosen = proposals.get_interest(current_user, chosen.id)
    form = DecisionForm()
    if form.validate_on_submit():
        try:
            with unit_of_work():
                if form.decision.data == "approve":
                    selection.approve_selection(current_user, request_id)
                else:
                    selection.send_back_selection(current_user, request_id, form.reason.data)
        except DomainError as err:
            show_domain_error(form, err)
        else:
            flash(
                _("The partnership is approved.")
                if form.decision.data == "approve"
                else _("The selection is sent back to the city."),
                "success",
            )
            return redirect(url_for("pilots.proposals_list", request_id=request_id))
    return render_template(
        "pilots/proposals/approval.html",
        form=form,
        req=req,
        chosen=chosen,
        summary=proposal_scores.score_summary(req.criteria, chosen.scores),
        **LABELS,
    ), form_status(form)
