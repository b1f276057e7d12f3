"""Random secrets for sessions, API tokens, invitations and resets; only hashes are stored."""

from __future__ import annotations

import hashlib
import secrets


def new_secret() -> tuple[str, str]:
    """A fresh URL-safe secret and its SHA-256 hex digest (what the database keeps)."""
    raw = secrets.token_urlsafe(32)
    return raw, digest(raw)


def digest(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()
