"""Browser tests: the real app served over HTTP on loopback, driven by headless Chromium.

The live server has its own app instance and its own SQLite file (not the `app` fixture of
tests/conftest.py, whose tables are emptied after every test), seeded once per session
through services. Chromium is Debian's (`/usr/bin/chromium`); when it is missing the tests
skip — or fail when SEOUL_REQUIRE contains "browser" (CI).
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from browser.browsing import sign_in
from sqlalchemy import func, select
from werkzeug.serving import make_server

from seoul_platform.accounts.models import OrgRole
from seoul_platform.app import create_app
from seoul_platform.config import TestConfig
from seoul_platform.db import db
from seoul_platform.members import services as member_services
from seoul_platform.members.models import Organization
from seoul_platform.members.schemas import AwardInput, OrganizationInput
from seoul_platform.onboarding import services as onboarding
from support import PASSWORD, Factory, require_or_skip

HERE = Path(__file__).resolve().parent
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def pytest_collection_modifyitems(config, items):
    """Every test under tests/browser carries the `browser` marker (so `-m 'not browser'`
    leaves them out), whoever writes the next module here."""
    for item in items:
        if HERE in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.browser)


# ---- the live server ------------------------------------------------------------------------


@dataclass
class Seeded:
    """Who and what exists in the live server's database (for tests to navigate to)."""

    emails: dict[str, str] = field(default_factory=dict)  # role -> e-mail
    city_id: int = 0
    company_id: int = 0
    org_count: int = 0


@dataclass
class LiveServer:
    url: str
    app: object
    seeded: Seeded

    def __call__(self, path: str) -> str:
        return self.url + path


def _seed(app) -> Seeded:
    """The demo data set, plus organisations and accounts the tests know by name (they sign
    in with the shared test password): a city with awards, a company, a pending application
    and an open invitation."""
    from seoul_platform import demo

    seeded = Seeded()
    make = Factory(app)
    with app.app_context():
        demo.seed_demo()
        db.session.commit()
        official = make.user(official=True, email="official@browser.example", name="Kim Official")
        city = make.org(
            "city",
            name="Testville Browser City",
            country="DK",
            region="europe",
            sectors=["welfare", "mobility"],
            technologies=["digital twin", "open data"],
            description="A city that tests its services with real people.",
            challenges=["Ageing population", "Winter road safety"],
            development_stage=3,
            population=204_000,
            languages=["da", "en"],
            website="https://testville.example",
        )
        for year, category, title in [
            (2023, "tech_innovacity", "Digital twin of the harbour"),
            (2024, "human_centricity", "Welfare on wheels"),
        ]:
            member_services.record_award(
                official,
                city.id,
                AwardInput(year=year, category=category, project_title=title),
            )
        company = make.org(
            "company",
            name="Acme Browser Twins",
            country="KR",
            region="asia",
            sectors=["environment"],
            technologies=["digital twin"],
            size="sme",
        )
        for n, (kind, country, region, sector) in enumerate(
            [
                ("city", "KE", "africa", "safety"),
                ("company", "BR", "latin_america", "energy"),
                ("institution", "US", "north_america", "governance"),
                ("city", "AU", "oceania", "culture"),
                ("company", "AE", "middle_east", "mobility"),
            ],
            start=1,
        ):
            make.org(
                kind,
                name=f"Browser {kind.title()} {n}",
                country=country,
                region=region,
                sectors=[sector],
            )
        admin = make.user(city, role="admin", email="admin@browser-city.example", name="Ada Admin")
        member = make.user(
            city, role="member", email="member@browser-city.example", name="Mo Member"
        )
        make.user(company, role="admin", email="admin@browser-twins.example", name="Cy Company")
        # A pending application (join requests page, outbox) and an open invitation.
        onboarding.apply_to_join(
            OrganizationInput(
                kind="institution",
                name="Institute of Pending Studies",
                country="FR",
                region="europe",
                sectors=["governance"],
            ).model_dump(),
            name="Pat Pending",
            email="pending@browser-institute.example",
            password=PASSWORD,
            motivation="We research open data and would like to share it with winning cities.",
        )
        onboarding.create_invitation(
            official,
            email="invitee@browser-city.example",
            organization_id=city.id,
            org_role=OrgRole.MEMBER,
        )
        db.session.commit()
        seeded.emails = {
            "official": official.email,
            "admin": admin.email,
            "member": member.email,
            "pending": "pending@browser-institute.example",
        }
        seeded.city_id = city.id
        seeded.company_id = company.id
        seeded.org_count = db.session.scalar(select(func.count(Organization.id))) or 0
    return seeded


@pytest.fixture(scope="session")
def live_server() -> Iterator[LiveServer]:
    tmp_dir = Path(tempfile.mkdtemp(prefix="seoul-browser-"))

    class BrowserConfig(TestConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_dir / 'browser.db'}"
        # All sign-ins come from 127.0.0.1 through the real form; the production limits
        # (30 per IP per 10 minutes) are tested in tests/accounts.
        LOGIN_LIMIT_PER_IP = "10000 per minute"
        LOGIN_LIMIT_PER_ACCOUNT = "10000 per minute"
        LOGIN_LIMIT_PER_ACCOUNT_CEILING = "10000 per minute"

    application = create_app(BrowserConfig)
    with application.app_context():
        db.create_all()
    seeded = _seed(application)
    server = make_server("127.0.0.1", 0, application, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(f"http://127.0.0.1:{server.server_port}", application, seeded)
    finally:
        server.shutdown()
        thread.join(timeout=10)
        with application.app_context():
            db.session.remove()
            db.engine.dispose()
        shutil.rmtree(tmp_dir, ignore_errors=True)


# ---- Chromium -------------------------------------------------------------------------------


def _chromium_path() -> str | None:
    candidate = os.environ.get("CHROMIUM_PATH") or "/usr/bin/chromium"
    if Path(candidate).exists():
        return candidate
    return shutil.which("chromium")


@pytest.fixture(scope="session")
def browser():
    executable = _chromium_path()
    if executable is None:
        require_or_skip(
            "browser",
            "Chromium is not installed (apt-get install chromium chromium-driver); "
            "browser tests need /usr/bin/chromium",
        )
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:  # the [test] extra is missing
        require_or_skip("browser", f"playwright is not installed: {exc}")
    manager = sync_playwright().start()
    try:
        chromium = manager.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS
        )
    except Exception as exc:  # a broken install: say why, skip or fail per SEOUL_REQUIRE
        manager.stop()
        require_or_skip("browser", f"Chromium at {executable} does not start: {exc}")
    yield chromium
    chromium.close()
    manager.stop()


@pytest.fixture
def new_context(browser, live_server):
    """Factory for fresh browser contexts (own cookies); all are closed after the test."""
    made = []

    def build(**options):
        options.setdefault("base_url", live_server.url)
        options.setdefault("viewport", {"width": 1280, "height": 900})
        context = browser.new_context(**options)
        context.set_default_timeout(10_000)
        made.append(context)
        return context

    yield build
    for context in made:
        context.close()


@pytest.fixture
def page(new_context):
    return new_context().new_page()


@pytest.fixture(scope="session")
def signed_in_state(browser, live_server):
    """`signed_in_state(role)` → cookies of a session opened through the real login form,
    once per role per test session (the browser tests would otherwise spend most of their
    time signing in). No test signs these sessions out."""
    states: dict[str, dict] = {}

    def get(role: str) -> dict:
        if role not in states:
            context = browser.new_context(base_url=live_server.url)
            try:
                sign_in(context.new_page(), live_server, role)
                states[role] = context.storage_state()
            finally:
                context.close()
        return states[role]

    return get


@pytest.fixture
def page_as(new_context, signed_in_state):
    """`page_as(role, **context_options)` → a page in a fresh context, signed in as that role
    ("anonymous": not signed in)."""

    def build(role: str, **options):
        if role != "anonymous":
            options["storage_state"] = signed_in_state(role)
        return new_context(**options).new_page()

    return build
