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


# The title and explanation of each HTTP status we answer with: error pages, problem+json
# bodies for errors raised outside services (404 from the router, 413, 429 …) and the
# OpenAPI document's error responses all read this one table.
HTTP_TEXT: dict[int, tuple] = {
    400: (_l("Bad request"), _l("The request could not be understood.")),
    401: (_l("Not authenticated"), _l("Sign in to continue.")),
    403: (_l("Forbidden"), _l("You may not do this.")),
    404: (_l("Page not found"), _l("There is no page at this address.")),
    405: (_l("Method not allowed"), _l("This address does not accept this kind of request.")),
    409: (Conflict.title, Conflict.title),
    413: (_l("Request too large"), _l("What you sent is too large.")),
    415: (_l("Unsupported media type"), _l("Send the body as application/json.")),
    422: (ValidationError.title, ValidationError.title),
    429: (_l("Too many requests"), _l("Please wait a few minutes and try again.")),
    500: (_l("Something went wrong"), _l("The error has been logged.")),
    503: (_l("Service unavailable"), _l("Please try again in a moment.")),
}
