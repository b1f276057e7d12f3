"""Route-level access policy: every view declares who may reach it; undeclared means denied.

Object-level rules (may this actor edit that organisation?) live in each feature's
permissions.py. This module only answers "may this kind of actor reach this endpoint at all",
and it does so in one before_request hook, so a route added without a policy is refused
(and a test walking ``app.url_map`` fails).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import Flask, current_app, g, redirect, request, url_for
from flask_login import current_user

from .audit.services import record_event
from .db import unit_of_work
from .errors import PermissionDenied, Unauthenticated

PUBLIC = "public"  # anyone, signed in or not
AUTHENTICATED = "authenticated"  # any signed-in account, including one awaiting vetting
MEMBER = "member"  # an active (vetted) account
OFFICIAL = "official"  # Seoul staff
POLICIES = (PUBLIC, AUTHENTICATED, MEMBER, OFFICIAL)

F = TypeVar("F", bound=Callable)


def policy(level: str) -> Callable[[F], F]:
    """Declare the access policy of a view function."""
    if level not in POLICIES:
        raise ValueError(f"unknown access policy {level!r}")

    def decorate(view: F) -> F:
        view.access_policy = level  # type: ignore[attr-defined]
        return view

    return decorate


def policy_of(endpoint: str | None) -> str | None:
    if endpoint is None:
        return None
    if endpoint == "static" or endpoint.endswith(".static"):
        return PUBLIC
    view = current_app.view_functions.get(endpoint)
    return getattr(view, "access_policy", None)


def current_actor():
    """The acting user: bearer-token user for API calls, else the session user, else None."""
    actor = getattr(g, "api_user", None)
    if actor is not None:
        return actor
    if current_user and current_user.is_authenticated:
        return current_user._get_current_object()
    return None


def is_api_request() -> bool:
    return request.path.startswith("/api/")


def init_access(app: Flask) -> None:
    @app.before_request
    def _enforce_policy():
        if request.endpoint is None:
            return None  # 404/405 are handled by Werkzeug
        level = policy_of(request.endpoint)
        if level is None:
            app.logger.error("route %s has no access policy; refusing", request.endpoint)
            raise PermissionDenied("This page has no access policy.")
        if level == PUBLIC:
            return None
        actor = current_actor()
        if actor is None:
            if is_api_request():
                raise Unauthenticated("Sign in or send a bearer token.")
            return redirect(url_for("accounts.login", next=request.full_path.rstrip("?")))
        if level == AUTHENTICATED:
            return None
        if not actor.is_active_member:
            if is_api_request():
                raise PermissionDenied("Your account is awaiting approval by a Seoul official.")
            return redirect(url_for("accounts.pending"))
        if level == OFFICIAL and not actor.is_official:
            raise PermissionDenied("Only Seoul officials may do this.")
        return None


def record_denial() -> None:
    """Audit a refused request (403), whoever refused it: this policy, a permission check in
    a view or a service. The request's own work was rolled back, so the event gets its own
    transaction."""
    actor = current_actor()
    with unit_of_work(write=True):
        record_event(
            "permission.denied",
            actor_id=getattr(actor, "id", None),
            ip=request.remote_addr or "",
            detail={"path": request.path[:200]},
        )
