"""Helpers shared by every feature's forms: pydantic validation behind WTForms rendering."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from pydantic import BaseModel
from pydantic import ValidationError as PydanticError
from wtforms import EmailField, SelectChoice, SelectMultipleField, StringField, URLField, widgets
from wtforms.validators import StopValidation

from .errors import DomainError
from .text import clean_email, clean_line, has_control, looks_spoofed

M = TypeVar("M", bound=BaseModel)


def choices(pairs) -> list[SelectChoice]:
    """(value, label) pairs as WTForms choices."""
    return [SelectChoice(str(value), label) for value, label in pairs]


class MultiCheckboxField(SelectMultipleField):
    """A group of checkboxes (rendered inside a fieldset by the form macro)."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class _OneLine:
    """A WTForms field holding one line of text, cleaned as schemas.single_line does:
    NFKC, invisible characters removed, whitespace collapsed; a line break or control
    character is refused with a field error (a browser's one-line input cannot send one)."""

    _clean = staticmethod(clean_line)

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        self._refused = isinstance(self.data, str) and has_control(self.data)
        if isinstance(self.data, str) and not self._refused:
            self.data = self._clean(self.data)

    def pre_validate(self, form):
        if getattr(self, "_refused", False):
            raise StopValidation(
                str(_l("Use a single line: line breaks and control characters are not allowed."))
            )


class LineField(_OneLine, StringField):
    pass


class LineURLField(_OneLine, URLField):
    pass


class LineEmailField(_OneLine, EmailField):
    _clean = staticmethod(clean_email)


def not_spoofed(form, field) -> None:
    """WTForms validator: refuse a name that imitates Latin with Cyrillic/Greek letters."""
    if isinstance(field.data, str) and looks_spoofed(field.data):
        raise StopValidation(
            str(
                _l(
                    "This name mixes alphabets in a way that imitates another name. "
                    "Write it in one alphabet."
                )
            )
        )


def attach_errors(form: FlaskForm, errors: dict[str, list[str]]) -> None:
    """Show service or schema errors on the matching form fields (or on the form)."""
    for name, messages in errors.items():
        field = getattr(form, name.split(".")[0], None)
        if field is not None and hasattr(field, "errors"):
            field.errors = list(field.errors or []) + list(messages)
        else:
            form.form_errors.extend(messages)


def validate_into(model: type[M], data: dict, form: FlaskForm) -> M | None:
    """Validate ``data`` with ``model``; on failure attach field errors and return None.

    A field that already carries errors (from the WTForms validators) keeps only those: the
    schema would mostly repeat them ("required" twice) and the person needs one message."""
    try:
        return model.model_validate(data)
    except PydanticError as exc:
        errors: dict[str, list[str]] = {}
        for item in exc.errors(include_url=False, include_input=False):
            name = str(item["loc"][0]) if item["loc"] else "form"
            field = getattr(form, name, None)
            if field is not None and getattr(field, "errors", None):
                continue
            errors.setdefault(name, []).append(_schema_message(item))
        attach_errors(form, errors)
        return None


def validate_submission(form: FlaskForm, model: type[M], fields: Callable[[], dict]) -> M | None:
    """On a submitted form, run both validation layers — the WTForms validators and the
    pydantic schema — and show every error of both at once; None unless both pass.

    Running the schema only when WTForms passed made people submit twice to learn of a bad
    website after fixing a missing name (WCAG 3.3.1: identify all errors)."""
    if not form.is_submitted():
        return None
    form_ok = form.validate()
    data = validate_into(model, fields(), form)
    return data if form_ok else None


def form_status(form: FlaskForm) -> int:
    """422 when a submitted form comes back with errors, else 200."""
    return 422 if (form.errors or form.form_errors) else 200


def show_domain_error(form: FlaskForm, err: DomainError) -> None:
    if err.errors:
        attach_errors(form, err.errors)
    else:
        form.form_errors.append(err.detail)


_MESSAGES = {
    "string_too_short": _l("This is too short."),
    "string_too_long": _l("This is too long."),
    "too_long": _l("Too many entries."),
    "missing": _l("This field is required."),
    "enum": _l("Choose one of the options."),
    "int_parsing": _l("Enter a whole number."),
    "greater_than_equal": _l("This number is too small."),
    "less_than_equal": _l("This number is too large."),
}


def _schema_message(item: dict) -> str:
    known = _MESSAGES.get(item.get("type", ""))
    if known is not None:
        return str(known)
    message = item.get("msg", "")
    return message.removeprefix("Value error, ")
