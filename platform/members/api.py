"""API: organisations and their awards."""

from __future__ import annotations

from ..access import MEMBER, OFFICIAL, current_actor
from ..api import operation, paginated
from . import services
from .models import Organization
from .schemas import (
    AwardInput,
    AwardOut,
    DirectoryQuery,
    OrganizationDetailOut,
    OrganizationInput,
    OrganizationPage,
    OrganizationPatch,
    PersonOut,
)


def organization_out(org: Organization) -> dict:
    return {
        "id": org.id,
        "kind": org.kind,
        "name": org.name,
        "country": org.country,
        "region": org.region,
        "languages": list(org.languages or []),
        "website": org.website,
        "description": org.description,
        "sectors": org.sector_values,
        "technologies": org.technology_values,
        "challenges": list(org.challenges or []),
        "development_stage": org.development_stage,
        "population": org.population,
        "size": org.size,
        "status": org.status.value,
        "is_demo": org.is_demo,
        "public_source": org.public_source,
        "awards": [
            {
                "id": a.id,
                "year": a.year,
                "category": a.category,
                "project_title": a.project_title,
                "laureate_name": a.laureate_name,
                "partner": a.partner,
            }
            for a in org.awards
        ],
        "updated_at": org.updated_at,
    }


def _detail(org: Organization) -> OrganizationDetailOut:
    people = [
        PersonOut(id=p.id, name=p.name, job_title=p.job_title, org_role=p.org_role.value)
        for p in services.list_people(org)
    ]
    return OrganizationDetailOut.model_validate({**organization_out(org), "people": people})


@operation(
    "/organizations",
    "GET",
    summary="Search the directory",
    tag="members",
    access=MEMBER,
    query=DirectoryQuery,
    response=OrganizationPage,
)
def list_organizations(query: DirectoryQuery):
    page = services.search_directory(current_actor(), query)
    return paginated(page, OrganizationPage, organization_out)


@operation(
    "/organizations",
    "POST",
    summary="Create an organisation",
    tag="members",
    access=OFFICIAL,
    body=OrganizationInput,
    response=OrganizationDetailOut,
    status=201,
    errors=(409,),
)
def create_organization(body: OrganizationInput):
    org = services.create_organization(current_actor(), body)
    return _detail(services.get_organization(current_actor(), org.id))


@operation(
    "/organizations/<int:org_id>",
    "GET",
    summary="An organisation's profile",
    tag="members",
    access=MEMBER,
    response=OrganizationDetailOut,
)
def get_organization(org_id: int):
    return _detail(services.get_organization(current_actor(), org_id))


@operation(
    "/organizations/<int:org_id>",
    "PATCH",
    summary="Change an organisation's profile (org admin or official)",
    tag="members",
    access=MEMBER,
    body=OrganizationPatch,
    response=OrganizationDetailOut,
    errors=(409,),
)
def patch_organization(org_id: int, body: OrganizationPatch):
    actor = current_actor()
    org = services.update_organization(actor, org_id, body)  # checks can_edit_organization
    return _detail(services.get_organization(actor, org.id))


@operation(
    "/organizations/<int:org_id>/awards",
    "POST",
    summary="Record an award",
    tag="members",
    access=OFFICIAL,
    body=AwardInput,
    response=AwardOut,
    status=201,
)
def create_award(org_id: int, body: AwardInput):
    award = services.record_award(current_actor(), org_id, body)
    return AwardOut(
        id=award.id,
        year=award.year,
        category=award.category,
        project_title=award.project_title,
        laureate_name=award.laureate_name,
        partner=award.partner,
    )
