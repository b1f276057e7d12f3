"""Pages for arriving: accepting an invitation, applying to join; for officials and org
admins, inviting people, the invitations and the join requests."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from ..access import MEMBER, OFFICIAL, PUBLIC, current_actor, policy
from ..accounts.limits import rate_limited
from ..accounts.models import OrgRole
from ..accounts.views import sign_in
from ..db import unit_of_work
from ..errors import Conflict, DomainError, NotFound
from ..extensions import limiter
from ..forms import form_status, show_domain_error, validate_submission
from ..i18n import country_choices
from ..members.permissions import can_invite_member
from ..members.schemas import OrganizationInput
from ..members.services import get_organization, possible_duplicates
from ..pagination import PageQuery, list_query
from . import invitations as invitation_service
from . import services
from .forms import AcceptInvitationForm, DecisionForm, InviteForm, JoinForm
from .models import ERASED_EMAIL, JoinRequestStatus
from .permissions import can_manage_invitations_of, can_resend_invitation, can_revoke_invitation

bp = Blueprint("onboarding", __name__, template_folder="templates")


def _ip() -> str:
    return request.remote_addr or ""


@bp.route("/invitations/<token>", methods=["GET", "POST"])
@policy(PUBLIC)
def accept_invitation(token: str):
    try:
        invitation = services.get_open_invitation(token)
    except (Conflict, NotFound) as err:
        return render_template("accounts/link_problem.html", message=err.detail), err.status
    form = AcceptInvitationForm(email=invitation.email)
    if form.validate_on_submit():
        try:
            with unit_of_work():
                user = services.accept_invitation(
                    token, name=form.name.data, password=form.password.data
                )
                sign_in(user)
                org_id = user.organization_id
        except DomainError as err:
            if err.status == 409:
                return render_template("accounts/link_problem.html", message=err.detail), 409
            show_domain_error(form, err)
        else:
            flash(_("Welcome to the platform."), "success")
            return redirect(url_for("members.organization", org_id=org_id))
    return render_template(
        "onboarding/accept_invitation.html", form=form, invitation=invitation
    ), form_status(form)


@bp.route("/join", methods=["GET", "POST"])
@policy(PUBLIC)
@rate_limited
def join():
    form = JoinForm(country_choices=country_choices())
    data = validate_submission(form, OrganizationInput, form.to_fields)
    if data is not None:
        try:
            with unit_of_work():
                services.apply_to_join(
                    data.model_dump(),
                    name=form.person_name.data,
                    email=form.email.data,
                    password=form.password.data,
                    motivation=form.motivation.data,
                    ip=_ip(),
                )
        except DomainError as err:
            show_domain_error(form, err)
        else:
            # Same page whether or not an account was created (no sign-in: that would
            # tell the two apart); a new applicant signs in to follow the request.
            return redirect(url_for("onboarding.join_received"))
    return render_template("onboarding/join.html", form=form), form_status(form)


@bp.get("/join/received")
@policy(PUBLIC)
def join_received():
    return render_template(
        "onboarding/join_received.html", message=services.join_received_message()
    )


@bp.get("/admin/join-requests")
@policy(OFFICIAL)
def join_requests():
    status_arg = request.args.get("status", "pending")
    known = {s.value for s in JoinRequestStatus}
    status = JoinRequestStatus(status_arg) if status_arg in known else None
    query, _ignored = list_query(PageQuery, request.args)
    page = services.list_join_requests(status, query)
    return render_template(
        "onboarding/join_requests.html",
        page=page,
        duplicates=possible_duplicates([r.organization for r in page.items]),
        status=status_arg,
        form=DecisionForm(),
    )


@bp.post("/admin/join-requests/<int:request_id>/decision")
@policy(OFFICIAL)
def decide_join_request(request_id: int):
    form = DecisionForm()
    approve = request.form.get("decision") == "approve"
    if not form.validate_on_submit():
        flash(_("The reason is too long."), "error")
        return redirect(url_for("onboarding.join_requests"))
    try:
        with unit_of_work():
            row = services.decide_join_request(
                current_user, request_id, approve=approve, reason=form.reason.data or ""
            )
            name = row.organization.name
    except DomainError as err:
        flash(err.detail, "error")
    else:
        flash(
            _("%(name)s: approved.", name=name) if approve else _("%(name)s: declined.", name=name),
            "success",
        )
    return redirect(url_for("onboarding.join_requests"))


def _sender_key() -> str:
    actor = current_actor()
    return f"invitations:{actor.id if actor is not None else 'anonymous'}"


def _invitations_per_day() -> int:
    actor = current_actor()
    official = actor is not None and actor.is_official
    return current_app.config["INVITATIONS_PER_DAY_OFFICIAL" if official else "INVITATIONS_PER_DAY"]


def _invitation_limit_message() -> str:
    return _(
        "You have sent the most invitations allowed in one day (%(count)d). "
        "Try again tomorrow, or ask a Seoul official.",
        count=_invitations_per_day(),
    )


def invitation_sent() -> None:
    """Count this request against the sender's daily invitations (call after the commit)."""
    g.invitation_sent = True


# One daily budget per sender, shared by every route that e-mails an invitation (HTML and
# API, new and resent). Only requests that really sent one count (deduct_when); the check
# comes before the request and the count after it, so simultaneous requests from one sender
# may overshoot by the few in flight — a budget against spam, not an exact quota.
invitations_limited = limiter.shared_limit(
    lambda: f"{_invitations_per_day()} per day",
    scope="invitations",
    key_func=_sender_key,
    methods=["POST"],
    error_message=_invitation_limit_message,
    deduct_when=lambda response: bool(g.get("invitation_sent")),
)


def _invitations_page(org=None):
    query, _ignored = list_query(PageQuery, request.args)
    page = invitation_service.list_invitations(
        current_user, query, organization_id=org.id if org else None
    )
    return render_template(
        "onboarding/invitations.html",
        page=page,
        org=org,
        form=DecisionForm(),
        can_revoke=can_revoke_invitation,
        can_resend=can_resend_invitation,
        ERASED_EMAIL=ERASED_EMAIL,
    )


@bp.get("/admin/invitations")
@policy(OFFICIAL)
def invitations():
    return _invitations_page()


@bp.get("/organizations/<int:org_id>/invitations")
@policy(MEMBER)
def org_invitations(org_id: int):
    """An organisation's invitations, for its admins (and officials)."""
    org = get_organization(current_user, org_id)
    if not can_manage_invitations_of(current_user, org):
        abort(403)
    return _invitations_page(org)


def _back_to_invitations():
    org_id = request.form.get("org_id", type=int)
    if org_id:
        return redirect(url_for("onboarding.org_invitations", org_id=org_id))
    return redirect(url_for("onboarding.invitations"))


@bp.post("/invitations/<int:invitation_id>/revoke")
@policy(MEMBER)
def revoke_invitation(invitation_id: int):
    if not DecisionForm().validate_on_submit():  # its CSRF check
        flash(_("The form expired. Try again."), "error")
        return _back_to_invitations()
    try:
        with unit_of_work():
            row = invitation_service.revoke_invitation(current_user, invitation_id)
            email = row.email
    except DomainError as err:
        flash(err.detail, "error")
    else:
        flash(_("The invitation for %(email)s is revoked.", email=email), "success")
    return _back_to_invitations()


@bp.post("/invitations/<int:invitation_id>/resend")
@policy(MEMBER)
@invitations_limited
def resend_invitation(invitation_id: int):
    if not DecisionForm().validate_on_submit():
        flash(_("The form expired. Try again."), "error")
        return _back_to_invitations()
    try:
        with unit_of_work():
            row, _raw = invitation_service.resend_invitation(current_user, invitation_id)
            email = row.email
    except DomainError as err:
        flash(err.detail, "error")
    else:
        invitation_sent()
        flash(
            _("A new link is sent to %(email)s; the earlier link no longer works.", email=email),
            "success",
        )
    return _back_to_invitations()


@bp.route("/organizations/<int:org_id>/invite", methods=["GET", "POST"])
@policy(MEMBER)
@invitations_limited
def invite(org_id: int):
    org = get_organization(current_user, org_id)
    if not can_invite_member(current_user, org, OrgRole.MEMBER):
        abort(403)
    form = InviteForm()
    if not current_user.is_official:
        form.org_role.choices = [c for c in form.org_role.choices if c.value == "member"]
    if form.validate_on_submit():
        try:
            with unit_of_work():
                services.create_invitation(
                    current_user,
                    email=form.email.data,
                    organization_id=org_id,
                    org_role=OrgRole(form.org_role.data),
                )
        except DomainError as err:
            show_domain_error(form, err)
        else:
            invitation_sent()
            flash(_("The invitation is sent to %(email)s.", email=form.email.data), "success")
            return redirect(url_for("members.organization", org_id=org_id))
    return render_template("onboarding/invite.html", form=form, org=org), form_status(form)
