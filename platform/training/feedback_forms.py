"""The survey's HTML form: radio groups (one fieldset per question), the optional "would you
recommend" pair and the comment, read from the posted fields and validated by the same
FeedbackIn schema as the API (so both refuse the same input)."""

from __future__ import annotations

from flask_babel import gettext as _
from pydantic import ValidationError as PydanticError
from werkzeug.datastructures import MultiDict

from .feedback import COMMENT_MAX, QUESTIONS, RECOMMEND, SCALE
from .feedback_schemas import FeedbackIn


def field_name(key: str) -> str:
    return f"rating-{key}"


def values_from(response) -> dict:
    """A saved answer as the form's values."""
    ratings = dict(response.ratings or {})
    rec = ratings.pop(RECOMMEND, None)
    return {
        "ratings": {k: str(v) for k, v in ratings.items()},
        "recommend": "" if rec is None else ("yes" if rec else "no"),
        "comment": response.comment or "",
    }


def read(form: MultiDict) -> tuple[dict, FeedbackIn | None, dict[str, list[str]]]:
    """(the values to show again, the validated answer or None, errors by field name)."""
    values = {
        "ratings": {key: form.get(field_name(key), "").strip() for key in QUESTIONS},
        "recommend": form.get(RECOMMEND, "").strip(),
        "comment": form.get("comment", ""),
    }
    errors: dict[str, list[str]] = {}
    ratings: dict[str, int] = {}
    for key, raw in values["ratings"].items():
        if raw in {str(n) for n in SCALE}:
            ratings[key] = int(raw)
        else:
            errors[field_name(key)] = [
                _("Choose a rating from 1 to 5 for “%(question)s”.", question=_(QUESTIONS[key]))
            ]
    recommend = {"yes": True, "no": False, "": None}.get(values["recommend"], "bad")
    if recommend == "bad":
        errors[RECOMMEND] = [_("Choose yes or no, or leave it blank.")]
    if len(values["comment"]) > COMMENT_MAX:
        errors["comment"] = [
            _(
                "Write at most %(max)d characters (now %(now)d).",
                max=COMMENT_MAX,
                now=len(values["comment"]),
            )
        ]
    if errors:
        return values, None, errors
    try:
        data = FeedbackIn.model_validate(
            {"ratings": ratings, "recommend": recommend, "comment": values["comment"]}
        )
    except PydanticError as exc:
        for item in exc.errors(include_url=False, include_input=False):
            name = "comment" if item["loc"][0] == "comment" else "form"
            errors.setdefault(name, []).append(item["msg"])
        return values, None, errors
    return values, data, errors
