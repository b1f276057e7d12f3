"""Managing invitations after they are sent: revoke, resend, expire, and the revocations that
follow a sender being disabled or a person deleting their account.

Every change of an invitation's status goes through `lifecycle.transition` with the table in
onboarding/lifecycle.py, so each one is a compare-and-set with a history entry. Creating and
accepting invitations is in services.py.
"""

from __future__ import annotations

from collections.abc import Iterable

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, or_, select, update
from sqlalchemy.orm import selectinload

from ..accounts.models import User
from ..accounts.services import email_taken
from ..accounts.tokens import new_secret
from ..audit.services import record_event
from ..db import db, utcnow
from ..errors import Conflict, NotFound, PermissionDenied
from ..lifecycle import SYSTEM, transition
from ..mail.services import queue_email
from ..members.models import Organization, OrgStatus
from ..pagination import Page, PageQuery, paginate
from . import lifecycle
from .models import ERASED_EMAIL, Invitation, InvitationStatus
from .permissions import (
    can_resend_invitation,
    can_revoke_invitation,
    can_view_invitation,
    invitation_roles,
    visible_invitations,
)

OPEN = InvitationStatus.OPEN.value


def send_invitation_email(invitation: Invitation, org: Organization, inviter: User, raw: str):
    """Queue the invitation e-mail with the link for ``raw`` (in the inviter's language)."""
    link = f"{current_app.config['PUBLIC_BASE_URL']}/invitations/{raw}"
    queue_email(
        invitation.email,
        _l("You are invited to the Seoul Smart City Prize Platform"),
        template="emails/invitation.txt",
        context={
            "organization": {"id": org.id, "name": org.name},
            "inviter": {"id": inviter.id, "name": inviter.name},
            "link": link,
            "days": current_app.config["INVITATION_LIFETIME"].days,
        },
        locale=inviter.locale,
        kind="invitation",
    )


def get_invitation(actor: User, invitation_id: int) -> Invitation:
    """An invitation ``actor`` may see; NotFound otherwise (also when it exists but is not
    theirs to see, so ids reveal nothing)."""
    invitation = db.session.get(Invitation, invitation_id)
    if invitation is None or not can_view_invitation(actor, invitation):
        raise NotFound(_("No such invitation."))
    return invitation


def list_invitations(
    actor: User, query: PageQuery, *, organization_id: int | None = None
) -> Page[Invitation]:
    """The invitations ``actor`` may see, newest first, optionally of one organisation."""
    stmt = select(Invitation).where(visible_invitations(actor))
    if organization_id is not None:
        stmt = stmt.where(Invitation.organization_id == organization_id)
    stmt = stmt.options(selectinload(Invitation.organization))
    return paginate(stmt.order_by(Invitation.id.desc()), query)


def revoke_invitation(actor: User, invitation_id: int, *, reason: str = "") -> Invitation:
    """Revoke an open invitation: its link stops working. Flushes the move and its history.
    NotFound if ``actor`` may not see it, PermissionDenied if they may not revoke it,
    Conflict naming its state if it is no longer open."""
    invitation = get_invitation(actor, invitation_id)
    if not can_revoke_invitation(actor, invitation):
        raise PermissionDenied(_("You may not revoke this invitation."))
    transition(
        lifecycle.INVITATION,
        Invitation,
        invitation.id,
        expected=OPEN,
        to=InvitationStatus.REVOKED,
        actor=actor,
        roles=invitation_roles(actor, invitation),
        reason=reason,
        values={"revoked_at": utcnow()},
    )
    record_event(
        "invitation.revoked", actor_id=actor.id, target_type="invitation", target_id=invitation.id
    )
    return invitation


def resend_invitation(actor: User, invitation_id: int) -> tuple[Invitation, str]:
    """Send an open or expired invitation again with a new link: the old link stops working
    and the invitation is valid for a full lifetime from now. Returns the invitation and the
    raw token. Conflict if it was accepted or revoked (or the address has an account by now),
    NotFound / PermissionDenied as for revoking."""
    invitation = get_invitation(actor, invitation_id)
    if not can_resend_invitation(actor, invitation):
        raise PermissionDenied(_("You may not resend this invitation."))
    org = invitation.organization
    if org.status != OrgStatus.ACTIVE:
        raise Conflict(_("This organisation is not active."))
    if invitation.email == ERASED_EMAIL or email_taken(invitation.email):
        raise Conflict(_("This invitation can no longer be sent."))
    raw, hashed = new_secret()
    # Compare-and-set from the state we read: a concurrent accept or revoke wins over us.
    transition(
        lifecycle.INVITATION,
        Invitation,
        invitation.id,
        expected=invitation.status,
        to=InvitationStatus.OPEN,
        actor=actor,
        roles=invitation_roles(actor, invitation),
        reason="resent",
        values={
            "token_hash": hashed,
            "expires_at": utcnow() + current_app.config["INVITATION_LIFETIME"],
        },
    )
    send_invitation_email(invitation, org, actor, raw)
    record_event(
        "invitation.resent", actor_id=actor.id, target_type="invitation", target_id=invitation.id
    )
    return invitation, raw


def _move_open_invitations(
    where: Iterable[ColumnElement[bool]],
    *,
    to: InvitationStatus,
    actor: User | None,
    reason: str,
    values: dict | None = None,
    guard: Iterable[ColumnElement[bool]] = (),
) -> int:
    """Move, as the system, every open invitation matching ``where`` to ``to``, each with its
    own compare-and-set (also checking ``guard``) and history entry; one that moved meanwhile
    is left as it is. Returns how many moved."""
    ids = db.session.scalars(
        select(Invitation.id).where(Invitation.status == OPEN, *where).order_by(Invitation.id)
    ).all()
    moved = 0
    for invitation_id in ids:
        try:
            transition(
                lifecycle.INVITATION,
                Invitation,
                invitation_id,
                expected=OPEN,
                to=to,
                actor=actor,
                roles={SYSTEM},
                reason=reason,
                values=values,
                where=guard,
            )
        except Conflict:
            continue  # accepted, revoked or resent by someone else a moment ago
        moved += 1
    return moved


def revoke_open_invitations(
    where: Iterable[ColumnElement[bool]], *, actor: User | None, reason: str
) -> int:
    """Revoke, as the system, every open invitation matching ``where``. Returns how many were
    revoked."""
    return _move_open_invitations(
        where,
        to=InvitationStatus.REVOKED,
        actor=actor,
        reason=reason,
        values={"revoked_at": utcnow()},
    )


def revoke_invitations_sent_by(user: User, *, actor: User | None, reason: str) -> int:
    """A sender who is disabled or deletes their account stops vouching for anyone."""
    return revoke_open_invitations(
        [Invitation.invited_by_id == user.id], actor=actor, reason=reason
    )


def erase_invitation_addresses(user: User, old_email: str) -> None:
    """When ``user`` deletes their account: the invitations addressed to them and those they
    sent are revoked if open and lose the address (replaced by a marker that is no address)."""
    mine = or_(Invitation.invited_by_id == user.id, Invitation.email == old_email)
    revoke_open_invitations([mine], actor=user, reason="account deleted")
    db.session.execute(
        update(Invitation)
        .where(mine)
        .values(email=ERASED_EMAIL)
        .execution_options(synchronize_session=False)
    )


def expire_overdue_invitations() -> int:
    """Move every open invitation past its expiry to "expired" (for a periodic job). Links are
    refused once past expiry whether or not this ran; this makes the state say so too."""
    overdue = [Invitation.expires_at < utcnow()]
    return _move_open_invitations(
        overdue,
        to=InvitationStatus.EXPIRED,
        actor=None,
        reason="expired",
        guard=overdue,  # not if resent meanwhile
    )
