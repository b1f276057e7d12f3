"""Helpers shared by every feature's forms: pydantic validation behind WTForms rendering."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from pydantic import BaseModel
from pydantic import ValidationError as PydanticError
from wtforms import SelectChoice, SelectMultipleField, widgets

from .errors import DomainError

M = TypeVar("M", bound=BaseModel)


def choices(pairs) -> list[SelectChoice]:
    """(value, label) pairs as WTForms choices."""
    return [SelectChoice(str(value), label) for value, label in pairs]


class MultiCheckboxField(SelectMultipleField):
    """A group of checkboxes (rendered inside a fieldset by the form macro)."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


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
