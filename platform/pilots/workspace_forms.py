"""HTML forms of the partnership workspace. They render and parse; the rules live in the
pydantic schemas (workspace_schemas.py), which views run on every submission together with
these fields' own checks, so that every error shows at once."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, FloatField, SelectField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional
from wtforms.widgets import TextInput

from ..db import utcnow
from ..forms import LineField, choices
from .labels import MILESTONE_STATUS_LABELS
from .models import NAME_MAX, SOURCE_MAX, TEXT_MAX, TITLE_MAX, UNIT_MAX

FUTURE_HELP = _l("Not in the future.")
DATE_FORMAT = _l("Year-month-day, for example 2026-03-01.")


def date_field(label, validators, help_text=None, **kwargs) -> DateField:
    """A date typed as text (YYYY-MM-DD). Chromium's date picker gives its inner segments
    the focus, which the site's :focus-visible outline does not reach; a text field is as
    quick to type, reads the same in every browser and needs no script."""
    description = DATE_FORMAT if help_text is None else LazyJoin(DATE_FORMAT, help_text)
    return DateField(
        label,
        validators=validators,
        description=description,
        widget=TextInput(),
        render_kw={"inputmode": "numeric", "autocomplete": "off", "placeholder": "YYYY-MM-DD"},
        **kwargs,
    )


class LazyJoin:
    """Two lazy strings shown as one help text, translated when rendered."""

    def __init__(self, *parts) -> None:
        self.parts = parts

    def __str__(self) -> str:
        return " ".join(str(p) for p in self.parts)

    def __html__(self) -> str:
        from markupsafe import escape

        return str(escape(str(self)))

    def __bool__(self) -> bool:
        return True


def _data(form: FlaskForm) -> dict:
    """The submitted values without the CSRF token; blank optional fields become None."""
    out = {}
    for name, field in form._fields.items():
        if name == "csrf_token":
            continue
        value = field.data
        out[name] = None if value == "" and field.flags.optional else value
    return out


class MilestoneForm(FlaskForm):
    title = LineField(_l("Title"), validators=[DataRequired(), Length(max=TITLE_MAX)])
    description = TextAreaField(_l("Description"), validators=[Length(max=TEXT_MAX)])
    planned_on = date_field(_l("Planned date"), [DataRequired()])
    started_on = date_field(_l("Started on"), [Optional()], FUTURE_HELP)
    actual_on = date_field(
        _l("Done on"), [Optional()], _l("Not in the future. A milestone with this date is done.")
    )
    status = SelectField(_l("Status"), choices=choices(MILESTONE_STATUS_LABELS.items()))

    def fields(self) -> dict:
        data = _data(self)
        data["description"] = data.get("description") or ""
        return data


class KpiForm(FlaskForm):
    name = LineField(_l("Indicator"), validators=[DataRequired(), Length(max=NAME_MAX)])
    unit = LineField(
        _l("Unit"), validators=[Length(max=UNIT_MAX)], description=_l("For example: %, minutes")
    )
    baseline = FloatField(_l("Baseline"), validators=[Optional()])
    target = FloatField(_l("Target"), validators=[Optional()])

    def fields(self) -> dict:
        data = _data(self)
        data["unit"] = data.get("unit") or ""
        return data


class KpiTargetForm(FlaskForm):
    target = FloatField(
        _l("Target"), validators=[Optional()], description=_l("Leave empty to clear the target.")
    )

    def fields(self) -> dict:
        return _data(self)


class KpiValueForm(FlaskForm):
    measured_on = date_field(
        _l("Measured on"),
        [DataRequired()],
        FUTURE_HELP,
        default=lambda: utcnow().date(),  # the usual case: a figure recorded when it arrives
    )
    value = FloatField(_l("Value"), validators=[InputRequired()])
    source = LineField(
        _l("Source"),
        validators=[DataRequired(), Length(max=SOURCE_MAX)],
        description=_l("Where the figure comes from, e.g. “City open-data portal, March extract”."),
    )

    def fields(self) -> dict:
        return _data(self)


class ReportForm(FlaskForm):
    period_start = date_field(_l("Period start"), [DataRequired()])
    period_end = date_field(_l("Period end"), [DataRequired()], FUTURE_HELP)
    summary = TextAreaField(_l("Summary"), validators=[DataRequired(), Length(max=TEXT_MAX)])
    risks = TextAreaField(_l("Risks and issues"), validators=[Length(max=TEXT_MAX)])
    next_steps = TextAreaField(_l("Next steps"), validators=[Length(max=TEXT_MAX)])

    def fields(self) -> dict:
        data = _data(self)
        for name in ("risks", "next_steps"):
            data[name] = data.get(name) or ""
        return data


class MoveForm(FlaskForm):
    """An official's move; which fields are required depends on the target state (the
    service says so), so they are all optional here."""

    reason = TextAreaField(_l("Reason"), validators=[Length(max=2000)])
    outcome_summary = TextAreaField(_l("Outcome summary"), validators=[Length(max=TEXT_MAX)])
    lessons_learned = TextAreaField(_l("Lessons learned"), validators=[Length(max=TEXT_MAX)])
