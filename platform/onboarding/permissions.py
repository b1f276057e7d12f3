"""Who may see and change invitations. One place; views, API and services ask here.

Officials see and manage every invitation. An admin of an organisation sees and revokes the
invitations of that organisation and resends those for members (the role they may invite to
themselves, see members.permissions.can_invite_member). Everyone else sees none.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, false, true

from ..accounts.models import OrgRole, User, UserStatus
from .lifecycle import OFFICIAL, ORG_ADMIN
from .models import Invitation


def _live(actor: User | None) -> bool:
    return actor is not None and actor.status == UserStatus.ACTIVE


def invitation_roles(actor: User | None, invitation: Invitation) -> set[str]:
    """The lifecycle roles (onboarding/lifecycle.py) ``actor`` holds for ``invitation``."""
    roles: set[str] = set()
    if not _live(actor):
        return roles
    if actor.is_official:
        roles.add(OFFICIAL)
    if actor.is_org_admin and actor.organization_id == invitation.organization_id:
        roles.add(ORG_ADMIN)
    return roles


def can_view_invitation(actor: User | None, invitation: Invitation) -> bool:
    return bool(invitation_roles(actor, invitation))


def can_revoke_invitation(actor: User | None, invitation: Invitation) -> bool:
    return bool(invitation_roles(actor, invitation))


def can_resend_invitation(actor: User | None, invitation: Invitation) -> bool:
    roles = invitation_roles(actor, invitation)
    return OFFICIAL in roles or (ORG_ADMIN in roles and invitation.org_role == OrgRole.MEMBER)


def can_manage_invitations_of(actor: User | None, org) -> bool:
    """May ``actor`` open the invitations page of organisation ``org``?"""
    if not _live(actor):
        return False
    return actor.is_official or (actor.is_org_admin and actor.organization_id == org.id)


def visible_invitations(actor: User | None) -> ColumnElement[bool]:
    """A WHERE clause selecting the invitations ``actor`` may see (for lists)."""
    if not _live(actor):
        return false()
    if actor.is_official:
        return true()
    if actor.is_org_admin:
        return Invitation.organization_id == actor.organization_id
    return false()
