"""Forms for proposals, scoring, the city's selection and the official's decision.

WTForms renders and checks the browser's input; the pydantic schemas of
proposal_schemas.py then validate the same values as the API does (views use
``validate_submission``, so every error of both layers shows at once)."""

from __future__ import annotations

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, RadioField, SelectField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from ..forms import choices
from .models import MONEY_MAX, TEXT_MAX
from .money import currency_choices
from .proposal_schemas import NOTE_MAX


class ProposalForm(FlaskForm):
    approach = TextAreaField(
        _l("Approach"),
        validators=[DataRequired(), Length(max=TEXT_MAX)],
        description=_l("How you would meet the city's challenge, step by step."),
    )
    team = TextAreaField(
        _l("Team"),
        validators=[DataRequired(), Length(max=TEXT_MAX)],
        description=_l("Who would do the work, and their experience."),
    )
    references = TextAreaField(
        _l("References"),
        validators=[Optional(), Length(max=TEXT_MAX)],
        description=_l("Similar projects you have done, and where."),
    )
    cost_amount = IntegerField(
        _l("Cost estimate"),
        validators=[InputRequired(), NumberRange(min=0, max=MONEY_MAX)],
        description=_l("A whole amount in the currency below, without separators."),
        render_kw={"inputmode": "numeric", "autocomplete": "off"},
    )
    currency = SelectField(_l("Currency"), choices=[], validators=[DataRequired()])
    duration_months = IntegerField(
        _l("Duration in months"),
        validators=[InputRequired(), NumberRange(min=1, max=120)],
        description=_l("From 1 to 120 months."),
        render_kw={"inputmode": "numeric"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.currency.choices = choices(currency_choices(str(get_locale() or "en")))

    def to_fields(self) -> dict:
        return {
            "approach": self.approach.data or "",
            "team": self.team.data or "",
            "references": self.references.data or "",
            "cost_amount": self.cost_amount.data,
            "currency": self.currency.data or "",
            "duration_months": self.duration_months.data,
        }

    def fill_from(self, interest) -> None:
        self.approach.data = interest.approach
        self.team.data = interest.team
        self.references.data = interest.references
        self.cost_amount.data = interest.cost_amount
        self.currency.data = interest.currency
        self.duration_months.data = interest.duration_months


SCORE_CHOICES = [("", _l("Not scored")), *((str(n), str(n)) for n in range(11))]


def score_form(criteria, formdata=None, scores=None) -> FlaskForm:
    """A form with a score (0-10) and a note per criterion of the request."""

    class ScoreForm(FlaskForm):
        pass

    for c in criteria:
        setattr(
            ScoreForm,
            f"score_{c.id}",
            SelectField(
                _l("Score for “%(name)s” (weight %(weight)s%%)", name=c.name, weight=c.weight),
                choices=choices(SCORE_CHOICES),
                validators=[Optional()],
            ),
        )
        setattr(
            ScoreForm,
            f"note_{c.id}",
            TextAreaField(
                _l("Note on “%(name)s”", name=c.name),
                validators=[Optional(), Length(max=NOTE_MAX)],
            ),
        )
    form = ScoreForm(formdata=formdata) if formdata is not None else ScoreForm()
    if formdata is None and scores:
        for s in scores:
            if hasattr(form, f"score_{s.criterion_id}"):
                getattr(form, f"score_{s.criterion_id}").data = str(s.score)
                getattr(form, f"note_{s.criterion_id}").data = s.note
    form.criteria = list(criteria)
    return form


def score_fields(form) -> dict:
    """The scored criteria in the shape of proposal_schemas.ScoresIn."""
    items = []
    for c in form.criteria:
        raw = getattr(form, f"score_{c.id}").data
        if raw not in (None, ""):
            items.append(
                {
                    "criterion_id": c.id,
                    "score": int(raw),
                    "note": getattr(form, f"note_{c.id}").data or "",
                }
            )
    return {"scores": items}


class SelectionForm(FlaskForm):
    interest_id = RadioField(_l("Proposal to select"), choices=[], validators=[InputRequired()])
    third_party_id = SelectField(
        _l("Third partner institution (optional)"),
        choices=[],
        validators=[Optional()],
        description=_l("For triangular cooperation: an institution joining the partnership."),
    )

    def __init__(self, *args, proposals=(), institutions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.interest_id.choices = choices((str(i.id), i.organization.name) for i in proposals)
        self.third_party_id.choices = choices(
            [("", _l("No third partner")), *((str(o.id), o.name) for o in institutions)]
        )


class DecisionForm(FlaskForm):
    decision = RadioField(
        _l("Your decision"),
        choices=choices(
            [
                ("approve", _l("Approve the selection and create the partnership")),
                ("send_back", _l("Send the selection back to the city")),
            ]
        ),
        validators=[InputRequired()],
    )
    reason = TextAreaField(
        _l("Reason (needed to send it back)"),
        validators=[Optional(), Length(max=NOTE_MAX)],
        description=_l("The city reads this."),
    )

    def validate_reason(self, field) -> None:
        from wtforms.validators import ValidationError

        if self.decision.data == "send_back" and not (field.data or "").strip():
            raise ValidationError(_l("Say why the selection goes back."))
