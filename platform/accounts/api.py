"""API: tokens and me (invitations and join requests: onboarding/api.py)."""

from __future__ import annotations

from flask import g, request

from ..access import AUTHENTICATED, PUBLIC, current_actor
from ..api import PageQuery, operation, paginated
from ..errors import Unauthenticated
from . import services
from .limits import mark_signed_in, rate_limited
from .models import User
from .schemas import (
    MeOrganization,
    MeOut,
    TokenInfo,
    TokenOut,
    TokenPage,
    TokenRequest,
)


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
