"""Where document bytes live: one small interface, so an object store can replace the disk.

``Storage`` is what the services use: ``save(stream) -> key``, ``open(key)``, ``delete(key)``.
Keys are random (``secrets.token_urlsafe``), never derived from names people chose, and are
checked on every use, so no key can point outside the store. `LocalStorage` keeps files in a
folder outside the web root (``DOCUMENT_STORAGE_DIR``, default ``<instance>/documents``) and
writes each file to a temporary name first, then renames it: a file is complete or absent.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import tempfile
from pathlib import Path
from typing import BinaryIO, Protocol

from flask import current_app

_KEY = re.compile(r"^[A-Za-z0-9_-]{32}$")


class Storage(Protocol):
    def save(self, stream: BinaryIO) -> str: ...

    def open(self, key: str) -> BinaryIO: ...

    def delete(self, key: str) -> None: ...


def new_key() -> str:
    return secrets.token_urlsafe(24)  # 32 characters of [A-Za-z0-9_-]


def check_key(key: str) -> str:
    if not isinstance(key, str) or not _KEY.fullmatch(key):
        raise ValueError("not a storage key")
    return key


class LocalStorage:
    """Files in one folder on the local disk, named by their keys."""

    def __init__(self, root: str | os.PathLike) -> None:
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        return self.root / check_key(key)

    def save(self, stream: BinaryIO) -> str:
        self.root.mkdir(parents=True, exist_ok=True, mode=0o700)
        key = new_key()
        fd, tmp = tempfile.mkstemp(dir=self.root, prefix=".upload-")
        try:
            with os.fdopen(fd, "wb") as out:
                stream.seek(0)
                shutil.copyfileobj(stream, out, 64 * 1024)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, self._path(key))
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return key

    def open(self, key: str) -> BinaryIO:
        return self._path(key).open("rb")

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)


def get_storage() -> Storage:
    """The app's document storage (local disk; see DOCUMENT_STORAGE_DIR)."""
    root = current_app.config.get("DOCUMENT_STORAGE_DIR") or (
        Path(current_app.instance_path) / "documents"
    )
    return LocalStorage(root)
