"""The message form (the text is checked by the service: one definition of a message)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import TextAreaField

from .models import BODY_MAX


class MessageForm(FlaskForm):
    body = TextAreaField(
        _l("Your message"),
        description=_l("Up to %(max)s characters. Everyone taking part can read it.", max="5,000"),
        render_kw={"rows": 5, "maxlength": BODY_MAX},
    )
