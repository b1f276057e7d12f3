"""The request size limit of upload routes.

The app-wide ``MAX_CONTENT_LENGTH`` keeps forms and JSON bodies small (1 MB). A route that
accepts documents is marked with `accepts_documents`; for it alone the limit becomes
``DOCUMENT_MAX_BYTES`` plus ``DOCUMENT_UPLOAD_OVERHEAD`` (the multipart framing and the other
fields), so a 10 MB file gets through and anything far larger is a 413 before it is read.
The limit must be set before anything parses the body — the CSRF check reads the form — so
`init_upload_limits` registers its hook first (app.py calls it before the other hooks).
Werkzeug enforces the limit on the bytes actually read too, whatever Content-Length claims;
the service counts again while it reads the file.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import Flask, current_app, request

F = TypeVar("F", bound=Callable)


def accepts_documents(view: F) -> F:
    view.accepts_documents = True  # type: ignore[attr-defined]
    return view


def upload_limit() -> int:
    config = current_app.config
    return int(config["DOCUMENT_MAX_BYTES"]) + int(config["DOCUMENT_UPLOAD_OVERHEAD"])


def init_upload_limits(app: Flask) -> None:
    @app.before_request
    def _raise_limit_for_uploads():
        view = app.view_functions.get(request.endpoint or "")
        if getattr(view, "accepts_documents", False):
            request.max_content_length = upload_limit()
