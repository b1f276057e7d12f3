"""Pages for signing in and out, passwords, invitations, joining and one's own account."""

from __future__ import annotations

import json

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from ..access import AUTHENTICATED, MEMBER, OFFICIAL, PUBLIC, current_actor, policy
from ..db import after_commit, unit_of_work
from ..errors import Conflict, DomainError, NotFound
from ..extensions import limiter
from ..forms import choices, form_status, show_domain_error, validate_submission
from ..i18n import country_choices
from ..members.forms import JoinForm
from ..members.schemas import OrganizationInput
from ..pagination import PageQuery, list_query
from ..security import is_safe_redirect
from . import invitations as invitation_service
from . import onboarding, privacy, services
from .forms import (
    AcceptInvitationForm,
    ApiTokenForm,
    ChangePasswordForm,
    DecisionForm,
    DeleteAccountForm,
    ForgotPasswordForm,
    LoginForm,
    NewPasswordForm,
    ProfileForm,
)
from .limits import clear_account_limits, mark_signed_in, rate_limited
from .models import ERASED_EMAIL, JoinRequestStatus, User, UserStatus
from .permissions import can_manage_invitations_of, can_resend_invitation, can_revoke_invitation

bp = Blueprint("accounts", __name__, template_folder="templates")


def _ip() -> str:
    return request.remote_addr or ""


def sign_in(user: User, *, remember: bool = False) -> None:
    """Start a fresh session: the old session cookie's contents are discarded (rotation)."""
    session.clear()
    services.start_session(user, user_agent=request.user_agent.string, remember=remember)
    login_user(user, remember=remember)
    session.permanent = True


@bp.route("/login", methods=["GET", "POST"])
@policy(PUBLIC)
@rate_limited
def login():
    form = LoginForm()
    next_url = request.args.get("next", "")
    if form.validate_on_submit():
        try:
            with unit_of_work():
                user = services.authenticate(form.email.data, form.password.data, ip=_ip())
                sign_in(user, remember=form.remember.data)
                mark_signed_in()
                waiting = user.status == UserStatus.PENDING
        except services.AccountUnavailable as err:  # right password: say honestly why not
            return render_template(
                "accounts/unavailable.html", state=err.state, reason=err.reason
            ), 403
        except DomainError as err:  # login.failure is recorded after the rollback
            form.form_errors.append(err.detail)
        else:
            if waiting:  # an applicant can only wait: show them where they stand
                return redirect(url_for("accounts.pending"))
            if not is_safe_redirect(next_url):
                next_url = url_for("core.home")
            return redirect(next_url)
    return render_template("accounts/login.html", form=form), form_status(form)


@bp.post("/logout")
@policy(AUTHENTICATED)
def logout():
    from ..realtime.events import disconnect_user

    with unit_of_work():
        services.end_session(current_user.get_id())
        user_id = current_user.id
        after_commit(lambda: disconnect_user(user_id))
    # In this order: logout_user() leaves in the session the instruction to delete the
    # remember cookie, which a later session.clear() would throw away.
    session.clear()
    logout_user()
    flash(_("You are signed out."), "success")
    return redirect(url_for("accounts.login"))


@bp.get("/pending")
@policy(AUTHENTICATED)
def pending():
    if current_user.is_active_member:
        return redirect(url_for("core.home"))
    return render_template("accounts/pending.html")


@bp.route("/forgot-password", methods=["GET", "POST"])
@policy(PUBLIC)
@rate_limited
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        with unit_of_work():
            services.request_password_reset(form.email.data, ip=_ip())
        return render_template("accounts/reset_sent.html")
    return render_template("accounts/forgot_password.html", form=form), form_status(form)


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
@policy(PUBLIC)
@rate_limited
def reset_password(token: str):
    try:
        person = services.check_reset_token(token)
    except Conflict as err:
        return render_template("accounts/link_problem.html", message=err.detail), 409
    form = NewPasswordForm(email=person.email, name=person.name)
    if form.validate_on_submit():
        try:
            with unit_of_work():
                email = services.reset_password(token, form.password.data, ip=_ip()).email
        except DomainError as err:
            show_domain_error(form, err)
        else:
            clear_account_limits(email)  # the owner proved control: old failures are forgiven
            flash(_("Your password is changed. Sign in with the new one."), "success")
            return redirect(url_for("accounts.login"))
    return render_template("accounts/reset_password.html", form=form), form_status(form)


@bp.route("/invitations/<token>", methods=["GET", "POST"])
@policy(PUBLIC)
def accept_invitation(token: str):
    try:
        invitation = onboarding.get_open_invitation(token)
    except (Conflict, NotFound) as err:
        return render_template("accounts/link_problem.html", message=err.detail), err.status
    form = AcceptInvitationForm(email=invitation.email)
    if form.validate_on_submit():
        try:
            with unit_of_work():
                user = onboarding.accept_invitation(
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
        "accounts/accept_invitation.html", form=form, invitation=invitation
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
                onboarding.apply_to_join(
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
            return redirect(url_for("accounts.join_received"))
    return render_template("accounts/join.html", form=form), form_status(form)


@bp.get("/join/received")
@policy(PUBLIC)
def join_received():
    return render_template(
        "accounts/join_received.html", message=onboarding.join_received_message()
    )


@bp.route("/account", methods=["GET", "POST"])
@policy(AUTHENTICATED)
def account():
    form = ProfileForm(obj=current_user)
    form.locale.choices = choices(current_app.config["LANGUAGES"].items())
    if form.validate_on_submit():
        try:
            with unit_of_work():
                services.update_profile(
                    current_user,
                    name=form.name.data,
                    job_title=form.job_title.data or "",
                    locale=form.locale.data,
                )
        except DomainError as err:
            show_domain_error(form, err)
        else:
            flash(_("Your profile is saved."), "success")
            return redirect(url_for("accounts.account"))
    return render_template("accounts/account.html", form=form), form_status(form)


@bp.route("/account/password", methods=["GET", "POST"])
@policy(AUTHENTICATED)
def change_password():
    form = ChangePasswordForm(user=current_user._get_current_object())
    if form.validate_on_submit():
        user = current_user._get_current_object()
        try:
            with unit_of_work():
                services.change_password(
                    user, current=form.current_password.data, new=form.password.data, ip=_ip()
                )
                sign_in(user)  # every other session was revoked; this browser stays signed in
        except DomainError as err:
            show_domain_error(form, err)
        else:
            flash(_("Your password is changed. Other devices were signed out."), "success")
            return redirect(url_for("accounts.account"))
    return render_template("accounts/change_password.html", form=form), form_status(form)


@bp.route("/account/tokens", methods=["GET", "POST"])
@policy(AUTHENTICATED)
def api_tokens():
    """List, create and revoke one's own API tokens. A new token is shown once, in the
    response to the POST itself (never stored in the session or a redirect)."""
    form = ApiTokenForm()
    new_token = None
    if form.validate_on_submit():
        with unit_of_work():
            raw, _row = services.issue_api_token(current_user, name=form.name.data, ip=_ip())
        new_token = raw
        form = ApiTokenForm(formdata=None)
    query, _ignored = list_query(PageQuery, request.args)
    return render_template(
        "accounts/api_tokens.html",
        form=form,
        page=services.list_api_tokens(current_user, query),
        new_token=new_token,
        revoke_form=DecisionForm(),
    ), (201 if new_token else form_status(form))


@bp.post("/account/tokens/<int:token_id>/revoke")
@policy(AUTHENTICATED)
def revoke_api_token(token_id: int):
    form = DecisionForm()  # only for its CSRF check
    if not form.validate_on_submit():
        flash(_("The form expired. Please submit it again."), "error")
        return redirect(url_for("accounts.api_tokens"))
    try:
        with unit_of_work():
            services.revoke_own_api_token(current_user, token_id, ip=_ip())
    except NotFound:
        abort(404)
    flash(_("The token is revoked; programs using it can no longer sign in."), "success")
    return redirect(url_for("accounts.api_tokens"))


@bp.get("/account/data")
@policy(AUTHENTICATED)
def download_data():
    data = privacy.export_user_data(current_user)
    body = json.dumps(data, ensure_ascii=False, indent=2)
    return Response(
        body,
        mimetype="application/json",
        headers={"Content-Disposition": 'attachment; filename="my-data.json"'},
    )


@bp.route("/account/delete", methods=["GET", "POST"])
@policy(AUTHENTICATED)
def delete_account():
    form = DeleteAccountForm()
    if form.validate_on_submit():
        try:
            with unit_of_work():
                privacy.delete_account(
                    current_user._get_current_object(), password=form.password.data, ip=_ip()
                )
        except DomainError as err:
            show_domain_error(form, err)
        else:
            logout_user()
            session.clear()
            flash(_("Your account is deleted."), "success")
            return redirect(url_for("core.home"))
    return render_template("accounts/delete_account.html", form=form), form_status(form)


# ---- officials ----------------------------------------------------------------------------


@bp.get("/admin/join-requests")
@policy(OFFICIAL)
def join_requests():
    status_arg = request.args.get("status", "pending")
    known = {s.value for s in JoinRequestStatus}
    status = JoinRequestStatus(status_arg) if status_arg in known else None
    query, _ignored = list_query(PageQuery, request.args)
    page = onboarding.list_join_requests(status, query)
    from ..members.services import possible_duplicates

    return render_template(
        "accounts/join_requests.html",
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
        return redirect(url_for("accounts.join_requests"))
    try:
        with unit_of_work():
            row = onboarding.decide_join_request(
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
    return redirect(url_for("accounts.join_requests"))


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
        "accounts/invitations.html",
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
    from ..members.services import get_organization

    org = get_organization(current_user, org_id)
    if not can_manage_invitations_of(current_user, org):
        abort(403)
    return _invitations_page(org)


def _back_to_invitations():
    org_id = request.form.get("org_id", type=int)
    if org_id:
        return redirect(url_for("accounts.org_invitations", org_id=org_id))
    return redirect(url_for("accounts.invitations"))


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


@bp.post("/admin/people/<int:user_id>/status")
@policy(OFFICIAL)
def set_person_status(user_id: int):
    """An official disables an account (signing it out everywhere) or enables it again."""
    form = DecisionForm()  # only for its CSRF check
    wanted = request.form.get("status", "")
    back = request.form.get("org_id", type=int)
    if form.validate_on_submit() and wanted in (UserStatus.ACTIVE.value, UserStatus.DISABLED.value):
        try:
            with unit_of_work():
                person = services.get_user(user_id)
                services.set_user_status(current_user, person, UserStatus(wanted))
                name = person.name
        except DomainError as err:
            flash(err.detail, "error")
        else:
            flash(
                _("%(name)s is disabled and signed out everywhere.", name=name)
                if wanted == "disabled"
                else _("%(name)s can sign in again.", name=name),
                "success",
            )
    else:
        flash(_("Choose a valid status."), "error")
    if back:
        return redirect(url_for("members.organization", org_id=back))
    return redirect(url_for("core.home"))
