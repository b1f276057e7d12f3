"""API: invitations and join requests."""

from __future__ import annotations

from flask import request

from ..access import MEMBER, OFFICIAL, PUBLIC, current_actor
from ..accounts.limits import rate_limited
from ..accounts.models import OrgRole, User
from ..api import PageQuery, operation, paginated
from . import invitations, services
from .models import Invitation, JoinRequest
from .schemas import (
    AcceptInvitationIn,
    DecisionIn,
    InvitationIn,
    InvitationOut,
    InvitationPage,
    JoinReceiptOut,
    JoinRequestIn,
    JoinRequestOut,
    PersonOut,
)
from .views import invitation_sent, invitations_limited


def _ip() -> str:
    return request.remote_addr or ""


def _invitation_out(invitation: Invitation) -> InvitationOut:
    return InvitationOut(
        id=invitation.id,
        email=invitation.email,
        organization_id=invitation.organization_id,
        org_role=invitation.org_role.value,
        status=invitation.effective_status.value,
        created_at=invitation.created_at,
        expires_at=invitation.expires_at,
    )


@operation(
    "/invitations",
    "POST",
    summary="Invite a person to an organisation (officials; org admins for colleagues)",
    tag="members",
    access=MEMBER,
    body=InvitationIn,
    response=InvitationOut,
    status=201,
    errors=(409,),
)
@invitations_limited
def create_invitation(body: InvitationIn):
    invitation, _raw = services.create_invitation(
        current_actor(),
        email=body.email,
        organization_id=body.organization_id,
        org_role=OrgRole(body.org_role),
    )
    invitation_sent()
    return _invitation_out(invitation)


@operation(
    "/invitations",
    "GET",
    summary="The invitations the caller may see (officials: all; org admins: their own)",
    tag="members",
    access=MEMBER,
    query=PageQuery,
    response=InvitationPage,
)
def list_invitations(query: PageQuery):
    page = invitations.list_invitations(current_actor(), query)
    return paginated(page, InvitationPage, _invitation_out)


@operation(
    "/invitations/<int:invitation_id>/revoke",
    "POST",
    summary="Revoke an open invitation; its link stops working",
    tag="members",
    access=MEMBER,
    response=InvitationOut,
    errors=(409,),
)
def revoke_invitation(invitation_id: int):
    invitation = invitations.revoke_invitation(current_actor(), invitation_id)
    return _invitation_out(invitation)


@operation(
    "/invitations/<int:invitation_id>/resend",
    "POST",
    summary="E-mail a new link for an open or expired invitation; the old link stops working",
    tag="members",
    access=MEMBER,
    response=InvitationOut,
    errors=(409,),
)
@invitations_limited
def resend_invitation(invitation_id: int):
    invitation, _raw = invitations.resend_invitation(current_actor(), invitation_id)
    invitation_sent()
    return _invitation_out(invitation)


@operation(
    "/invitations/accept",
    "POST",
    summary="Accept an invitation and create the account",
    tag="members",
    access=PUBLIC,
    body=AcceptInvitationIn,
    response=PersonOut,
    status=201,
    errors=(409,),
)
def accept_invitation(body: AcceptInvitationIn):
    user = services.accept_invitation(body.token, name=body.name, password=body.password)
    return _person(user)


def _person(user: User) -> PersonOut:
    return PersonOut(
        id=user.id,
        email=user.email,
        name=user.name,
        organization_id=user.organization_id,
        org_role=user.org_role.value,
        status=user.status.value,
    )


def _join_out(row: JoinRequest) -> JoinRequestOut:
    return JoinRequestOut(
        id=row.id,
        organization_id=row.organization_id,
        status=row.status.value,
        reason=row.reason,
        created_at=row.created_at,
        decided_at=row.decided_at,
    )


@operation(
    "/join-requests",
    "POST",
    summary="A company or institution applies to join",
    tag="members",
    access=PUBLIC,
    body=JoinRequestIn,
    response=JoinReceiptOut,
    status=202,
)
@rate_limited
def create_join_request(body: JoinRequestIn):
    # The same 202 whether or not the address already has an account or the name is used:
    # the existing holder is told by e-mail instead (see services.apply_to_join).
    services.apply_to_join(
        body.organization.model_dump(),
        name=body.name,
        email=body.email,
        password=body.password,
        motivation=body.motivation,
        ip=_ip(),
    )
    return JoinReceiptOut(detail=services.join_received_message())


@operation(
    "/join-requests/<int:request_id>/decision",
    "POST",
    summary="Approve or decline a join request",
    tag="members",
    access=OFFICIAL,
    body=DecisionIn,
    response=JoinRequestOut,
    errors=(409,),
)
def decide_join_request(request_id: int, body: DecisionIn):
    row = services.decide_join_request(
        current_actor(), request_id, approve=body.decision == "approve", reason=body.reason
    )
    return _join_out(row)
