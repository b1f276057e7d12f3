"""Human labels (translatable) for document kinds and accepted types."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

KIND_LABELS = {
    "concept_note": _l("Concept note"),
    "terms_of_reference": _l("Terms of reference"),
    "proposal": _l("Proposal"),
    "deliverable": _l("Deliverable"),
    "other": _l("Other document"),
}
ACCEPTED_TEXT = _l("PDF, Word (DOCX), Excel (XLSX), PowerPoint (PPTX), PNG or JPEG")
ACCEPT_ATTRIBUTE = ".pdf,.docx,.xlsx,.pptx,.png,.jpg,.jpeg"
