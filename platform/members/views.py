"""Directory, organisation profiles, awards and invitations (HTML)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..access import MEMBER, OFFICIAL, policy
from ..accounts.models import OrgRole
from ..db import unit_of_work
from ..errors import DomainError
from ..forms import form_status, show_domain_error, validate_submission
from ..i18n import country_choices, country_table
from ..pagination import list_query
from . import profile_sections, services
from .forms import AwardForm, OrganizationForm
from .permissions import can_edit_organization, can_invite_member, can_record_award
from .schemas import AwardInput, DirectoryQuery, OrganizationInput, OrganizationPatch

bp = Blueprint("members", __name__, template_folder="templates")


@bp.get("/directory")
@policy(MEMBER)
def directory():
    # Filters that were wrong are shown, ignored, and the search goes on.
    query, filter_errors = list_query(DirectoryQuery, request.args)
    args = {k: v for k, v in request.args.items() if v != "" and k not in filter_errors}
    return render_template(
        "members/directory.html",
        page=services.search_directory(current_user, query, with_technologies=False),
        query=query,
        countries=country_table(),
        filter_errors=filter_errors,
        args=args,
    ), (200 if not filter_errors else 422)


@bp.get("/organizations/<int:org_id>")
@policy(MEMBER)
def organization(org_id: int):
    org = services.get_organization(current_user, org_id)
    return render_template(
        "members/organization.html",
        org=org,
        people=services.list_people(org, include_disabled=current_user.is_official),
        can_edit=can_edit_organization(current_user, org),
        can_invite=can_invite_member(current_user, org, OrgRole.MEMBER),
        can_award=can_record_award(current_user),
        sections=profile_sections.collect(current_user, org),
    )


@bp.route("/organizations/new", methods=["GET", "POST"])
@policy(OFFICIAL)
def create_organization():
    form = OrganizationForm(country_choices=country_choices())
    data = validate_submission(form, OrganizationInput, form.to_fields)
    if data is not None:
        try:
            with unit_of_work():
                org = services.create_organization(current_user, data)
                name, org_id = org.name, org.id
        except DomainError as err:
            show_domain_error(form, err)
        else:
            flash(_("%(name)s is created.", name=name), "success")
            return redirect(url_for("members.organization", org_id=org_id))
    return render_template("members/organization_form.html", form=form, org=None), form_status(form)


@bp.route("/organizations/<int:org_id>/edit", methods=["GET", "POST"])
@policy(MEMBER)
def edit_organization(org_id: int):
    org = services.get_organization(current_user, org_id)
    if not can_edit_organization(current_user, org):
        abort(403)
    # Stored languages stay offered (checked) even if the short list lacks them.
    form = OrganizationForm(country_choices=country_choices(), current_languages=org.languages)
    if request.method == "GET":
        form.fill_from(org)
    form.kind.data = org.kind.value  # the kind is fixed once created
    patch = validate_submission(form, OrganizationPatch, lambda: _without_kind(form.to_fields()))
    if patch is not None:
        try:
            with unit_of_work():
                services.update_organization(current_user, org_id, patch)
        except DomainError as err:
            show_domain_error(form, err)
        else:
            flash(_("The profile is saved."), "success")
            return redirect(url_for("members.organization", org_id=org_id))
    return render_template("members/organization_form.html", form=form, org=org), form_status(form)


def _without_kind(fields: dict) -> dict:
    fields.pop("kind", None)  # the kind is fixed once created
    return fields


@bp.route("/organizations/<int:org_id>/awards/new", methods=["GET", "POST"])
@policy(OFFICIAL)
def add_award(org_id: int):
    org = services.get_organization(current_user, org_id)
    form = AwardForm()
    data = validate_submission(form, AwardInput, lambda: dict(form.data))
    if data is not None:
        with unit_of_work():
            services.record_award(current_user, org_id, data)
        flash(_("The award is recorded."), "success")
        return redirect(url_for("members.organization", org_id=org_id))
    return render_template("members/award_form.html", form=form, org=org), form_status(form)


@bp.post("/awards/<int:award_id>/delete")
@policy(OFFICIAL)
def delete_award(award_id: int):
    org_id = request.form.get("org_id", type=int)
    with unit_of_work():
        services.delete_award(current_user, award_id)
    flash(_("The award is removed."), "success")
    if org_id:
        return redirect(url_for("members.organization", org_id=org_id))
    return redirect(url_for("members.directory"))
