"""Who may see, attach and delete documents: asked of the feature that owns the subject.

Documents never import the features that use them. A feature registers, per subject type,
the functions that answer for its subjects (pilots/documents.py registers "pilot_request",
"interest" and "milestone"); a subject type nobody registered allows nothing. Outsiders who
may not see a subject get 404 for its documents, as for the subject itself.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..accounts.models import User, UserStatus
from .models import Document


@dataclass(frozen=True)
class SubjectRules:
    """How one subject type answers. ``can_view``/``can_attach`` take (actor, subject_id);
    ``can_delete`` takes (actor, document) and is asked only of those who may view.
    ``kinds`` are the document kinds the subject accepts (the first is the default);
    ``label`` names a subject for people ("Proposal 12"), ``link`` gives its page, or None."""

    can_view: Callable[[User | None, int], bool]
    can_attach: Callable[[User | None, int], bool]
    can_delete: Callable[[User | None, Document], bool]
    kinds: tuple[str, ...]
    label: Callable[[int], str] | None = None
    link: Callable[[int], str | None] | None = None


_rules: dict[str, SubjectRules] = {}


def register_subject(subject_type: str, rules: SubjectRules) -> None:
    _rules[subject_type] = rules


def rules_for(subject_type: str) -> SubjectRules | None:
    return _rules.get(subject_type)


def _active(actor: Any) -> bool:
    return actor is not None and getattr(actor, "status", None) == UserStatus.ACTIVE


def can_view_subject_documents(actor: User | None, subject_type: str, subject_id: int) -> bool:
    rules = _rules.get(subject_type)
    return rules is not None and _active(actor) and rules.can_view(actor, subject_id)


def can_attach_document(actor: User | None, subject_type: str, subject_id: int) -> bool:
    rules = _rules.get(subject_type)
    return (
        rules is not None
        and _active(actor)
        and rules.can_view(actor, subject_id)
        and rules.can_attach(actor, subject_id)
    )


def can_view_document(actor: User | None, doc: Document) -> bool:
    return can_view_subject_documents(actor, doc.subject_type, doc.subject_id)


def can_delete_document(actor: User | None, doc: Document) -> bool:
    rules = _rules.get(doc.subject_type)
    return can_view_document(actor, doc) and rules.can_delete(actor, doc)
