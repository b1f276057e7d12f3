"""Enrollment through HTTP against a real multi-threaded server: gunicorn (two worker
processes of eight threads) started from a clean environment, on a migrated database. 40
people post ``/api/v1/cohorts/{id}/enrollments`` with their bearer tokens at once into 10
seats → 201 for all (no 5xx), 10 enrolled and 30 waitlisted, tickets 1..40 with the enrolled
holding the ten lowest, and the seat counter equal to the holders.

On file SQLite always; on PostgreSQL when TEST_DATABASE_URL points at a server (a database of
its own, created and dropped here); SEOUL_REQUIRE=postgres turns the skip into a failure."""

from __future__ import annotations

import http.client
import json
import os
import secrets
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from support import require_or_skip

pytestmark = pytest.mark.slow  # two servers started, migrated and raced: about a minute

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
HOST = "platform.example.org"
PEOPLE, SEATS = 40, 10

SEED = """
import json, sys
from datetime import date, timedelta
from wsgi import app
from seoul_platform.accounts import services as accounts
from seoul_platform.db import db, unit_of_work, utcnow
from seoul_platform.members import services as members
from seoul_platform.members.schemas import OrganizationInput
from seoul_platform.training.models import Cohort, Programme

with app.app_context(), unit_of_work(write=True):
    programme = Programme(title="Capacity-Building Training 2027", year=2027)
    db.session.add(programme)
    db.session.flush()
    cohort = Cohort(
        programme_id=programme.id, title="Race cohort", status="published",
        starts_on=date.today() + timedelta(days=60), ends_on=date.today() + timedelta(days=64),
        capacity=%(seats)d, application_deadline=utcnow() + timedelta(days=30),
    )
    db.session.add(cohort)
    db.session.flush()
    tokens = []
    for n in range(%(people)d):
        org = members.create_organization_record(OrganizationInput(
            kind="city", name=f"Race City {n}", country="DK", region="europe").model_dump())
        user = accounts.create_user(
            email=f"racer{n}@example.org", name=f"Racer {n}", password=None,
            organization_id=org.id)
        tokens.append(accounts.issue_api_token(user)[0])
    cohort_id = cohort.id
print(json.dumps({"cohort_id": cohort_id, "tokens": tokens}))
"""

CHECK = """
import json
from sqlalchemy import select
from wsgi import app
from seoul_platform.db import db
from seoul_platform.training.models import Cohort, Enrollment

with app.app_context():
    cohort = db.session.get(Cohort, %(cohort_id)d)
    rows = db.session.execute(select(Enrollment.ticket, Enrollment.status)
        .where(Enrollment.cohort_id == cohort.id).order_by(Enrollment.ticket)).all()
    print(json.dumps({"seats_taken": cohort.seats_taken,
                      "rows": [[t, str(s.value)] for t, s in rows]}))
"""


def _env(tmp_path: Path, database_url: str) -> dict[str, str]:
    return {
        "PATH": f"{BIN}:/usr/bin:/bin",
        "HOME": str(tmp_path),
        "LANG": "C.UTF-8",
        "SEOUL_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(36),
        "DATABASE_URL": database_url,
        "SEOUL_INSTANCE_DIR": str(tmp_path / "instance"),
        "TRUSTED_HOSTS": HOST,
        "TRUSTED_PROXIES": "1",
        "PUBLIC_BASE_URL": f"https://{HOST}",
    }


def _run(env, *args, stdin=None) -> str:
    done = subprocess.run(
        args, cwd=ROOT, env=env, input=stdin, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _race_through_gunicorn(tmp_path: Path, database_url: str) -> None:
    env = _env(tmp_path, database_url)
    _run(env, str(BIN / "flask"), "--app", "wsgi", "db", "upgrade")
    seed = json.loads(
        _run(env, sys.executable, "-c", SEED % {"seats": SEATS, "people": PEOPLE}).splitlines()[-1]
    )
    port = _free_port()
    log = (tmp_path / "gunicorn.log").open("w")
    server = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            *("-w", "2", "-k", "gthread", "--threads", "8"),
            *("-b", f"127.0.0.1:{port}", "wsgi:app"),
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )

    def request(method, path, headers=None, body=None):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            response = conn.getresponse()
            return response.status, response.read().decode()
        finally:
            conn.close()

    try:
        end = time.monotonic() + 90
        while True:
            assert server.poll() is None, (tmp_path / "gunicorn.log").read_text()
            try:
                if request("GET", "/healthz", {"Host": HOST})[0] == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < end, "gunicorn did not answer"
            time.sleep(0.2)

        barrier = threading.Barrier(PEOPLE)
        results: list[tuple[int, str]] = []
        lock = threading.Lock()

        def apply(token):
            headers = {
                "Host": HOST,
                "X-Forwarded-Proto": "https",
                "Authorization": f"Bearer {token}",
                "Content-Type": "application/json",
            }
            barrier.wait()
            try:
                outcome = request(
                    "POST",
                    f"/api/v1/cohorts/{seed['cohort_id']}/enrollments",
                    headers,
                    json.dumps({"motivation": "To learn from Seoul."}),
                )
            except OSError as err:
                outcome = (0, repr(err))
            with lock:
                results.append(outcome)

        threads = [threading.Thread(target=apply, args=(t,)) for t in seed["tokens"]]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()

    statuses = sorted(status for status, _ in results)
    assert statuses == [201] * PEOPLE, [r for r in results if r[0] != 201][:3]
    answered = [json.loads(body)["status"] for _, body in results]
    assert sorted(answered) == ["enrolled"] * SEATS + ["waitlisted"] * (PEOPLE - SEATS)
    state = json.loads(
        _run(env, sys.executable, "-c", CHECK % {"cohort_id": seed["cohort_id"]}).splitlines()[-1]
    )
    assert state["seats_taken"] == SEATS
    assert [t for t, _ in state["rows"]] == list(range(1, PEOPLE + 1))
    assert [s for _, s in state["rows"]] == ["enrolled"] * SEATS + ["waitlisted"] * (PEOPLE - SEATS)


def test_forty_posts_into_ten_seats_on_sqlite(tmp_path):
    _race_through_gunicorn(tmp_path, f"sqlite:///{tmp_path / 'race.db'}")


@pytest.mark.postgres
def test_forty_posts_into_ten_seats_on_postgresql(tmp_path):
    base = os.environ.get("TEST_DATABASE_URL", "")
    if not base.startswith("postgresql"):
        require_or_skip("postgres", "TEST_DATABASE_URL does not point at PostgreSQL")
    url = make_url(base)
    name = f"{url.database}_gunicorn_{secrets.token_hex(3)}"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as err:  # no server, or no right to create a database
        admin.dispose()
        require_or_skip("postgres", f"cannot create a PostgreSQL database: {err}")
    try:
        _race_through_gunicorn(
            tmp_path, url.set(database=name).render_as_string(hide_password=False)
        )
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
