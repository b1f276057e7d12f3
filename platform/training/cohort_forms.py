"""The officials' HTML forms for programmes, cohorts (with one quota row per region) and
sessions: plain fields read from the posted form into the same pydantic schemas as the API.

No JavaScript: every region has its row (blank rows mean no quota), lists are typed with
commas ("en, ko"; "2024, 2025") or ticked, dates are typed as year-month-day and times as
hours:minutes in the cohort's time zone (converted to UTC here). Errors come back as a dict
of input name → messages, so each lands next to its input and in the summary.
"""

from __future__ import annotations

import zoneinfo
from datetime import UTC, date, datetime, time, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from pydantic import BaseModel
from pydantic import ValidationError as PydanticError
from werkzeug.datastructures import MultiDict

from ..forms import _schema_message
from ..members.models import AwardCategory, OrgKind, Region
from .models import Cohort, Programme, TrainingSession

Errors = dict[str, list[str]]

PROGRAMME_FIELDS = {
    "title": _l("Title"),
    "year": _l("Year"),
    "summary": _l("Summary"),
}

COHORT_FIELDS = {
    "title": _l("Title"),
    "description": _l("Description"),
    "starts_on": _l("First day"),
    "ends_on": _l("Last day"),
    "timezone": _l("Time zone"),
    "place_mode": _l("Place"),
    "address": _l("Address in Seoul"),
    "online_url": _l("Web address of the online sessions"),
    "languages": _l("Languages"),
    "capacity": _l("Capacity (seats)"),
    "admission": _l("Admission"),
    "award_years": _l("Award years"),
    "award_categories": _l("Award categories"),
    "org_kinds": _l("Kinds of organisation"),
    "per_org_limit": _l("Seats per organisation"),
    "application_deadline": _l("Application deadline (date)"),
    "deadline_time": _l("Application deadline (time)"),
    "offer_hours": _l("Hours to accept an offered seat"),
    "attendance_threshold": _l("Attendance needed for the certificate (%)"),
    "prerequisite_title": _l("Prerequisite module"),
    "prerequisite_url": _l("Web address of the prerequisite module"),
    "quotas": _l("Regional quotas"),
}

SESSION_FIELDS = {
    "kind": _l("Kind of session"),
    "title": _l("Title"),
    "day": _l("Date"),
    "starts_at": _l("Starts at"),
    "ends_at": _l("Ends at"),
    "place": _l("Place"),
    "description": _l("Description"),
}

QUOTA_PARTS = ("max_seats", "reserved_seats", "reserved_until")


def quota_name(region: str, part: str) -> str:
    return f"quota-{region}-{part}"


def _list(text: str) -> list[str]:
    return [item.strip() for item in text.replace("\n", ",").split(",") if item.strip()]


def _int(raw: str) -> str | None:
    raw = raw.strip()
    return raw or None


def _date(raw: str, name: str, errors: Errors) -> date | None:
    raw = raw.strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        errors.setdefault(name, []).append(_("Enter a date, for example 2027-03-31."))
        return None


def _time(raw: str, name: str, errors: Errors, default: time | None = None) -> time | None:
    raw = raw.strip()
    if not raw:
        return default
    try:
        parsed = time.fromisoformat(raw)
    except ValueError:
        errors.setdefault(name, []).append(_("Enter a time as hours:minutes, for example 09:30."))
        return None
    return parsed.replace(tzinfo=None, second=0, microsecond=0)


def _zone(name: str) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("Asia/Seoul")  # the schema reports the bad zone


def _local(day: date, at: time, zone: str) -> str:
    return datetime.combine(day, at, _zone(zone)).astimezone(UTC).isoformat()


def schema_errors(exc: PydanticError) -> Errors:
    """Pydantic errors by input name (``quotas.2.max_seats`` → that region's input)."""
    errors: Errors = {}
    for item in exc.errors(include_url=False, include_input=False):
        loc = [str(p) for p in item["loc"]]
        name = ".".join(loc) if loc else "form"
        errors.setdefault(name, []).append(_schema_message(item))
    return errors


def validate(model: type[BaseModel], data: dict, errors: Errors) -> BaseModel | None:
    try:
        parsed = model.model_validate(data)
    except PydanticError as exc:
        for name, messages in schema_errors(exc).items():
            if name not in errors:  # one message per input: a conversion error says it
                errors[name] = messages
        return None
    return None if errors else parsed


# ---- programmes ------------------------------------------------------------------------------


def programme_values(programme: Programme | None) -> dict[str, str]:
    if programme is None:
        return {"title": "", "year": str(date.today().year + 1), "summary": ""}
    return {"title": programme.title, "year": str(programme.year), "summary": programme.summary}


def programme_data(form: MultiDict) -> dict:
    return {
        "title": form.get("title", ""),
        "year": form.get("year", "").strip() or None,
        "summary": form.get("summary", ""),
    }


# ---- cohorts ---------------------------------------------------------------------------------


def cohort_values(cohort: Cohort | None) -> dict:
    """The form's values (strings, lists of strings for the checkboxes) for ``cohort``."""
    if cohort is None:
        start = date.today() + timedelta(days=90)
        return {
            "title": "",
            "description": "",
            "starts_on": start.isoformat(),
            "ends_on": (start + timedelta(days=4)).isoformat(),
            "timezone": "Asia/Seoul",
            "place_mode": "seoul",
            "address": "",
            "online_url": "",
            "languages": "en, ko",
            "capacity": "20",
            "admission": "first_come",
            "award_years": "",
            "award_categories": [],
            "org_kinds": [],
            "per_org_limit": "",
            "application_deadline": (start - timedelta(days=30)).isoformat(),
            "deadline_time": "18:00",
            "offer_hours": "72",
            "attendance_threshold": "80",
            "prerequisite_title": "",
            "prerequisite_url": "",
            "quotas": {r.value: dict.fromkeys(QUOTA_PARTS, "") for r in Region},
        }
    zone = _zone(cohort.timezone)
    deadline = (
        cohort.application_deadline.replace(tzinfo=cohort.application_deadline.tzinfo or UTC)
        .astimezone(zone)
        .replace(tzinfo=None)
        if cohort.application_deadline
        else None
    )
    quotas = {r.value: dict.fromkeys(QUOTA_PARTS, "") for r in Region}
    for q in cohort.quotas:
        until = ""
        if q.reserved_until is not None:
            until = (
                q.reserved_until.replace(tzinfo=q.reserved_until.tzinfo or UTC)
                .astimezone(zone)
                .date()
                .isoformat()
            )
        quotas[str(q.region.value)] = {
            "max_seats": "" if q.max_seats is None else str(q.max_seats),
            "reserved_seats": "" if q.reserved_seats is None else str(q.reserved_seats),
            "reserved_until": until,
        }
    return {
        "title": cohort.title,
        "description": cohort.description,
        "starts_on": cohort.starts_on.isoformat(),
        "ends_on": cohort.ends_on.isoformat(),
        "timezone": cohort.timezone,
        "place_mode": cohort.place_mode.value,
        "address": cohort.address,
        "online_url": cohort.online_url,
        "languages": ", ".join(cohort.languages or []),
        "capacity": str(cohort.capacity),
        "admission": cohort.admission.value,
        "award_years": ", ".join(str(y) for y in cohort.award_years or []),
        "award_categories": list(cohort.award_categories or []),
        "org_kinds": list(cohort.org_kinds or []),
        "per_org_limit": "" if cohort.per_org_limit is None else str(cohort.per_org_limit),
        "application_deadline": deadline.date().isoformat() if deadline else "",
        "deadline_time": deadline.strftime("%H:%M") if deadline else "",
        "offer_hours": str(cohort.offer_hours),
        "attendance_threshold": str(cohort.attendance_threshold),
        "prerequisite_title": cohort.prerequisite_title,
        "prerequisite_url": cohort.prerequisite_url,
        "quotas": quotas,
    }


def posted_cohort_values(form: MultiDict) -> dict:
    values = {
        name: form.get(name, "")
        for name in COHORT_FIELDS
        if name not in ("award_categories", "org_kinds", "quotas")
    }
    values["award_categories"] = [v for v in form.getlist("award_categories") if v]
    values["org_kinds"] = [v for v in form.getlist("org_kinds") if v]
    values["quotas"] = {
        r.value: {p: form.get(quota_name(r.value, p), "") for p in QUOTA_PARTS} for r in Region
    }
    return values


def cohort_data(values: dict, errors: Errors) -> dict:
    """The posted values as the schema's input (conversion errors go to ``errors``)."""
    zone = (values.get("timezone") or "").strip() or "Asia/Seoul"
    deadline_day = _date(values.get("application_deadline", ""), "application_deadline", errors)
    deadline_at = _time(
        values.get("deadline_time", ""), "deadline_time", errors, default=time(23, 59)
    )
    quotas = []
    for region, row in values["quotas"].items():
        if not any(str(v).strip() for v in row.values()):
            continue
        until_day = _date(row["reserved_until"], quota_name(region, "reserved_until"), errors)
        quotas.append(
            {
                "region": region,
                "max_seats": _int(row["max_seats"]),
                "reserved_seats": _int(row["reserved_seats"]),
                "reserved_until": _local(until_day, time(23, 59), zone) if until_day else None,
            }
        )
    return {
        "title": values.get("title", ""),
        "description": values.get("description", ""),
        "starts_on": values.get("starts_on", "").strip() or None,
        "ends_on": values.get("ends_on", "").strip() or None,
        "timezone": zone,
        "place_mode": values.get("place_mode", "") or "seoul",
        "address": values.get("address", ""),
        "online_url": values.get("online_url", "").strip(),
        "languages": _list(values.get("languages", "")),
        "capacity": _int(values.get("capacity", "")),
        "admission": values.get("admission", "") or "first_come",
        "award_years": _list(values.get("award_years", "")),
        "award_categories": values.get("award_categories", []),
        "org_kinds": values.get("org_kinds", []),
        "per_org_limit": _int(values.get("per_org_limit", "")),
        "application_deadline": _local(deadline_day, deadline_at, zone)
        if deadline_day and deadline_at
        else None,
        "offer_hours": _int(values.get("offer_hours", "")) or 72,
        "attendance_threshold": _int(values.get("attendance_threshold", "")) or 0,
        "prerequisite_title": values.get("prerequisite_title", ""),
        "prerequisite_url": values.get("prerequisite_url", "").strip(),
        "quotas": quotas,
    }


def input_errors(errors: Errors, quotas_sent: list[dict]) -> Errors:
    """Schema/service error names → the form's input names (``quotas.0.max_seats`` → the
    region row's input; ``languages.1`` → ``languages``)."""
    out: Errors = {}
    for name, messages in errors.items():
        parts = name.split(".")
        if parts[0] == "quotas" and len(parts) >= 3 and parts[1].isdigit():
            index = int(parts[1])
            region = quotas_sent[index]["region"] if index < len(quotas_sent) else ""
            key = quota_name(region, parts[2]) if region else "quotas"
        else:
            key = parts[0]
        out.setdefault(key, []).extend(messages)
    return out


CATEGORY_VALUES = [c.value for c in AwardCategory]
KIND_VALUES = [k.value for k in OrgKind]


# ---- sessions --------------------------------------------------------------------------------


def session_values(cohort: Cohort, session: TrainingSession | None) -> dict[str, str]:
    zone = _zone(cohort.timezone)
    if session is None:
        return {
            "kind": "lecture",
            "title": "",
            "day": cohort.starts_on.isoformat(),
            "starts_at": "09:00",
            "ends_at": "12:00",
            "place": "",
            "description": "",
        }
    starts = session.starts_at.replace(tzinfo=session.starts_at.tzinfo or UTC).astimezone(zone)
    ends = session.ends_at.replace(tzinfo=session.ends_at.tzinfo or UTC).astimezone(zone)
    return {
        "kind": session.kind.value,
        "title": session.title,
        "day": starts.date().isoformat(),
        "starts_at": starts.strftime("%H:%M"),
        "ends_at": ends.strftime("%H:%M"),
        "place": session.place,
        "description": session.description,
    }


def posted_session_values(form: MultiDict) -> dict[str, str]:
    return {name: form.get(name, "") for name in SESSION_FIELDS}


def session_data(cohort: Cohort, values: dict[str, str], errors: Errors) -> dict:
    """Times typed in the cohort's zone as aware datetimes (the service checks their order
    and that they fall within the cohort's dates)."""
    day = _date(values.get("day", ""), "day", errors)
    if day is None and "day" not in errors:
        errors["day"] = [_("Enter a date, for example 2027-03-31.")]
    starts = _time(values.get("starts_at", ""), "starts_at", errors)
    ends = _time(values.get("ends_at", ""), "ends_at", errors)
    for name, value in (("starts_at", starts), ("ends_at", ends)):
        if value is None and name not in errors:
            errors[name] = [_("Enter a time as hours:minutes, for example 09:30.")]
    data = {
        "kind": values.get("kind", "") or "lecture",
        "title": values.get("title", ""),
        "place": values.get("place", ""),
        "description": values.get("description", ""),
        "starts_at": None,
        "ends_at": None,
    }
    if day and starts and ends:
        zone = _zone(cohort.timezone)
        start_dt = datetime.combine(day, starts, zone)
        end_dt = datetime.combine(day, ends, zone)
        data["starts_at"] = start_dt.isoformat()
        data["ends_at"] = end_dt.isoformat()
    return data
