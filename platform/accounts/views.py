"""Pages for signing in and out, passwords and one's own account (invitations and joining:
onboarding/views.py)."""

from __future__ import annotations

import json

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from ..access import AUTHENTICATED, OFFICIAL, PUBLIC, policy
from ..db import after_commit, unit_of_work
from ..errors import Conflict, DomainError, NotFound
from ..forms import choices, form_status, show_domain_error
from ..pagination import PageQuery, list_query
from ..security import is_safe_redirect
from . import privacy, services
from .forms import (
    ApiTokenForm,
    ChangePasswordForm,
    CsrfForm,
    DeleteAccountForm,
    ForgotPasswordForm,
    LoginForm,
    NewPasswordForm,
    ProfileForm,
)
from .limits import clear_account_limits, mark_signed_in, rate_limited
from .models import User, UserStatus

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
        revoke_form=CsrfForm(),
    ), (201 if new_token else form_status(form))


@bp.post("/account/tokens/<int:token_id>/revoke")
@policy(AUTHENTICATED)
def revoke_api_token(token_id: int):
    form = CsrfForm()  # only for its CSRF check
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


@bp.post("/admin/people/<int:user_id>/status")
@policy(OFFICIAL)
def set_person_status(user_id: int):
    """An official disables an account (signing it out everywhere) or enables it again."""
    form = CsrfForm()  # only for its CSRF check
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
