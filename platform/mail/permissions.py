"""Who may do what with the outbox."""

from __future__ import annotations


def can_retry_email(actor) -> bool:
    return bool(actor is not None and getattr(actor, "is_official", False))
