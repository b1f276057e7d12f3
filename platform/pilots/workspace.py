"""The partnership workspace: milestones, KPI targets and measured values, progress reports,
and the partnership's moves (in progress → evaluation → completed).

Every function takes the acting user, checks the object-level rule in pilots/permissions.py
and flushes (the caller's unit of work commits). An outsider — anyone who is neither a member
of one of the parties nor an official — gets `NotFound` for anything about the partnership,
never `PermissionDenied`, so the workspace's existence is not revealed. The workspace is
writable while the partnership is in progress or in evaluation; afterwards writes are a
`Conflict` naming its state.

The partnership's state is its request's status (one lifecycle, pilots/lifecycle.py), so a
move is a compare-and-set on the ``pilot_requests`` row.
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from .. import lifecycle as shared_lifecycle
from ..accounts.models import User
from ..accounts.services import list_active_people, list_officials
from ..db import db, utcnow
from ..errors import Conflict, NotFound, PermissionDenied, ValidationError
from ..notifications.services import notify
from ..pagination import Page, PageQuery, paginate
from . import lifecycle
from .models import (
    Kpi,
    KpiValue,
    Milestone,
    Partnership,
    PilotRequest,
    ProgressReport,
    RequestStatus,
)
from .permissions import (
    can_edit_partnership,
    can_move_partnership,
    can_view_partnership,
    request_roles,
)
from .workspace_schemas import (
    KpiInput,
    KpiPatch,
    KpiValueInput,
    MilestoneInput,
    MilestonePatch,
    ReportInput,
    TransitionInput,
    check_milestone,
)

# ---- reading -------------------------------------------------------------------------------


def get_partnership(actor: User | None, partnership_id: int) -> Partnership:
    """The partnership with its request and parties loaded (one query); NotFound for anyone
    who may not see it."""
    partnership = db.session.scalar(
        select(Partnership)
        .where(Partnership.id == partnership_id)
        .options(
            joinedload(Partnership.request),
            joinedload(Partnership.city),
            joinedload(Partnership.partner),
            joinedload(Partnership.third_party),
        )
    )
    if partnership is None or not can_view_partnership(actor, partnership):
        raise NotFound(_("Not found"))
    return partnership


# The request's states once its selection is approved (the partnership exists).
PARTNERSHIP_STATES = (RequestStatus.IN_PROGRESS, RequestStatus.EVALUATION, RequestStatus.COMPLETED)


def partnership_of_request(actor: User | None, req: PilotRequest) -> Partnership | None:
    """The partnership ``req`` led to, when ``actor`` may open its workspace; None before
    the approval (no query then) or for anyone else (one query)."""
    if req.status not in PARTNERSHIP_STATES:
        return None
    partnership = db.session.scalar(select(Partnership).where(Partnership.request_id == req.id))
    if partnership is None or not can_view_partnership(actor, partnership):
        return None
    return partnership


def _editable(actor: User | None, partnership_id: int) -> Partnership:
    partnership = get_partnership(actor, partnership_id)
    if not can_edit_partnership(actor, partnership):
        status = str(partnership.request.status)
        raise Conflict(_(lifecycle.PILOT_REQUEST.conflict_messages[status]))
    return partnership


def list_milestones(actor: User | None, partnership_id: int, query: PageQuery) -> Page:
    get_partnership(actor, partnership_id)
    stmt = (
        select(Milestone)
        .where(Milestone.partnership_id == partnership_id)
        .order_by(Milestone.planned_on, Milestone.id)
    )
    return paginate(stmt, query)


def list_kpis(actor: User | None, partnership_id: int) -> tuple[Partnership, list[Kpi]]:
    """The request's KPIs with their values (oldest first): two queries whatever their number."""
    partnership = get_partnership(actor, partnership_id)
    kpis = list(
        db.session.scalars(
            select(Kpi)
            .where(Kpi.request_id == partnership.request_id)
            .options(selectinload(Kpi.values))
            .order_by(Kpi.position)
        )
    )
    return partnership, kpis


def list_reports(actor: User | None, partnership_id: int, query: PageQuery) -> Page:
    """Progress reports, newest period first, with their authors loaded."""
    get_partnership(actor, partnership_id)
    stmt = (
        select(ProgressReport)
        .where(ProgressReport.partnership_id == partnership_id)
        .order_by(ProgressReport.period_end.desc(), ProgressReport.id.desc())
    )
    return paginate(stmt, query)


def authors_of(reports: list[ProgressReport]) -> dict[int, str]:
    """Author names of ``reports`` in one query (id → name)."""
    ids = {r.author_id for r in reports if r.author_id is not None}
    if not ids:
        return {}
    return dict(db.session.execute(select(User.id, User.name).where(User.id.in_(ids))).all())


def _kpi_with_partnership(actor: User | None, kpi_id: int) -> tuple[Kpi, Partnership]:
    row = db.session.execute(
        select(Kpi, Partnership.id)
        .join(Partnership, Partnership.request_id == Kpi.request_id)
        .where(Kpi.id == kpi_id)
    ).first()
    if row is None:
        raise NotFound(_("Not found"))
    return row[0], get_partnership(actor, row[1])


def get_kpi(actor: User | None, kpi_id: int) -> tuple[Kpi, Partnership]:
    """A KPI and its partnership; NotFound for anyone who may not see the partnership."""
    return _kpi_with_partnership(actor, kpi_id)


def list_kpi_values(actor: User | None, kpi_id: int, query: PageQuery) -> Page:
    _kpi_with_partnership(actor, kpi_id)
    stmt = (
        select(KpiValue)
        .where(KpiValue.kpi_id == kpi_id)
        .order_by(KpiValue.measured_on, KpiValue.id)
    )
    return paginate(stmt, query)


# ---- milestones ----------------------------------------------------------------------------


def add_milestone(actor: User, partnership_id: int, data: MilestoneInput) -> Milestone:
    """Add a milestone (any party or an official, while the partnership runs). Flushes.
    Raises NotFound (outsider) or Conflict (the partnership is not running)."""
    _editable(actor, partnership_id)
    milestone = Milestone(partnership_id=partnership_id, **data.model_dump())
    db.session.add(milestone)
    db.session.flush()
    return milestone


def _milestone(actor: User, milestone_id: int) -> Milestone:
    milestone = db.session.get(Milestone, milestone_id)
    if milestone is None:
        raise NotFound(_("Not found"))
    _editable(actor, milestone.partnership_id)
    return milestone


def get_milestone(actor: User | None, milestone_id: int) -> Milestone:
    milestone = db.session.get(Milestone, milestone_id)
    if milestone is None:
        raise NotFound(_("Not found"))
    get_partnership(actor, milestone.partnership_id)
    return milestone


def update_milestone(actor: User, milestone_id: int, data: MilestonePatch) -> Milestone:
    """Change the fields given in ``data``; the result must satisfy the milestone rule
    (workspace_schemas.check_milestone), else ValidationError and nothing changes. Flushes."""
    milestone = _milestone(actor, milestone_id)
    changes = data.model_dump(exclude_unset=True)
    for required in ("title", "planned_on", "status"):
        if required in changes and changes[required] is None:
            raise ValidationError(
                _("Some fields are invalid."), {required: [_("This field is required.")]}
            )
    merged = {
        "status": changes.get("status", milestone.status),
        "started_on": changes.get("started_on", milestone.started_on),
        "actual_on": changes.get("actual_on", milestone.actual_on),
    }
    errors = check_milestone(**merged)
    if errors:
        raise ValidationError(_("Some fields are invalid."), errors)
    for name, value in changes.items():
        setattr(milestone, name, "" if name == "description" and value is None else value)
    db.session.flush()
    return milestone


def delete_milestone(actor: User, milestone_id: int) -> int:
    """Delete a milestone; returns its partnership's id. Flushes."""
    milestone = _milestone(actor, milestone_id)
    partnership_id = milestone.partnership_id
    db.session.delete(milestone)
    db.session.flush()
    return partnership_id


# ---- KPIs ----------------------------------------------------------------------------------


def add_kpi(actor: User, partnership_id: int, data: KpiInput) -> Kpi:
    """Add a KPI to the partnership's request, at the end. Flushes. Two parties adding one at
    the same instant race for the same position: the loser gets Conflict ("try again")."""
    partnership = _editable(actor, partnership_id)
    position = (
        db.session.scalar(
            select(func.max(Kpi.position)).where(Kpi.request_id == partnership.request_id)
        )
        or 0
    ) + 1
    kpi = Kpi(request_id=partnership.request_id, position=position, **data.model_dump())
    try:
        with db.session.begin_nested():
            db.session.add(kpi)
            db.session.flush()
    except IntegrityError:
        raise Conflict(_("Someone added a KPI at the same moment. Please try again.")) from None
    return kpi


def set_kpi_target(actor: User, kpi_id: int, data: KpiPatch) -> Kpi:
    """Set (or clear) a KPI's target. Flushes."""
    kpi, partnership = _kpi_with_partnership(actor, kpi_id)
    _editable(actor, partnership.id)
    kpi.target = data.target
    db.session.flush()
    return kpi


def record_kpi_value(actor: User, kpi_id: int, data: KpiValueInput) -> KpiValue:
    """Record one measured value of a KPI, with its source. Flushes."""
    kpi, partnership = _kpi_with_partnership(actor, kpi_id)
    _editable(actor, partnership.id)
    value = KpiValue(kpi_id=kpi.id, recorded_by_id=actor.id, **data.model_dump())
    db.session.add(value)
    db.session.flush()
    return value


# ---- progress reports ----------------------------------------------------------------------


def submit_report(actor: User, partnership_id: int, data: ReportInput) -> ProgressReport:
    """Add a progress report and notify the other parties' members and the officials
    (``partnership.report``; not the author). Flushes."""
    partnership = _editable(actor, partnership_id)
    report = ProgressReport(partnership_id=partnership_id, author_id=actor.id, **data.model_dump())
    db.session.add(report)
    db.session.flush()
    others = partnership.party_ids - {actor.organization_id}
    recipients = [u for u in list_active_people(others) + list_officials() if u.id != actor.id]
    if actor.organization is not None and actor.organization_id in partnership.party_ids:
        author_org = actor.organization.name
    else:
        author_org = _("Seoul Metropolitan Government")
    notify(
        recipients,
        "partnership.report",
        {"organization": author_org, "title": partnership.request.title},
        f"/partnerships/{partnership_id}#reports",
    )
    return report


# ---- the partnership's moves ---------------------------------------------------------------


def move_partnership(actor: User, partnership_id: int, data: TransitionInput) -> Partnership:
    """An official moves the partnership: in progress → evaluation, evaluation → in progress
    (a reason is required) or evaluation → completed (an outcome summary and the lessons
    learned are required; they and ``completed_at`` are written in the same transaction).

    Compare-and-set on the request's status: of concurrent moves one wins, the others get
    Conflict naming the current state. NotFound for outsiders, PermissionDenied for a party
    who is not an official, ValidationError for a missing reason or outcome. Notifies the
    parties' members. Flushes."""
    partnership = get_partnership(actor, partnership_id)
    req = partnership.request
    current = str(req.status)
    if not can_move_partnership(actor, partnership):
        raise PermissionDenied(_("Only Seoul officials move a partnership to its next stage."))
    errors: dict[str, list[str]] = {}
    if (current, data.to) in lifecycle.REASON_REQUIRED and not data.reason.strip():
        errors["reason"] = [_("Give the reason for this change.")]
    if data.to == RequestStatus.COMPLETED:
        if not data.outcome_summary.strip():
            errors["outcome_summary"] = [_("Summarise the outcome before completing.")]
        if not data.lessons_learned.strip():
            errors["lessons_learned"] = [_("Write the lessons learned before completing.")]
    if errors and lifecycle.PILOT_REQUEST.allows(current, data.to):
        raise ValidationError(_("Some fields are invalid."), errors)
    now = utcnow()
    shared_lifecycle.transition(
        lifecycle.PILOT_REQUEST,
        PilotRequest,
        req.id,
        expected=current,
        to=data.to,
        actor=actor,
        roles=request_roles(actor, req),
        reason=data.reason,
    )
    if data.to == RequestStatus.COMPLETED:
        db.session.execute(
            update(Partnership)
            .where(Partnership.id == partnership_id)
            .values(
                outcome_summary=data.outcome_summary.strip(),
                lessons_learned=data.lessons_learned.strip(),
                completed_at=now,
            )
            .execution_options(synchronize_session=False)
        )
        db.session.expire(partnership)
    _notify_move(partnership, req.title, data)
    db.session.flush()
    return partnership


def _notify_move(partnership: Partnership, title: str, data: TransitionInput) -> None:
    recipients = list_active_people(partnership.party_ids)
    link = f"/partnerships/{partnership.id}"
    if data.to == RequestStatus.EVALUATION:
        notify(recipients, "partnership.evaluation", {"title": title}, link)
    elif data.to == RequestStatus.COMPLETED:
        notify(recipients, "partnership.completed", {"title": title}, link)
    else:
        reason = data.reason.strip()[:300]
        notify(recipients, "partnership.reopened", {"title": title, "reason": reason}, link)


def partnership_history(partnership: Partnership) -> tuple[list, dict[int, str]]:
    """The request's history (so the partnership's too), oldest first, and the names of the
    people who made the moves: two queries."""
    changes = shared_lifecycle.history(lifecycle.PILOT_REQUEST.subject_type, partnership.request_id)
    ids = {c.actor_id for c in changes if c.actor_id is not None}
    names: dict[int, str] = {}
    if ids:
        names = dict(db.session.execute(select(User.id, User.name).where(User.id.in_(ids))).all())
    return changes, names
