"""API: tokens, me, invitations, join requests."""

from __future__ import annotations

from flask import g, request

from ..access import AUTHENTICATED, OFFICIAL, PUBLIC, current_actor
from ..api import PageQuery, operation, paginated
from ..errors import Unauthenticated
from . import onboarding, services
from .models import JoinRequest, OrgRole, User
from .schemas import (
    AcceptInvitationIn,
    DecisionIn,
    InvitationIn,
    InvitationOut,
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
from .views import rate_limited


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
    rows, total = services.list_api_tokens(
        current_actor(), page=query.page, per_page=query.per_page
    )
    items = [
        TokenInfo(
            id=t.id,
            name=t.name,
            created_at=t.created_at,
            last_used_at=t.last_used_at,
            expires_at=t.expires_at,
            revoked_at=t.revoked_at,
        )
        for t in rows
    ]
    return paginated(items, total, query, TokenPage)


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


@operation(
    "/invitations",
    "POST",
    summary="Invite a person to an organisation",
    tag="members",
    access=OFFICIAL,
    body=InvitationIn,
    response=InvitationOut,
    status=201,
    errors=(409,),
)
def create_invitation(body: InvitationIn):
    invitation, _raw = onboarding.create_invitation(
        current_actor(),
        email=body.email,
        organization_id=body.organization_id,
        org_role=OrgRole(body.org_role),
    )
    return InvitationOut(
        id=invitation.id,
        email=invitation.email,
        organization_id=invitation.organization_id,
        org_role=invitation.org_role.value,
        expires_at=invitation.expires_at,
    )


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
    response=JoinRequestOut,
    status=201,
    errors=(409,),
)
@rate_limited
def create_join_request(body: JoinRequestIn):
    row = onboarding.apply_to_join(
        body.organization.model_dump(),
        name=body.name,
        email=body.email,
        password=body.password,
        motivation=body.motivation,
        ip=_ip(),
    )
    return _join_out(row)


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
