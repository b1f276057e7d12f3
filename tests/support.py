"""Helpers for tests: factories through services, signing in, CSRF tokens, bearer tokens."""

from __future__ import annotations

import os
import re

import pytest

from seoul_platform.accounts import services as account_services
from seoul_platform.accounts.models import OrgRole, User, UserStatus
from seoul_platform.db import db as _db
from seoul_platform.mail.services import queue_email
from seoul_platform.members import services as member_services
from seoul_platform.members.models import Organization
from seoul_platform.members.schemas import OrganizationInput

PASSWORD = "correct horse battery staple 42"
REQUIRED = {s.strip() for s in os.environ.get("SEOUL_REQUIRE", "").split(",") if s.strip()}


def require_or_skip(service: str, reason: str) -> None:
    """Skip (on a laptop) or fail (in CI, when the service is required)."""
    if service in REQUIRED:
        pytest.fail(f"{service} is required here but unavailable: {reason}")
    pytest.skip(reason)


# A text template for mail tests: the body is the context's ``text`` (conftest adds it to
# the app's template loader). Features queue real templates; the mail tests need any body.
TEST_MAIL_TEMPLATES = {"test/message.txt": "{{ text }}"}


def queue_text(to: str, subject: str, body: str = "Body", *, locale: str = "en", kind: str = ""):
    """Queue a message whose body is ``body`` (through the test template)."""
    return queue_email(
        to, subject, template="test/message.txt", context={"text": body}, locale=locale, kind=kind
    )


def empty_tables() -> None:
    """Delete every row of every table (children first), in a transaction of its own; the
    global ``_clean_state`` runs it after each test and the pilots state machine after each
    example. Needs an app context; ends the context's session first."""
    _db.session.remove()
    with _db.engine.begin() as conn:
        for table in reversed(_db.metadata.sorted_tables):
            conn.execute(table.delete())


# ---- factories (through services) ---------------------------------------------------------


class Factory:
    def __init__(self, app):
        self.app = app
        self._n = 0

    def _next(self) -> int:
        self._n += 1
        return self._n

    def org(self, kind: str = "city", **fields) -> Organization:
        n = self._next()
        data = {
            "kind": kind,
            "name": fields.pop("name", f"Test {kind.title()} {n}"),
            "country": fields.pop("country", "KR"),
            "region": fields.pop("region", "asia"),
            **fields,
        }
        org = member_services.create_organization_record(OrganizationInput(**data).model_dump())
        _db.session.commit()
        return org

    def user(
        self,
        org: Organization | None = None,
        *,
        role: str = "member",
        official: bool = False,
        status: UserStatus = UserStatus.ACTIVE,
        email: str | None = None,
        name: str | None = None,
    ) -> User:
        n = self._next()
        user = account_services.create_user(
            email=email or f"person{n}@example.org",
            name=name or f"Person {n}",
            password=PASSWORD,
            organization_id=org.id if org else None,
            org_role=OrgRole(role),
            is_official=official,
            status=status,
        )
        _db.session.commit()
        return user


# ---- signing in ---------------------------------------------------------------------------

_CSRF = re.compile(
    r'name="csrf_token" type="hidden" value="([^"]+)"|'
    r'name="csrf_token" value="([^"]+)"'
)


def csrf_token(client, path: str = "/login") -> str:
    html = client.get(path).get_data(as_text=True)
    match = _CSRF.search(html)
    assert match, f"no CSRF token on {path}"
    return match.group(1) or match.group(2)


def login(client, user_or_email, password: str = PASSWORD):
    email = getattr(user_or_email, "email", user_or_email)
    token = csrf_token(client)
    return client.post("/login", data={"email": email, "password": password, "csrf_token": token})


def signed_in(app, user) -> object:
    client = app.test_client()
    response = login(client, user)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return client


def bearer(client, user, password: str = PASSWORD) -> dict[str, str]:
    response = client.post("/api/v1/tokens", json={"email": user.email, "password": password})
    assert response.status_code == 201, response.get_json()
    return {"Authorization": f"Bearer {response.get_json()['token']}"}


# ---- the API's declared operations --------------------------------------------------------


def api_operations() -> list:
    """Every operation declared with ``operation(...)``, for parametrising tests at collection
    time (before an app is created): imports each feature's api module, which declares them."""
    import importlib
    import pkgutil
    from pathlib import Path

    from seoul_platform import api

    root = Path(api.__file__).parent
    for module in pkgutil.iter_modules([str(root)]):
        if module.ispkg and (root / module.name / "api.py").exists():
            importlib.import_module(f"seoul_platform.{module.name}.api")
    return list(api.OPERATIONS)
