"""Fixtures for documents: a storage folder per test."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def storage_dir(request, tmp_path) -> Path:
    """Each test's own storage folder (and so an exact "no file left" check)."""
    folder = tmp_path / "documents"
    if "app" not in request.fixturenames:
        yield folder
        return
    app = request.getfixturevalue("app")
    before = app.config.get("DOCUMENT_STORAGE_DIR")
    app.config["DOCUMENT_STORAGE_DIR"] = str(folder)
    yield folder
    app.config["DOCUMENT_STORAGE_DIR"] = before
