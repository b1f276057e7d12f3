"""Password hashing (Argon2id) and the password policy."""

from __future__ import annotations

import contextlib
from functools import cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from flask_babel import lazy_gettext as _l

MIN_LENGTH = 12
MAX_LENGTH = 128

_hasher = PasswordHasher()  # Argon2id with the library's current recommended parameters
# Verified against when the e-mail is unknown, so that timing does not reveal accounts.
_DUMMY_HASH = _hasher.hash("dummy password for timing equalisation")


@cache
def _blocklist() -> frozenset[str]:
    path = Path(__file__).parent.parent / "data" / "common_passwords.txt"
    words = (line.strip().lower() for line in path.read_text(encoding="utf-8").splitlines())
    return frozenset(w for w in words if w and not w.startswith("#"))


def password_problems(password: str, *, email: str = "", name: str = "") -> list[str]:
    """Messages (translated on use) for a password that breaks the policy."""
    problems: list = []
    if len(password) < MIN_LENGTH:
        problems.append(_l("Use at least 12 characters."))
    if len(password) > MAX_LENGTH:
        problems.append(_l("Use at most 128 characters."))
    lowered = password.lower()
    stripped = lowered.rstrip("0123456789!.")
    if lowered in _blocklist() or stripped in _blocklist() or not stripped:
        problems.append(_l("This password is too common. Choose a less predictable one."))
    elif len(set(lowered)) < 4:
        problems.append(
            _l("This password repeats too few characters. Choose a less predictable one.")
        )
    local = email.split("@", 1)[0].lower()
    if len(local) >= 4 and local in lowered:
        problems.append(_l("Do not use your e-mail address in your password."))
    elif name and len(name) >= 4 and name.lower().replace(" ", "") in lowered.replace(" ", ""):
        problems.append(_l("Do not use your name in your password."))
    return problems


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    if not password_hash:
        _burn(password)
        return False
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def _burn(password: str) -> None:
    with contextlib.suppress(VerificationError):
        _hasher.verify(_DUMMY_HASH, password)


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)
