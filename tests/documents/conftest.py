"""Fixtures for documents: every test here gets its own storage folder."""

from __future__ import annotations

import pytest
from document_files import storage_dir  # noqa: F401  (the fixture)


@pytest.fixture(autouse=True)
def _own_storage(request):
    if "app" in request.fixturenames:
        request.getfixturevalue("storage_dir")
