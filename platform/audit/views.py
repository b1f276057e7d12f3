"""The audit log page for officials."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from ..access import OFFICIAL, policy
from .services import list_events, names_for

bp = Blueprint("audit", __name__, template_folder="templates")


@bp.get("/admin/audit")
@policy(OFFICIAL)
def audit_log():
    page = max(1, request.args.get("page", 1, type=int) or 1)
    action = (request.args.get("action") or "").strip()[:60] or None
    events, total = list_events(page=page, per_page=50, action=action)
    return render_template(
        "audit/audit_log.html",
        events=events,
        names=names_for(events),
        total=total,
        page=page,
        action=action or "",
        last_page=max(1, -(-total // 50)),
    )
