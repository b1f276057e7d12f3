"""Shared fixtures: the app on SQLite (default) or PostgreSQL (TEST_DATABASE_URL), clients
signed in per role, factories that go through services, and a Socket.IO client.

Services that tests need but the machine lacks (PostgreSQL, Chromium) make their tests skip
with a reason — unless SEOUL_REQUIRE=postgres,browser is set (CI), in which case a missing
service fails the run instead of passing it silently.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from flask import has_app_context
from flask.testing import FlaskClient
from jinja2 import ChoiceLoader, DictLoader

from seoul_platform.accounts import passwords
from seoul_platform.accounts.models import User
from seoul_platform.app import create_app
from seoul_platform.config import TestConfig
from seoul_platform.db import db as _db
from seoul_platform.extensions import limiter, socketio
from seoul_platform.members.models import Organization
from support import TEST_MAIL_TEMPLATES, Factory, empty_tables, signed_in

# The storage_dir fixture (documents' own folder per test), for tests/documents and tests/pilots.
pytest_plugins = ["document_files"]

# Argon2 at production cost makes every sign-in ~50 ms; tests keep the algorithm (Argon2id)
# and lower the cost. tests/accounts/test_passwords.py checks the production parameters.
passwords._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
passwords._DUMMY_HASH = passwords._hasher.hash("dummy")


class IsolatedClient(FlaskClient):
    """Each request runs in its own app context, as in production: its own ``g`` and its own
    database session. The test's session is expired afterwards so it sees the request's
    commits."""

    def open(self, *args, **kwargs):
        # End the test's own transaction first (SQLite readers see a snapshot) and after.
        if has_app_context():
            _db.session.commit()
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        if has_app_context():
            _db.session.commit()
        return response


def _database_url(tmp_dir: Path) -> str:
    return os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{tmp_dir / 'test.db'}"


@pytest.fixture(scope="session")
def app():
    tmp_dir = Path(tempfile.mkdtemp(prefix="seoul-test-"))
    config = {"SQLALCHEMY_DATABASE_URI": _database_url(tmp_dir)}

    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = config["SQLALCHEMY_DATABASE_URI"]
        DOCUMENT_STORAGE_DIR = str(tmp_dir / "documents")

    application = create_app(Config)
    application.test_client_class = IsolatedClient
    application.jinja_env.loader = ChoiceLoader(
        [DictLoader(TEST_MAIL_TEMPLATES), application.jinja_env.loader]
    )
    with application.app_context():
        _db.drop_all()
        _db.create_all()
    yield application
    with application.app_context():
        _db.session.remove()
        _db.drop_all()
        _db.engine.dispose()


@pytest.fixture(autouse=True)
def _clean_state(request):
    """Empty every table and the rate-limit counters after each test that used the app.

    Before it, the task queue is put back in the suite's immediate mode: the queue is one
    object per process, and a test that builds a development or production app (e.g.
    tests/core/test_security.py) reconfigures it for that app's storage."""
    if "app" in request.fixturenames:
        from seoul_platform import jobs

        jobs.huey.immediate = True
    yield
    if "app" not in request.fixturenames:
        return
    application = request.getfixturevalue("app")
    with application.app_context():
        empty_tables()
    limiter.reset()


@pytest.fixture
def db(app) -> Iterator:
    with app.app_context():
        yield _db
        _db.session.remove()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def make(db, app) -> Factory:
    return Factory(app)


@pytest.fixture
def official(make) -> User:
    return make.user(official=True, email="official@seoul.example", name="Kim Official")


@pytest.fixture
def city(make) -> Organization:
    return make.org(
        "city",
        name="Testville",
        country="DK",
        region="europe",
        sectors=["welfare"],
        development_stage=3,
    )


@pytest.fixture
def company(make) -> Organization:
    return make.org(
        "company",
        name="Acme Twins",
        country="KR",
        region="asia",
        sectors=["environment"],
        technologies=["digital twin"],
        size="sme",
    )


@pytest.fixture
def city_admin(make, city) -> User:
    return make.user(city, role="admin", email="admin@testville.example", name="Ada Admin")


@pytest.fixture
def city_member(make, city) -> User:
    return make.user(city, role="member", email="member@testville.example", name="Mo Member")


@pytest.fixture
def company_admin(make, company) -> User:
    return make.user(company, role="admin", email="admin@acme.example", name="Cy Company")


@pytest.fixture
def official_client(app, official):
    return signed_in(app, official)


@pytest.fixture
def admin_client(app, city_admin):
    return signed_in(app, city_admin)


@pytest.fixture
def member_client(app, city_member):
    return signed_in(app, city_member)


@pytest.fixture
def socket_client_for(app):
    """Build a Socket.IO test client sharing a Flask test client's cookies."""
    made = []

    def build(flask_client):
        with app.app_context():  # its own context, so the connect handler sees its own user
            sc = socketio.test_client(app, flask_test_client=flask_client)
        made.append(sc)
        return sc

    yield build
    for sc in made:
        if sc.is_connected():
            sc.disconnect()
