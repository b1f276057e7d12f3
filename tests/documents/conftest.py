"""Fixtures for documents: every test here gets its own storage folder."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _own_storage(request):
    if "app" in request.fixturenames:
        request.getfixturevalue("storage_dir")
