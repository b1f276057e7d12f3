"""Forms for accepting an invitation, inviting a person, applying to join and deciding."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectField, TextAreaField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional

from ..accounts.forms import PASSWORD_HELP, NewPasswordForm, check_password_field
from ..accounts.passwords import MAX_LENGTH
from ..accounts.schemas import PERSON_NAME_MAX
from ..forms import LineEmailField, LineField, choices, not_spoofed
from ..members.forms import OrganizationForm
from ..members.labels import KIND_LABELS
from ..schemas import EMAIL_MAX
from .schemas import MOTIVATION_MAX, REASON_MAX


class AcceptInvitationForm(NewPasswordForm):
    name = LineField(
        _l("Your name"),
        validators=[DataRequired(), Length(max=PERSON_NAME_MAX), not_spoofed],
        render_kw={"autocomplete": "name"},
    )

    def owner_name(self) -> str:
        return self.name.data or ""


class JoinForm(OrganizationForm):
    kind = SelectField(
        _l("Kind of organisation"),
        choices=choices(
            [("company", KIND_LABELS["company"]), ("institution", KIND_LABELS["institution"])]
        ),
    )
    person_name = LineField(
        _l("Your name"),
        validators=[DataRequired(), Length(max=PERSON_NAME_MAX), not_spoofed],
        render_kw={"autocomplete": "name"},
    )
    email = LineEmailField(
        _l("Your e-mail address"),
        validators=[DataRequired(), Email(), Length(max=EMAIL_MAX)],
        render_kw={"autocomplete": "email"},
    )
    password = PasswordField(
        _l("Choose a password"),
        validators=[DataRequired(), Length(max=MAX_LENGTH)],
        description=PASSWORD_HELP,
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("Repeat the password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))],
        render_kw={"autocomplete": "new-password"},
    )
    motivation = TextAreaField(
        _l("Why do you want to join? What could you offer winning cities?"),
        validators=[DataRequired(), Length(max=MOTIVATION_MAX)],
    )

    def validate_password(self, field) -> None:
        check_password_field(field, email=self.email.data or "", name=self.person_name.data or "")


class DecisionForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason (sent to the applicant; required to decline)"),
        validators=[Optional(), Length(max=REASON_MAX)],
    )


class InviteForm(FlaskForm):
    email = LineEmailField(
        _l("E-mail address"), validators=[DataRequired(), Email(), Length(max=EMAIL_MAX)]
    )
    org_role = SelectField(
        _l("Role in the organisation"),
        choices=choices([("member", _l("Member")), ("admin", _l("Administrator"))]),
    )
