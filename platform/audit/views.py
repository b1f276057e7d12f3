"""The audit log page for officials."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from ..access import OFFICIAL, policy
from ..pagination import PageQuery, list_query
from .services import list_events, names_for

bp = Blueprint("audit", __name__, template_folder="templates")


@bp.get("/admin/audit")
@policy(OFFICIAL)
def audit_log():
    query, _ignored = list_query(PageQuery, request.args, per_page=50)
    action = (request.args.get("action") or "").strip()[:60] or None
    page = list_events(query, action=action)
    return render_template(
        "audit/audit_log.html",
        page=page,
        names=names_for(page.items),
        action=action or "",
    )
