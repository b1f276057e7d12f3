"""Domain exceptions raised by services and turned into responses by app.py and api.py."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l


class DomainError(Exception):
    """Base of every error a service raises on purpose. ``status`` maps it to HTTP."""

    status = 400
    title = _l("Bad request")

    def __init__(self, detail: str = "", errors: dict[str, list[str]] | None = None):
        super().__init__(detail or str(self.title))
        self.detail = detail or str(self.title)
        self.errors = errors or {}


class BadRequest(DomainError):
    """Malformed input: not decodable, not parseable, or nested beyond reason."""

    status = 400
    title = _l("Malformed request")


class NotFound(DomainError):
    status = 404
    title = _l("Not found")


class PermissionDenied(DomainError):
    status = 403
    title = _l("Forbidden")


class ValidationError(DomainError):
    """Input that is well-formed but not acceptable; ``errors`` maps field → messages."""

    status = 422
    title = _l("Invalid input")


class Conflict(DomainError):
    """Duplicate or a state that no longer allows the operation."""

    status = 409
    title = _l("Conflict")


class Unauthenticated(DomainError):
    status = 401
    title = _l("Not authenticated")
