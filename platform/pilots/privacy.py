"""Pilots' part of a person's data (accounts/signals.py): what the person did in pilots.

``export_person`` answers ``personal_data_requested`` with the pilot requests the person
created, the proposals they submitted, the reviews they wrote (officials), the KPI values
they recorded and the progress reports they wrote.

There is no ``account_deleted`` receiver, on purpose. These rows are shared records of
organisations, not the person's: a request is the city's, a proposal the company's, a review
the programme's, KPI values and reports the partnership's; the other parties and the
programme's history need them. Each keeps its author as a nullable link (``ON DELETE SET
NULL``) and deleting an account keeps them; the account itself is anonymised
(accounts/privacy.py), so wherever an author's name is shown it reads as the anonymised
name ("Deleted member") and no longer identifies the person.
"""

from __future__ import annotations

from sqlalchemy import select

from ..accounts.models import User
from ..db import as_utc, db
from .models import Interest, Kpi, KpiValue, Partnership, PilotRequest, PilotReview, ProgressReport


def _iso(value) -> str | None:
    return as_utc(value).isoformat() if value is not None else None


def export_person(user: User, **_ignored) -> dict:
    """personal_data_requested: the person's pilot requests, proposals, reviews, KPI values
    and progress reports, under one section ``pilots``."""
    requests = db.session.scalars(
        select(PilotRequest).where(PilotRequest.created_by_id == user.id).order_by(PilotRequest.id)
    )
    proposals = db.session.execute(
        select(Interest.id, Interest.status, PilotRequest.title)
        .join(PilotRequest, PilotRequest.id == Interest.request_id)
        .where(Interest.submitted_by_id == user.id)
        .order_by(Interest.id)
    )
    reviews = db.session.scalars(
        select(PilotReview).where(PilotReview.reviewer_id == user.id).order_by(PilotReview.id)
    )
    kpi_values = db.session.execute(
        select(KpiValue.value, KpiValue.measured_on, KpiValue.source, Kpi.name)
        .join(Kpi, Kpi.id == KpiValue.kpi_id)
        .where(KpiValue.recorded_by_id == user.id)
        .order_by(KpiValue.id)
    )
    reports = db.session.execute(
        select(ProgressReport, PilotRequest.title)
        .join(Partnership, Partnership.id == ProgressReport.partnership_id)
        .join(PilotRequest, PilotRequest.id == Partnership.request_id)
        .where(ProgressReport.author_id == user.id)
        .order_by(ProgressReport.id)
    )
    return {
        "pilots": {
            "requests": [
                {
                    "id": r.id,
                    "title": r.title,
                    "status": r.status.value,
                    "created_at": _iso(r.created_at),
                }
                for r in requests
            ],
            "proposals": [
                {"id": id_, "request": title, "status": status.value}
                for id_, status, title in proposals
            ],
            "reviews": [
                {"request_id": r.request_id, "scores": dict(r.scores or {}), "summary": r.summary}
                for r in reviews
            ],
            "kpi_values": [
                {"kpi": name, "value": value, "date": measured_on.isoformat(), "source": source}
                for value, measured_on, source, name in kpi_values
            ],
            "progress_reports": [
                {
                    "request": title,
                    "period_start": r.period_start.isoformat(),
                    "period_end": r.period_end.isoformat(),
                    "summary": r.summary,
                }
                for r, title in reports
            ],
        }
    }
