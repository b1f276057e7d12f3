"""Shared data for the proposals and selection tests: one person per role."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import func, select

from seoul_platform.accounts.models import User
from seoul_platform.audit.models import StateChange
from seoul_platform.db import db
from seoul_platform.notifications.models import Notification
from support import bearer

GOOD = {
    "approach": "Text-message reminders and a call from a nurse the day before.",
    "team": "Three engineers and a nurse.",
    "references": "Odense 2022.",
    "cost_amount": 90000,
    "currency": "EUR",
    "duration_months": 12,
}


@dataclass
class People:
    visitor: None
    city: User
    other_city: User
    proposer: User
    other_company: User
    institution: User
    official: User

    def roles(self) -> dict[str, User | None]:
        return {
            "city": self.city,
            "other_city": self.other_city,
            "proposer": self.proposer,
            "other_company": self.other_company,
            "institution": self.institution,
            "official": self.official,
        }


@pytest.fixture
def people(make, city, company, other_company, other_city, institution, official, city_member):
    return People(
        visitor=None,
        city=city_member,
        other_city=make.user(other_city, email="m@otherburg.example"),
        proposer=make.user(company, email="p@acme.example", name="Pat Proposer"),
        other_company=make.user(other_company, email="b@beta.example"),
        institution=make.user(institution, email="i@ggi.example"),
        official=official,
    )


@pytest.fixture
def headers(client, people):
    """Bearer headers per role (built lazily, once per role)."""
    cache: dict[str, dict] = {}

    def get(role: str) -> dict:
        if role == "visitor":
            return {}
        if role not in cache:
            cache[role] = bearer(client, getattr(people, role))
        return cache[role]

    return get


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where)) or 0


def notifications(kind: str) -> list[Notification]:
    return list(db.session.scalars(select(Notification).where(Notification.kind == kind)))


def moves(subject_type: str, subject_id: int) -> list[tuple[str, str]]:
    return [
        (m.from_state, m.to_state)
        for m in db.session.scalars(
            select(StateChange)
            .where(StateChange.subject_type == subject_type, StateChange.subject_id == subject_id)
            .order_by(StateChange.id)
        )
    ]
