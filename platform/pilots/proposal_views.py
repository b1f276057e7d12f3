"""Routes: proposals (submit, edit, withdraw, my organisation's list, the proposal page) and
the request's "proposals" panel. Scoring, the shortlist, the selection and its approval are
in selection_views.py. Every route declares its policy; object-level access is the
services' and pilots/permissions.py's (NotFound for what the actor may not know exists)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..access import MEMBER, policy
from ..db import unit_of_work
from ..errors import DomainError
from ..forms import form_status, show_domain_error, validate_submission
from ..members.models import OrgKind
from ..pagination import PageQuery, list_query
from . import panels, proposal_scores, proposals
from .labels import INTEREST_STATUS_LABELS, STATUS_LABELS
from .proposal_forms import ProposalForm
from .proposal_schemas import ProposalFields, ProposalPatch
from .views import bp

LABELS = {"interest_labels": INTEREST_STATUS_LABELS, "request_labels": STATUS_LABELS}


@panels.panel("request", "pilots/proposals/_request_panel.html")
def proposals_on_request(actor, req) -> dict | None:
    """On the request page: how many proposals arrived (never who), the actor's own
    proposal or the way to submit one, and the list for the city (after the deadline) and
    officials. Two queries at most."""
    if getattr(req, "opened_at", None) is None:  # never a call for proposals
        return None
    own = None
    org = getattr(actor, "organization", None)
    if org is not None and org.kind in (OrgKind.COMPANY, OrgKind.INSTITUTION):
        own = proposals.own_interest(actor, req)
    return {
        "req": req,
        "received": proposals.count_proposals(req).received,
        "own": own,
        "can_propose": own is None and proposals.accepts_proposals(actor, req),
        "can_list": proposals.can_list_proposals(actor, req),
        "is_city": actor is not None and actor.organization_id == req.city_id,
        **LABELS,
    }


@bp.get("/proposals")
@policy(MEMBER)
def my_proposals():
    query, _errors = list_query(PageQuery, request.args)
    page = proposals.list_own_proposals(current_user, query)
    return render_template("pilots/proposals/mine.html", page=page, **LABELS)


@bp.route("/pilot-requests/<int:request_id>/proposals/new", methods=["GET", "POST"])
@policy(MEMBER)
def propose(request_id: int):
    req = proposals.get_request(current_user, request_id)
    own = proposals.own_interest(current_user, req)
    if own is not None:
        flash(_("Your organisation has already made a proposal for this call."), "info")
        return redirect(url_for("pilots.proposal", interest_id=own.id))
    if not proposals.accepts_proposals(current_user, req):
        if req.status.value == "open" and not proposals.is_past_deadline(req):
            abort(403)  # a city, an official, or an organisation not yet vetted
        return render_template("pilots/proposals/closed.html", req=req, **LABELS), 409
    form = ProposalForm()
    if request.method == "GET":
        form.currency.data = req.currency
    data = validate_submission(form, ProposalFields, form.to_fields)
    if data is not None:
        try:
            with unit_of_work():
                interest_id = proposals.submit_proposal(current_user, request_id, data).id
        except DomainError as err:
            show_domain_error(form, err)
        else:
            flash(_("Your proposal is submitted."), "success")
            return redirect(url_for("pilots.proposal", interest_id=interest_id))
    return render_template(
        "pilots/proposals/form.html", form=form, req=req, interest=None, **LABELS
    ), form_status(form)


@bp.get("/proposals/<int:interest_id>")
@policy(MEMBER)
def proposal(interest_id: int):
    interest = proposals.get_interest(current_user, interest_id)
    req = interest.request
    show_scores = proposal_scores.can_see_scores(current_user, req)
    return render_template(
        "pilots/proposals/detail.html",
        interest=interest,
        req=req,
        summary=proposal_scores.score_summary(req.criteria, interest.scores)
        if show_scores
        else None,
        can_edit=proposals.can_edit(current_user, interest),
        can_resubmit=proposals.can_resubmit(current_user, interest),
        can_score=proposal_scores.can_score(current_user, interest),
        panels=panels.collect("interest", current_user, interest),
        **LABELS,
    )


@bp.route("/proposals/<int:interest_id>/edit", methods=["GET", "POST"])
@policy(MEMBER)
def edit_proposal(interest_id: int):
    interest = proposals.get_interest(current_user, interest_id)
    if not proposals.can_edit(current_user, interest):
        if interest.organization_id != current_user.organization_id:
            abort(403)  # an official or the city: they see it, but it is not theirs
        flash(_(proposals.CALL_CLOSED), "error")
        return redirect(url_for("pilots.proposal", interest_id=interest_id))
    form = ProposalForm()
    if request.method == "GET":
        form.fill_from(interest)
    data = validate_submission(form, ProposalPatch, form.to_fields)
    if data is not None:
        try:
            with unit_of_work():
                proposals.edit_proposal(current_user, interest_id, data)
        except DomainError as err:
            show_domain_error(form, err)
        else:
            flash(_("Your proposal is saved."), "success")
            return redirect(url_for("pilots.proposal", interest_id=interest_id))
    return render_template(
        "pilots/proposals/form.html", form=form, req=interest.request, interest=interest, **LABELS
    ), form_status(form)


def _move(interest_id: int, service, done: str):
    try:
        with unit_of_work():
            service(current_user, interest_id)
    except DomainError as err:
        if err.status in (403, 404):
            raise
        flash(err.detail, "error")
    else:
        flash(done, "success")
    return redirect(url_for("pilots.proposal", interest_id=interest_id))


@bp.post("/proposals/<int:interest_id>/withdraw")
@policy(MEMBER)
def withdraw_proposal(interest_id: int):
    return _move(interest_id, proposals.withdraw_proposal, _("Your proposal is withdrawn."))


@bp.post("/proposals/<int:interest_id>/resubmit")
@policy(MEMBER)
def resubmit_proposal(interest_id: int):
    return _move(interest_id, proposals.resubmit_proposal, _("Your proposal is submitted again."))


from . import selection_views  # noqa: E402, F401  (scoring and selection routes)
