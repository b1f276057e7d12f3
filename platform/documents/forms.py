"""The HTML upload form (the file's content is checked by the service, not here)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import SelectField

from ..forms import choices
from .labels import ACCEPT_ATTRIBUTE, KIND_LABELS


class UploadForm(FlaskForm):
    file = FileField(_l("File"), render_kw={"accept": ACCEPT_ATTRIBUTE})
    kind = SelectField(_l("Kind of document"))

    def __init__(self, kinds: tuple[str, ...], *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = choices((k, KIND_LABELS.get(k, k)) for k in kinds)
        if not self.kind.data:
            self.kind.data = kinds[0]
