"""Who may do what to organisations and awards. One place; views and API ask here."""

from __future__ import annotations

from ..accounts.models import OrgRole, User, UserStatus
from .models import Organization, OrgStatus


def can_view_organization(actor: User | None, org: Organization) -> bool:
    if actor is None:
        return False
    if org.status == OrgStatus.ACTIVE:
        return actor.status == UserStatus.ACTIVE
    return actor.is_official or actor.organization_id == org.id


def can_edit_organization(actor: User | None, org: Organization) -> bool:
    if actor is None or actor.status != UserStatus.ACTIVE:
        return False
    return actor.is_official or (actor.organization_id == org.id and actor.is_org_admin)


def can_create_organization(actor: User | None) -> bool:
    return actor is not None and actor.is_official and actor.status == UserStatus.ACTIVE


def can_record_award(actor: User | None) -> bool:
    return can_create_organization(actor)


def can_invite_member(actor: User | None, org: Organization, org_role: OrgRole) -> bool:
    """Officials invite anyone; an org admin invites colleagues into their own organisation."""
    if actor is None or actor.status != UserStatus.ACTIVE or org.status != OrgStatus.ACTIVE:
        return False
    if actor.is_official:
        return True
    return actor.is_org_admin and actor.organization_id == org.id and org_role == OrgRole.MEMBER
