"""Recording and reading the audit log."""

from __future__ import annotations

import logging

from sqlalchemy import func, select

from ..db import db
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
    *, page: int, per_page: int, action: str | None = None, actor_id: int | None = None
) -> tuple[list[AuditEvent], int]:
    stmt = select(AuditEvent)
    if action:
        stmt = stmt.where(AuditEvent.action.startswith(action, autoescape=True))
    if actor_id:
        stmt = stmt.where(AuditEvent.actor_id == actor_id)
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = db.session.scalars(
        stmt.order_by(AuditEvent.id.desc()).offset((page - 1) * per_page).limit(per_page)
    ).all()
    return list(rows), total
