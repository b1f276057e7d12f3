"""Forms of the enrollment pages: applying (with the colleague an org admin may name), the
confirmation steps, and the officials' decisions (one by one or in bulk). The pydantic schemas
of enrollment_schemas.py validate what the forms collect, as in the API."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, TextAreaField
from wtforms.validators import Length, Optional

from .enrollment_schemas import MOTIVATION_MAX, REASON_MAX


class ApplyForm(FlaskForm):
    person = SelectField(
        _l("Who is applying"),
        choices=[],
        validate_choice=False,  # the schema and the service check the colleague
        validators=[Optional()],
        description=_l("As an administrator of your organisation you may apply for a colleague."),
    )
    motivation = TextAreaField(
        _l("Motivation"),
        validators=[Optional(), Length(max=MOTIVATION_MAX)],
        description=_l(
            "Why this training, and what you will bring back (at most %(num)d characters).",
            num=MOTIVATION_MAX,
        ),
        render_kw={"rows": 5, "maxlength": MOTIVATION_MAX},
    )

    def to_fields(self) -> dict:
        person = (self.person.data or "").strip()
        return {
            "user_id": int(person) if person.isdigit() and len(person) < 12 else None,
            "motivation": self.motivation.data or "",
        }


class ConfirmForm(FlaskForm):
    """A confirmation step (withdrawing, declining): only the CSRF token."""


class DecisionsForm(FlaskForm):
    """The applications table: checked ids and one decision for them, or one row's button."""

    reason = TextAreaField(
        _l("Reason for a rejection"),
        validators=[Optional(), Length(max=REASON_MAX)],
        description=_l("Required to reject; the applicant sees it."),
        render_kw={"rows": 2, "maxlength": REASON_MAX},
    )
