"""Jinja globals and filters shared by every page."""

from __future__ import annotations

import hashlib
from datetime import datetime
from functools import cache
from pathlib import Path

from flask import Flask, current_app, url_for
from flask_babel import format_date, format_datetime, format_number
from markupsafe import Markup, escape
from sqlalchemy import select

from .db import as_utc, db, utcnow
from .i18n import language_name
from .members import labels


def award_years() -> list[tuple[str, str]]:
    from .members.models import Award

    years = db.session.scalars(select(Award.year).distinct().order_by(Award.year.desc())).all()
    return [(str(y), str(y)) for y in years]


@cache
def _content_hash(path: Path, mtime_ns: int) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def static_version(filename: str) -> str | None:
    """A short hash of a static file's content (None for a missing file). Keyed by the
    modification time too, so an edited file gets a new version without a restart."""
    path = Path(current_app.static_folder or "", filename)
    try:
        mtime_ns = path.stat().st_mtime_ns
    except OSError:
        return None
    return _content_hash(path, mtime_ns)


def static_url(filename: str) -> str:
    """The URL of a static file with its content hash (``?v=…``): browsers may keep it for
    a year (see security.py), and a deployment that changes the file changes the URL."""
    version = static_version(filename)
    if version is None:
        return url_for("static", filename=filename)
    return url_for("static", filename=filename, v=version)


def org_language(org) -> str:
    """The language to mark an organisation's own text with (description, challenges, a join
    motivation): its first working language, the best guess the platform has of what its
    people write in. "" when it lists none: the text then inherits the page's language."""
    languages = getattr(org, "languages", None) or []
    return languages[0] if languages else ""


def _is_hangul(c: str) -> bool:
    return "\uac00" <= c <= "\ud7a3" or "\u1100" <= c <= "\u11ff" or "\u3130" <= c <= "\u318f"


def message_language(text: str) -> str:
    """The language of a message the platform wrote (an e-mail in the outbox), which is in
    one of the interface languages but not necessarily the page's: for messages queued
    before the outbox kept each one's locale. English and Korean differ by script, so the
    script decides: mostly Hangul is Korean, mostly Latin letters is English. "" when neither
    is configured."""
    hangul = sum(1 for c in text if _is_hangul(c))
    latin = sum(1 for c in text if c.isascii() and c.isalpha())
    code = "ko" if hangul > latin else "en" if latin else ""
    return code if code in current_app.config.get("LANGUAGES", {}) else ""


def lang_attr(code: str) -> Markup:
    """` lang="xx"` for a start tag, or nothing when the language is unknown."""
    return Markup(' lang="%s"') % escape(code) if code else Markup("")


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
        static_url=static_url,
        org_language=org_language,
        message_language=message_language,
        lang_attr=lang_attr,
    )
    app.jinja_env.filters["language_label"] = language_name
    app.jinja_env.filters["is_past"] = lambda value: (
        isinstance(value, datetime) and as_utc(value) < utcnow()
    )
