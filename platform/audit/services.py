"""Recording and reading the audit log."""

from __future__ import annotations

import logging

from sqlalchemy import literal, select, union_all, update

from ..db import db
from ..pagination import Page, PageQuery, paginate
from .models import AuditEvent

log = logging.getLogger("seoul_platform.audit")


def record_event(
    action: str,
    *,
    actor_id: int | None = None,
    target_type: str = "",
    target_id: int | None = None,
    ip: str = "",
    detail: dict | None = None,
) -> AuditEvent:
    """Add an audit event to the session (flushed with the caller's unit of work) and log it.

    ``detail`` must never hold secrets: no passwords, tokens or cookies.
    """
    event = AuditEvent(
        action=action,
        actor_id=actor_id,
        target_type=target_type,
        target_id=target_id,
        ip=ip[:64],
        detail=detail or {},
    )
    db.session.add(event)
    log.info("audit %s actor=%s target=%s:%s", action, actor_id, target_type, target_id)
    return event


def list_events(
    page: PageQuery, *, action: str | None = None, actor_id: int | None = None
) -> Page[AuditEvent]:
    """One page of audit events, newest first, optionally by action prefix and actor."""
    stmt = select(AuditEvent)
    if action:
        stmt = stmt.where(AuditEvent.action.startswith(action, autoescape=True))
    if actor_id:
        stmt = stmt.where(AuditEvent.actor_id == actor_id)
    return paginate(stmt.order_by(AuditEvent.id.desc()), page)


def names_for(events: list[AuditEvent]) -> dict[tuple[str, int], str]:
    """Names of the people and organisations a page of events mentions, keyed by
    ("user" | "organization", id): one query for the whole page, whatever its length."""
    from ..accounts.models import User
    from ..members.models import Organization

    user_ids = {e.actor_id for e in events if e.actor_id is not None}
    user_ids |= {e.target_id for e in events if e.target_type == "user" and e.target_id}
    org_ids = {e.target_id for e in events if e.target_type == "organization" and e.target_id}
    if not user_ids and not org_ids:
        return {}
    parts = []
    if user_ids:
        parts.append(
            select(literal("user").label("kind"), User.id, User.name).where(User.id.in_(user_ids))
        )
    if org_ids:
        parts.append(
            select(literal("organization").label("kind"), Organization.id, Organization.name).where(
                Organization.id.in_(org_ids)
            )
        )
    stmt = parts[0] if len(parts) == 1 else union_all(*parts)
    return {(kind, id_): name for kind, id_, name in db.session.execute(stmt)}


def anonymise_actor(user_id: int) -> None:
    """A person's account is deleted: their events keep the pseudonymous id (so the log stays
    whole) but lose the IP address and details such as the address they typed."""
    db.session.execute(
        update(AuditEvent).where(AuditEvent.actor_id == user_id).values(ip="", detail={})
    )


# ---- receivers of accounts' signals (connected by create_app; see accounts/signals.py) ----


def forget_person(user, **_ignored) -> None:
    """account_deleted: sign-in records keep the pseudonymous id, lose address and IP."""
    anonymise_actor(user.id)


def export_person(user, **_ignored) -> dict:
    """personal_data_requested: what the person did, when, from where."""
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.actor_id == user.id).order_by(AuditEvent.id)
    )
    return {
        "activity": [
            {"action": e.action, "at": e.created_at.isoformat(), "ip": e.ip} for e in events
        ]
    }
