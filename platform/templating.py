"""Jinja globals and filters shared by every page."""

from __future__ import annotations

from datetime import datetime

from flask import Flask
from flask_babel import format_date, format_datetime, format_number
from sqlalchemy import select

from .db import as_utc, db, utcnow
from .i18n import language_name
from .members import labels


def award_years() -> list[tuple[str, str]]:
    from .members.models import Award

    years = db.session.scalars(select(Award.year).distinct().order_by(Award.year.desc())).all()
    return [(str(y), str(y)) for y in years]


def init_templating(app: Flask) -> None:
    join_status = {
        "pending": labels.STATUS_LABELS["pending"],
        "approved": labels._l("Approved"),
        "declined": labels.STATUS_LABELS["declined"],
    }
    app.jinja_env.globals.update(
        label=labels.label,
        KIND_LABELS=labels.KIND_LABELS,
        REGION_LABELS=labels.REGION_LABELS,
        SECTOR_LABELS=labels.SECTOR_LABELS,
        SIZE_LABELS=labels.SIZE_LABELS,
        STAGE_LABELS=labels.STAGE_LABELS,
        AWARD_CATEGORY_LABELS=labels.AWARD_CATEGORY_LABELS,
        PUBLIC_SOURCE_LABELS=labels.PUBLIC_SOURCE_LABELS,
        all_language_options=labels.ALL_LANGUAGE_OPTIONS,
        ORG_ROLE_LABELS=labels.ORG_ROLE_LABELS,
        STATUS_LABELS=labels.STATUS_LABELS,
        JOIN_STATUS_LABELS=join_status,
        format_date=format_date,
        format_datetime=format_datetime,
        format_number=format_number,
        award_years=award_years,
    )
    app.jinja_env.filters["language_label"] = language_name
    app.jinja_env.filters["is_past"] = lambda value: (
        isinstance(value, datetime) and as_utc(value) < utcnow()
    )
