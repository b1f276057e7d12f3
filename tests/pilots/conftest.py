"""Fixtures for the pilots tests: requests, proposals and partnerships in any state.

`PilotFactory` writes rows directly, with the timestamps each state implies, so that a test of
one use case (say, scoring proposals) can start from the state it needs without walking the
whole lifecycle. Tests of the lifecycle itself go through the services.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from seoul_platform.db import db as _db
from seoul_platform.db import utcnow
from seoul_platform.members.models import Organization
from seoul_platform.pilots.models import (
    EvaluationCriterion,
    Interest,
    InterestStatus,
    Kpi,
    Partnership,
    PilotRequest,
    PilotRequestSector,
    PilotType,
    RequestStatus,
)

_ORDER = [
    RequestStatus.DRAFT,
    RequestStatus.SUBMITTED,
    RequestStatus.OPEN,
    RequestStatus.CLOSED,
    RequestStatus.PARTNER_SELECTED,
    RequestStatus.IN_PROGRESS,
    RequestStatus.EVALUATION,
    RequestStatus.COMPLETED,
]


def _reached(status: RequestStatus, stage: RequestStatus) -> bool:
    """Whether a request in ``status`` has passed through ``stage`` (rejected/cancelled and
    changes requested count as submitted)."""
    if status in (RequestStatus.CHANGES_REQUESTED, RequestStatus.REJECTED):
        status = RequestStatus.SUBMITTED
    if status == RequestStatus.CANCELLED:
        status = RequestStatus.DRAFT
    return _ORDER.index(status) >= _ORDER.index(stage)


class PilotFactory:
    def __init__(self) -> None:
        self._n = 0

    def request(
        self, city: Organization, status: str = "draft", *, deadline_in_days: int = 28, **fields
    ) -> PilotRequest:
        self._n += 1
        status = RequestStatus(status)
        now = utcnow()
        sectors = fields.pop("sectors", ["welfare"])
        req = PilotRequest(
            city_id=city.id,
            type=PilotType(fields.pop("type", "pilot_implementation")),
            status=status,
            title=fields.pop("title", f"Pilot request {self._n}"),
            challenge=fields.pop("challenge", "Older residents miss their medical appointments."),
            currency=fields.pop("currency", "EUR"),
            budget_min=fields.pop("budget_min", 50_000),
            budget_max=fields.pop("budget_max", 150_000),
            **fields,
        )
        req.sectors = [PilotRequestSector(sector=s) for s in sectors]
        req.criteria = [
            EvaluationCriterion(position=1, name="Technical approach", weight=60),
            EvaluationCriterion(position=2, name="Cost", weight=40),
        ]
        req.kpis = [Kpi(position=1, name="Missed appointments", unit="%", baseline=18.0)]
        if _reached(status, RequestStatus.SUBMITTED):
            req.submitted_at = now - timedelta(days=40)
        if _reached(status, RequestStatus.OPEN) and status not in (
            RequestStatus.REJECTED,
            RequestStatus.CHANGES_REQUESTED,
        ):
            req.opened_at = now - timedelta(days=30)
            req.deadline = (
                now + timedelta(days=deadline_in_days)
                if status == RequestStatus.OPEN
                else now - timedelta(days=2)
            )
        if req.opened_at is not None and status != RequestStatus.OPEN:
            req.closed_at = now - timedelta(days=2)
        _db.session.add(req)
        _db.session.commit()
        return req

    def interest(
        self, req: PilotRequest, org: Organization, status: str = "submitted", **fields
    ) -> Interest:
        interest = Interest(
            request_id=req.id,
            organization_id=org.id,
            status=InterestStatus(status),
            approach=fields.pop("approach", "A reminder service by text message and phone."),
            team=fields.pop("team", "Three engineers and a nurse."),
            cost_amount=fields.pop("cost_amount", 90_000),
            currency=fields.pop("currency", "EUR"),
            duration_months=fields.pop("duration_months", 12),
            **fields,
        )
        _db.session.add(interest)
        _db.session.commit()
        return interest

    def partnership(
        self,
        req: PilotRequest,
        partner: Organization,
        *,
        third_party: Organization | None = None,
        status: str = "in_progress",
    ) -> Partnership:
        """A partnership for ``req`` (its status becomes ``status``), with the partner's
        proposal selected."""
        interest = self.interest(req, partner, status="selected")
        req.status = RequestStatus(status)
        req.submitted_at = req.submitted_at or utcnow() - timedelta(days=90)
        req.opened_at = req.opened_at or utcnow() - timedelta(days=80)
        req.deadline = req.deadline or utcnow() - timedelta(days=50)
        req.closed_at = req.closed_at or req.deadline
        partnership = Partnership(
            request_id=req.id,
            interest_id=interest.id,
            city_id=req.city_id,
            partner_id=partner.id,
            third_party_id=third_party.id if third_party else None,
        )
        if req.status == RequestStatus.COMPLETED:
            partnership.completed_at = utcnow()
        _db.session.add(partnership)
        _db.session.commit()
        return partnership


@pytest.fixture
def pilots(db) -> PilotFactory:
    return PilotFactory()


@pytest.fixture
def institution(make) -> Organization:
    return make.org("institution", name="Global Green Institute", country="KR", region="asia")


@pytest.fixture
def other_company(make) -> Organization:
    return make.org(
        "company", name="Beta Sensors", country="SG", region="asia", sectors=["welfare"]
    )


@pytest.fixture
def other_city(make) -> Organization:
    return make.org("city", name="Otherburg", country="DE", region="europe")
