"""API: tokens, me, invitations, join requests."""

from __future__ import annotations

from flask import g, request

from ..access import AUTHENTICATED, MEMBER, OFFICIAL, PUBLIC, current_actor
from ..api import PageQuery, operation, paginated
from ..errors import Unauthenticated
from . import invitations as invitation_service
from . import onboarding, services
from .limits import mark_signed_in, rate_limited
from .models import Invitation, JoinRequest, OrgRole, User
from .onboarding import join_received_message
from .schemas import (
    AcceptInvitationIn,
    DecisionIn,
    InvitationIn,
    InvitationOut,
    InvitationPage,
    JoinReceiptOut,
    JoinRequestIn,
    JoinRequestOut,
    MeOrganization,
    MeOut,
    PersonOut,
    TokenInfo,
    TokenOut,
    TokenPage,
    TokenRequest,
)
from .views import invitation_sent, invitations_limited


def _ip() -> str:
    return request.remote_addr or ""


@operation(
    "/tokens",
    "POST",
    summary="Exchange e-mail and password for a bearer token",
    tag="auth",
    access=PUBLIC,
    body=TokenRequest,
    response=TokenOut,
    status=201,
    errors=(401,),
)
@rate_limited
def create_token(body: TokenRequest):
    try:
        raw, token = services.create_api_token(body.email, body.password, ip=_ip())
    except services.InvalidCredentials as err:
        raise Unauthenticated(err.detail) from err  # login.failure is recorded after rollback
    mark_signed_in()
    return TokenOut(token=raw, expires_at=token.expires_at)


@operation(
    "/tokens/current",
    "DELETE",
    summary="Revoke the bearer token of this request",
    tag="auth",
    access=AUTHENTICATED,
    status=204,
)
def revoke_token():
    raw = getattr(g, "api_token", None)
    if raw is None:
        raise Unauthenticated("Send the token to revoke as a bearer token.")
    services.revoke_api_token(raw)


@operation(
    "/tokens",
    "GET",
    summary="List the caller's own tokens (id, name, created, last used, expires, revoked)",
    tag="auth",
    access=AUTHENTICATED,
    query=PageQuery,
    response=TokenPage,
)
def list_tokens(query: PageQuery):
    page = services.list_api_tokens(current_actor(), query)
    return paginated(page, TokenPage, TokenInfo.model_validate)


@operation(
    "/tokens/<int:token_id>",
    "DELETE",
    summary="Revoke one of the caller's own tokens",
    tag="auth",
    access=AUTHENTICATED,
    status=204,
    errors=(404,),
)
def revoke_token_by_id(token_id: int):
    services.revoke_own_api_token(current_actor(), token_id, ip=_ip())


def _me(user: User) -> MeOut:
    roles = ["official"] if user.is_official else []
    if user.organization_id is not None:
        roles.append(f"org_{user.org_role.value}")
    org = user.organization
    return MeOut(
        id=user.id,
        email=user.email,
        name=user.name,
        job_title=user.job_title,
        locale=user.locale,
        status=user.status.value,
        org_role=user.org_role.value if org else None,
        roles=roles,
        organization=MeOrganization(id=org.id, name=org.name, kind=org.kind.value) if org else None,
    )


@operation(
    "/me",
    "GET",
    summary="The signed-in person, their organisation and roles",
    tag="auth",
    access=AUTHENTICATED,
    response=MeOut,
)
def me():
    return _me(current_actor())


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
    invitation, _raw = onboarding.create_invitation(
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
    page = invitation_service.list_invitations(current_actor(), query)
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
    invitation = invitation_service.revoke_invitation(current_actor(), invitation_id)
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
    invitation, _raw = invitation_service.resend_invitation(current_actor(), invitation_id)
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
    user = onboarding.accept_invitation(body.token, name=body.name, password=body.password)
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
    # the existing holder is told by e-mail instead (see onboarding.apply_to_join).
    onboarding.apply_to_join(
        body.organization.model_dump(),
        name=body.name,
        email=body.email,
        password=body.password,
        motivation=body.motivation,
        ip=_ip(),
    )
    return JoinReceiptOut(detail=join_received_message())


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
    row = onboarding.decide_join_request(
        current_actor(), request_id, approve=body.decision == "approve", reason=body.reason
    )
    return _join_out(row)
