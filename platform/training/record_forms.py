"""The HTML forms of training records, read into the schemas the API uses (record_schemas).

The roster and the action plan have a variable number of rows, so they are read from the
posted fields directly (like pilots' review form) rather than declared as WTForms fields; the
validation is the schemas', so a page and the API accept and refuse the same input."""

from __future__ import annotations

from pydantic import ValidationError as PydanticError
from werkzeug.datastructures import MultiDict

from ..forms import _schema_message
from ..schemas import MAX_ID
from .models import AttendanceStatus
from .record_schemas import MAX_STEPS_FORM, ActionPlanIn

EMPTY_ROWS = 3  # blank step rows offered below the filled ones


def roster_marks(form: MultiDict, *, all_present: bool) -> list[tuple[int, AttendanceStatus]]:
    """The marks of the roster form: ``enrollment`` (one hidden field per row shown) and
    ``mark-<id>`` radio values. Unknown values are ignored; rows left unmarked stay as they
    are. ``all_present``: every row shown is marked present."""
    marks = []
    seen = set()
    for raw in form.getlist("enrollment")[:500]:
        if not raw.isdigit() or not 0 < int(raw) <= MAX_ID or int(raw) in seen:
            continue
        enrollment_id = int(raw)
        seen.add(enrollment_id)
        if all_present:
            marks.append((enrollment_id, AttendanceStatus.PRESENT))
            continue
        value = form.get(f"mark-{enrollment_id}", "")
        if value in AttendanceStatus._value2member_map_:
            marks.append((enrollment_id, AttendanceStatus(value)))
    return marks


def plan_values(form: MultiDict) -> dict:
    """The action plan form as the schema's input: the goal and the non-empty step rows."""
    steps = []
    for n in range(1, MAX_STEPS_FORM + 1):
        action = form.get(f"step-{n}-action", "")
        due = form.get(f"step-{n}-due", "")
        if action.strip() or due.strip():
            steps.append({"action": action, "due": due})
    return {"goal": form.get("goal", ""), "steps": steps}


def plan_rows(values: dict) -> list[dict]:
    """Rows to show: the steps given and EMPTY_ROWS blank ones (at most 20 in all)."""
    rows = [dict(s) for s in values.get("steps", [])]
    while len(rows) < min(len(values.get("steps", [])) + EMPTY_ROWS, 20):
        rows.append({"action": "", "due": ""})
    return rows


def validate_plan(values: dict) -> tuple[ActionPlanIn | None, dict[str, list[str]]]:
    try:
        return ActionPlanIn.model_validate(values), {}
    except PydanticError as exc:
        errors: dict[str, list[str]] = {}
        for item in exc.errors(include_url=False, include_input=False):
            loc = [str(p) for p in item["loc"]]
            if loc[0] == "steps" and len(loc) > 2:
                name = f"step-{int(loc[1]) + 1}-{loc[2]}"
            else:
                name = loc[0]
            errors.setdefault(name, []).append(_schema_message(item))
        return None, errors
