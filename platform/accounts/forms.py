"""Forms for signing in, passwords, invitations, joining and the account page."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    PasswordField,
    SelectField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    EqualTo,
    InputRequired,
    Length,
    Optional,
    ValidationError,
)

from ..forms import LineEmailField, LineField, not_spoofed
from ..schemas import EMAIL_MAX
from .passwords import MAX_LENGTH, password_problems, verify_password
from .schemas import PERSON_NAME_MAX

PASSWORD_HELP = _l("At least 12 characters. A few unrelated words make a strong password.")


class LoginForm(FlaskForm):
    email = LineEmailField(
        _l("E-mail address"),
        validators=[DataRequired(), Length(max=EMAIL_MAX)],
        render_kw={"autocomplete": "username"},
    )
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(), Length(max=MAX_LENGTH)],
        render_kw={"autocomplete": "current-password"},
    )
    remember = BooleanField(_l("Keep me signed in on this device"))


class ForgotPasswordForm(FlaskForm):
    email = LineEmailField(
        _l("E-mail address"),
        validators=[DataRequired(), Email(), Length(max=EMAIL_MAX)],
        render_kw={"autocomplete": "email"},
    )


def check_password_field(field, *, email: str, name: str) -> None:
    """Add every password-policy problem to ``field`` while the form validates, so they show
    together with the other fields' errors instead of after a second submit. The services
    check the policy again (they are also called by the API)."""
    for problem in password_problems(field.data or "", email=email, name=name):
        field.errors.append(str(problem))


class NewPasswordForm(FlaskForm):
    password = PasswordField(
        _l("New password"),
        validators=[DataRequired(), Length(max=MAX_LENGTH)],
        description=PASSWORD_HELP,
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))],
        render_kw={"autocomplete": "new-password"},
    )

    def __init__(self, *args, email: str = "", name: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self._owner_email = email
        self._owner_name = name

    def owner_name(self) -> str:
        return self._owner_name

    def validate_password(self, field) -> None:
        check_password_field(field, email=self._owner_email, name=self.owner_name())


class ChangePasswordForm(NewPasswordForm):
    current_password = PasswordField(
        _l("Current password"),
        validators=[DataRequired(), Length(max=MAX_LENGTH)],
        render_kw={"autocomplete": "current-password"},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, email=user.email, name=user.name, **kwargs)
        self._user = user

    def validate_current_password(self, field) -> None:
        # Checked here as well as in the service so that a wrong current password, a weak
        # new one and a mistyped confirmation are all reported after one submit.
        if not verify_password(self._user.password_hash, field.data or ""):
            raise ValidationError(_l("The current password is not correct."))


class ProfileForm(FlaskForm):
    name = LineField(
        _l("Name"),
        validators=[DataRequired(), Length(max=PERSON_NAME_MAX), not_spoofed],
        render_kw={"autocomplete": "name"},
    )
    job_title = LineField(
        _l("Job title"),
        validators=[Optional(), Length(max=120)],
        render_kw={"autocomplete": "organization-title"},
    )
    locale = SelectField(_l("Language for e-mails and pages"), choices=[])


class DeleteAccountForm(FlaskForm):
    password = PasswordField(
        _l("Your password"),
        validators=[DataRequired(), Length(max=MAX_LENGTH)],
        render_kw={"autocomplete": "current-password"},
    )
    confirm = BooleanField(
        _l("I understand that this cannot be undone"), validators=[InputRequired()]
    )


class ApiTokenForm(FlaskForm):
    name = LineField(
        _l("Name of the token"),
        validators=[DataRequired(), Length(max=80)],
        description=_l("What it is for, so you can recognise it later; for example: CI export"),
    )


class CsrfForm(FlaskForm):
    """Nothing but the CSRF token: for buttons that post (revoke a token, change a status)."""
