"""The pilot request form: WTForms for the single fields, plain numbered rows for the KPIs and
evaluation criteria.

The rows work without JavaScript: the form always offers a fixed number of rows (blank ones
are ignored), and "Save and add rows" stores the draft and offers more. Each row's inputs are
named ``kpis-<n>-name`` etc. and labelled "KPI 2 name", so screen readers announce which row
a field belongs to. Errors from the schema are placed on the row and field they concern.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from pydantic import ValidationError as PydanticError
from werkzeug.datastructures import MultiDict
from wtforms import DateField, IntegerField, SelectField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional
from wtforms.validators import ValidationError as WTFormsValidationError

from ..forms import LineField, MultiCheckboxField, _schema_message, choices
from ..members.labels import LANGUAGE_OPTIONS, SECTOR_LABELS
from ..text import clean_line, has_control
from . import money
from .labels import TARGET_GROUP_LABELS, TYPE_LABELS
from .models import MONEY_MAX, TEXT_MAX, TITLE_MAX, PilotRequest
from .request_schemas import MAX_CRITERIA, MAX_KPIS, RequestInput

BLANK_ROWS = 5  # rows offered at first
MORE_ROWS = 3  # rows added by "Save and add rows"

DATE_INPUT = {"type": "text", "inputmode": "numeric", "autocomplete": "off", "maxlength": 10}
KPI_FIELDS = ("name", "unit", "baseline")
CRITERION_FIELDS = ("name", "description", "weight")


@dataclass
class Row:
    """One numbered row of a repeating group (``number`` counts from 1)."""

    number: int
    values: dict[str, str]
    errors: dict[str, list[str]] = field(default_factory=dict)

    @property
    def blank(self) -> bool:
        return not any(v.strip() for v in self.values.values())

    def add_error(self, name: str, message: str) -> None:
        self.errors.setdefault(name, []).append(message)


class RequestForm(FlaskForm):
    type = SelectField(_l("Kind of request"), choices=choices(TYPE_LABELS.items()))
    title = LineField(_l("Title"), validators=[DataRequired(), Length(max=TITLE_MAX)])
    sectors = MultiCheckboxField(_l("Sectors"), choices=choices(SECTOR_LABELS.items()))
    challenge = TextAreaField(
        _l("Challenge statement"),
        validators=[Optional(), Length(max=TEXT_MAX)],
        description=_l("The problem the city wants to solve, for whom, and why now."),
    )
    policy_needs = TextAreaField(_l("Policy needs"), validators=[Optional(), Length(max=TEXT_MAX)])
    technologies = TextAreaField(
        _l("Technologies sought"),
        validators=[Optional(), Length(max=2000)],
        description=_l("One per line, at most 20; for example: digital twin"),
    )
    target_groups = MultiCheckboxField(
        _l("Target groups"), choices=choices(TARGET_GROUP_LABELS.items())
    )
    budget_min = IntegerField(
        _l("Smallest budget"), validators=[Optional(), NumberRange(min=0, max=MONEY_MAX)]
    )
    budget_max = IntegerField(
        _l("Largest budget"), validators=[Optional(), NumberRange(min=0, max=MONEY_MAX)]
    )
    currency = SelectField(_l("Currency"), choices=[])
    # Text inputs, not type="date": Chromium focuses a date input's inner segments, where
    # the site's focus ring does not show, and typing a date works everywhere.
    starts_on = DateField(
        _l("Start date"),
        validators=[Optional()],
        description=_l("For example 2027-03-31"),
        render_kw=DATE_INPUT,
    )
    ends_on = DateField(
        _l("End date"),
        validators=[Optional()],
        description=_l("For example 2027-12-31"),
        render_kw=DATE_INPUT,
    )
    languages = MultiCheckboxField(_l("Working languages"), choices=[])

    def __init__(self, *args, current_languages=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.currency.choices = choices(money.currency_choices(str(get_locale() or "en")))
        self.languages.choices = choices(LANGUAGE_OPTIONS(current_languages))
        self.kpi_rows: list[Row] = []
        self.criterion_rows: list[Row] = []

    def validate_budget_max(self, field) -> None:
        low = self.budget_min.data
        if field.data is not None and low is not None and field.data < low:
            raise_error(field, _l("The largest budget must not be below the smallest."))

    def validate_ends_on(self, field) -> None:
        start = self.starts_on.data
        if field.data is not None and start is not None and field.data < start:
            raise_error(field, _l("The end date must not be before the start date."))

    # ---- rows ------------------------------------------------------------------------------

    def read_rows(self, formdata: MultiDict, *, more: bool = False) -> None:
        self.kpi_rows = _read("kpis", KPI_FIELDS, formdata, MAX_KPIS, more)
        self.criterion_rows = _read("criteria", CRITERION_FIELDS, formdata, MAX_CRITERIA, more)

    def rows_from(self, req: PilotRequest | None) -> None:
        kpis = [
            {
                "name": k.name,
                "unit": k.unit,
                "baseline": "" if k.baseline is None else f"{k.baseline:g}",
            }
            for k in (req.kpis if req else [])
        ]
        criteria = [
            {"name": c.name, "description": c.description, "weight": str(c.weight)}
            for c in (req.criteria if req else [])
        ]
        self.kpi_rows = _pad(kpis, KPI_FIELDS, MAX_KPIS)
        self.criterion_rows = _pad(criteria, CRITERION_FIELDS, MAX_CRITERIA)

    @property
    def row_errors(self) -> bool:
        return any(r.errors for r in self.kpi_rows + self.criterion_rows)

    # ---- shape -----------------------------------------------------------------------------

    def to_fields(self) -> dict:
        lines = [t for t in (self.technologies.data or "").splitlines() if t.strip()]
        return {
            "type": self.type.data,
            "title": self.title.data or "",
            "sectors": self.sectors.data or [],
            "challenge": self.challenge.data or "",
            "policy_needs": self.policy_needs.data or "",
            "technologies": lines,
            "target_groups": self.target_groups.data or [],
            "budget_min": self.budget_min.data,
            "budget_max": self.budget_max.data,
            "currency": self.currency.data or "",
            "starts_on": self.starts_on.data,
            "ends_on": self.ends_on.data,
            "languages": self.languages.data or [],
            "kpis": [_kpi(r) for r in self.kpi_rows if not r.blank],
            "criteria": [_criterion(r) for r in self.criterion_rows if not r.blank],
        }

    def fill_from(self, req: PilotRequest) -> None:
        self.type.data = req.type.value
        self.title.data = req.title
        self.sectors.data = req.sector_values
        self.challenge.data = req.challenge
        self.policy_needs.data = req.policy_needs
        self.technologies.data = "\n".join(req.technologies or [])
        self.target_groups.data = list(req.target_groups or [])
        self.budget_min.data = req.budget_min
        self.budget_max.data = req.budget_max
        self.currency.data = req.currency
        self.starts_on.data = req.starts_on
        self.ends_on.data = req.ends_on
        self.languages.data = list(req.languages or [])
        self.rows_from(req)

    def validate_all(self, formdata: MultiDict, *, more: bool = False) -> RequestInput | None:
        """Both layers at once (WTForms validators, then the schema, rows included); every
        error is placed on its field or row. None unless everything passed."""
        self.read_rows(formdata, more=more)
        form_ok = self.validate()
        kept = [r for r in self.kpi_rows if not r.blank]
        kept_criteria = [r for r in self.criterion_rows if not r.blank]
        try:
            data = RequestInput.model_validate(self.to_fields())
        except PydanticError as exc:
            data = None
            for item in exc.errors(include_url=False, include_input=False):
                loc = item["loc"]
                message = _schema_message(item)
                if loc and loc[0] in ("kpis", "criteria") and len(loc) >= 3:
                    rows = kept if loc[0] == "kpis" else kept_criteria
                    rows[int(loc[1])].add_error(str(loc[2]), message)
                    continue
                name = str(loc[0]) if loc else ""
                target = getattr(self, name, None)
                if target is not None and hasattr(target, "errors"):
                    if not target.errors:
                        target.errors = [*target.errors, message]
                else:
                    self.form_errors.append(message)
        if self.row_errors:
            return None
        return data if form_ok else None


def raise_error(field, message) -> None:
    raise WTFormsValidationError(str(message))


def _pad(values: list[dict], names: tuple[str, ...], limit: int) -> list[Row]:
    count = min(limit, max(BLANK_ROWS, len(values) + 1))
    rows = [Row(n + 1, {k: str(v.get(k, "")) for k in names}) for n, v in enumerate(values)]
    rows += [Row(n + 1, dict.fromkeys(names, "")) for n in range(len(rows), count)]
    return rows


def _read(prefix: str, names, formdata: MultiDict, limit: int, more: bool) -> list[Row]:
    try:
        offered = int(formdata.get(f"{prefix}-count", BLANK_ROWS))
    except ValueError:
        offered = BLANK_ROWS
    offered = min(max(offered, BLANK_ROWS), limit)
    rows = []
    for n in range(1, offered + 1):
        values = {k: formdata.get(f"{prefix}-{n}-{k}", "") for k in names}
        row = Row(n, values)
        for k, v in values.items():
            if k == "description":
                row.values[k] = v.replace("\r\n", "\n")
            elif has_control(v):
                row.add_error(
                    k,
                    str(
                        _l("Use a single line: line breaks and control characters are not allowed.")
                    ),
                )
            else:
                row.values[k] = clean_line(v)
        rows.append(row)
    filled = sum(1 for r in rows if not r.blank)
    if more:
        for n in range(len(rows) + 1, min(limit, max(len(rows), filled) + MORE_ROWS) + 1):
            rows.append(Row(n, dict.fromkeys(names, "")))
    return rows


def _number(row: Row, name: str, *, whole: bool):
    text = row.values.get(name, "").strip().replace(",", "")
    if not text:
        return None
    try:
        return int(text) if whole else float(text)
    except ValueError:
        row.add_error(
            name, str(_l("Enter a whole number.") if whole else _l("Enter a number, such as 12.5."))
        )
        return None


def _kpi(row: Row) -> dict:
    out: dict = {"name": row.values["name"], "unit": row.values["unit"]}
    baseline = _number(row, "baseline", whole=False)
    if baseline is not None:
        out["baseline"] = baseline
    return out


def _criterion(row: Row) -> dict:
    weight = _number(row, "weight", whole=True)
    if weight is None and "weight" not in row.errors:
        row.add_error("weight", str(_l("Give the criterion a weight from 1 to 100.")))
    return {
        "name": row.values["name"],
        "description": row.values["description"],
        "weight": weight if weight is not None else 1,
    }
