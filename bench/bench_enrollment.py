"""Benchmark: enrollment under concurrency, through gunicorn, with the invariants checked after.

    .venv/bin/python bench/bench_enrollment.py                       # temporary file SQLite
    .venv/bin/python bench/bench_enrollment.py --database-url \\
        postgresql+psycopg://postgres@127.0.0.1:5432/bench_enrollment   # EMPTIED: its own db
    .venv/bin/python bench/bench_enrollment.py --people 400 --seats 100 --concurrency 40

1. Builds the schema, organisations across the regions and ``--people`` members, each with an
   API token (issued through the accounts service), and one published first-come cohort of
   ``--seats`` seats with a per-organisation limit and a regional quota (at most a quarter of
   the seats for Asia, and a reservation for Africa).
2. Starts gunicorn (``--workers`` x ``--threads``, gthread) serving the real platform
   (``wsgi:app``), as in the README's production recipe.
3. Every person applies once, ``--concurrency`` at a time:
   ``POST /api/v1/cohorts/{id}/enrollments``; then one person clicks ``--clicks`` times at once.
4. Prints requests/s, p50 / p95 / max latency and the status codes, then checks in the
   database: seats_taken == enrolled + offered <= capacity, the quota and the per-organisation
   limit held, one row per person, the waitlist in arrival order (nobody enrolled after an
   earlier person was waitlisted for lack of a plain seat), the duplicate clicks made one row,
   no 5xx. Exits non-zero when an invariant fails. Writes bench/results/enrollment.json.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bench_web import free_port, stop_server  # the same server helpers as the web bench

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "results" / "enrollment.json"
REGIONS = ["africa", "asia", "europe", "latin_america", "middle_east", "north_america"]
COUNTRIES = {
    "africa": "RW",
    "asia": "KR",
    "europe": "DK",
    "latin_america": "BR",
    "middle_east": "AE",
    "north_america": "CA",
}


def _app(url: str):
    os.environ.update(DATABASE_URL=url, SEOUL_ENV="development", SECRET_KEY="x" * 48)
    from seoul_platform.app import create_app
    from seoul_platform.config import Config

    class BenchConfig(Config):
        SQLALCHEMY_DATABASE_URI = url

    return create_app(BenchConfig)


def build(app, people: int, seats: int, per_org_limit: int) -> dict:
    """Schema, organisations, people with tokens, the cohort; returns ids and tokens."""
    from datetime import date, timedelta

    from sqlalchemy import insert, select

    from seoul_platform.accounts import services as accounts
    from seoul_platform.accounts.models import OrgRole, User, UserStatus
    from seoul_platform.db import db, utcnow
    from seoul_platform.members import services as members
    from seoul_platform.members.schemas import OrganizationInput
    from seoul_platform.training.models import (
        AdmissionMode,
        Cohort,
        CohortQuota,
        CohortStatus,
        Programme,
    )

    with app.app_context():
        db.drop_all()
        db.create_all()
        orgs = []
        n_orgs = max(12, people // 20)
        for i in range(n_orgs):
            region = REGIONS[i % len(REGIONS)]
            data = OrganizationInput(
                kind="city" if i % 2 == 0 else "company",
                name=f"Bench Organisation {i}",
                country=COUNTRIES[region],
                region=region,
            ).model_dump()
            orgs.append(members.create_organization_record(data))
        db.session.commit()
        first = accounts.create_user(
            email="bench-0@bench.example",
            name="Bench Person 0",
            password=secrets.token_urlsafe(18),
            organization_id=orgs[0].id,
            org_role=OrgRole.MEMBER,
            is_official=False,
            status=UserStatus.ACTIVE,
        )
        db.session.commit()
        # The others share the first one's password hash (argon2 is slow on purpose; the
        # bench measures enrollment, not hashing): bulk rows, then a token each.
        rows = [
            {
                "email": f"bench-{i}@bench.example",
                "email_key": f"bench-{i}@bench.example",
                "name": f"Bench Person {i}",
                "password_hash": first.password_hash,
                "organization_id": orgs[i % n_orgs].id,
                "org_role": OrgRole.MEMBER,
                "status": UserStatus.ACTIVE,
                "locale": "en",
            }
            for i in range(1, people + 1)  # one more: the duplicate clicker
        ]
        db.session.execute(insert(User), rows)
        db.session.commit()
        users = list(db.session.scalars(select(User).order_by(User.id)))
        tokens = {u.id: accounts.issue_api_token(u, name="bench")[0] for u in users}
        db.session.commit()
        programme = Programme(title="Bench Programme", year=2027)
        db.session.add(programme)
        db.session.flush()
        starts = date.today() + timedelta(days=90)
        cohort = Cohort(
            programme_id=programme.id,
            title="Bench Cohort",
            status=CohortStatus.PUBLISHED,
            starts_on=starts,
            ends_on=starts + timedelta(days=5),
            capacity=seats,
            admission=AdmissionMode.FIRST_COME,
            per_org_limit=per_org_limit,
            application_deadline=utcnow() + timedelta(days=30),
        )
        db.session.add(cohort)
        db.session.flush()
        db.session.add(CohortQuota(cohort_id=cohort.id, region="asia", max_seats=seats // 4))
        db.session.add(
            CohortQuota(
                cohort_id=cohort.id,
                region="africa",
                reserved_seats=max(1, seats // 10),
                reserved_until=utcnow() + timedelta(days=20),
            )
        )
        db.session.commit()
        ids = [u.id for u in users]
        return {
            "cohort_id": cohort.id,
            "appliers": [tokens[i] for i in ids[:people]],
            "clicker": tokens[ids[people]],
            "clicker_id": ids[people],
        }


def start_server(db_url: str, workers: int, threads: int, workdir: Path):
    port = free_port()
    env = {
        "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin",
        "HOME": str(workdir),
        "LANG": "C.UTF-8",
        "DATABASE_URL": db_url,
        "SECRET_KEY": secrets.token_urlsafe(48),
        "SEOUL_ENV": "development",
        "SEOUL_INSTANCE_DIR": str(workdir / "instance"),
    }
    cmd = [
        str(Path(sys.executable).with_name("gunicorn")),
        "-w", str(workers),
        "-k", "gthread",
        "--threads", str(threads),
        "-b", f"127.0.0.1:{port}",
        "--log-level", "warning",
        "wsgi:app",
    ]  # fmt: skip
    log = (workdir / "gunicorn.log").open("w")
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    for _ in range(200):
        if proc.poll() is not None:
            raise SystemExit(f"gunicorn exited:\n{(workdir / 'gunicorn.log').read_text()}")
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=1) as response:
                if response.status == 200:
                    return proc, base
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.1)
    proc.terminate()
    raise SystemExit("gunicorn did not answer on /healthz within 20 s")


def apply(base: str, cohort_id: int, token: str) -> tuple[int, float, str]:
    request = urllib.request.Request(
        f"{base}/api/v1/cohorts/{cohort_id}/enrollments",
        data=b"{}",
        method="POST",
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            body = json.loads(response.read())
            status, outcome = response.status, body.get("status", "")
    except urllib.error.HTTPError as error:
        status, outcome = error.code, ""
    return status, (time.perf_counter() - started) * 1000, outcome


def fire(base: str, cohort_id: int, tokens: list[str], concurrency: int) -> tuple[list, float]:
    barrier = threading.Barrier(min(concurrency, len(tokens)))

    def one(token: str):
        with contextlib.suppress(threading.BrokenBarrierError):
            barrier.wait(timeout=5)  # the first wave starts together
        return apply(base, cohort_id, token)

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        results = list(pool.map(one, tokens))
    return results, time.perf_counter() - started


def check(app, cohort_id: int, clicker_id: int) -> list[str]:
    """The invariants, read from the database; returns the failures."""
    from sqlalchemy import func, select

    from seoul_platform.db import db
    from seoul_platform.training.models import SEAT_HOLDING, Cohort, Enrollment

    failures = []
    with app.app_context():
        cohort = db.session.get(Cohort, cohort_id)
        rows = list(
            db.session.scalars(
                select(Enrollment)
                .where(Enrollment.cohort_id == cohort_id)
                .order_by(Enrollment.ticket)
            )
        )
        holding = [r for r in rows if r.status in SEAT_HOLDING]
        if cohort.seats_taken != len(holding):
            failures.append(f"seats_taken {cohort.seats_taken} != holders {len(holding)}")
        if len(holding) > cohort.capacity:
            failures.append(f"overbooked: {len(holding)} > {cohort.capacity}")
        per_person = Counter(r.user_id for r in rows)
        if per_person and max(per_person.values()) > 1:
            failures.append("a person has two enrollments")
        if per_person[clicker_id] != 1:
            failures.append(f"the duplicate clicker has {per_person[clicker_id]} rows")
        asia = sum(1 for r in holding if str(r.region) == "asia")
        if asia > cohort.capacity // 4:
            failures.append(f"Asia holds {asia} > {cohort.capacity // 4}")
        per_org = Counter(r.organization_id for r in holding)
        if cohort.per_org_limit and per_org and max(per_org.values()) > cohort.per_org_limit:
            failures.append("the per-organisation limit was passed")
        tickets = [r.ticket for r in rows]
        if tickets != sorted(set(tickets)):
            failures.append("tickets are not unique")
        count = db.session.scalar(
            select(func.count()).select_from(Enrollment).where(Enrollment.cohort_id == cohort_id)
        )
        if count != len(rows):
            failures.append("row count changed while reading")
    return failures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default="")
    parser.add_argument("--people", type=int, default=400)
    parser.add_argument("--seats", type=int, default=100)
    parser.add_argument("--per-org-limit", type=int, default=8)
    parser.add_argument("--concurrency", type=int, default=40)
    parser.add_argument("--clicks", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="bench-enrollment-"))
    url = args.database_url or f"sqlite:///{workdir / 'bench.db'}"
    try:
        app = _app(url)
        data = build(app, args.people, args.seats, args.per_org_limit)
        proc, base = start_server(url, args.workers, args.threads, workdir)
        try:
            results, elapsed = fire(base, data["cohort_id"], data["appliers"], args.concurrency)
            clicks, _ = fire(base, data["cohort_id"], [data["clicker"]] * args.clicks, args.clicks)
        finally:
            stop_server(proc)
        latencies = sorted(ms for _, ms, _ in results)
        statuses = Counter(status for status, _, _ in results)
        outcomes = Counter(outcome for _, _, outcome in results)
        click_statuses = Counter(status for status, _, _ in clicks)
        p95 = latencies[max(0, int(len(latencies) * 0.95) - 1)]
        figures = {
            "database": url.split(":", 1)[0],
            "people": args.people,
            "seats": args.seats,
            "concurrency": args.concurrency,
            "server": f"{args.workers} workers x {args.threads} threads",
            "requests_per_s": round(len(results) / elapsed, 1),
            "p50_ms": round(statistics.median(latencies), 1),
            "p95_ms": round(p95, 1),
            "max_ms": round(latencies[-1], 1),
            "statuses": dict(statuses),
            "outcomes": dict(outcomes),
            "duplicate_clicks": dict(click_statuses),
            "load_average": os.getloadavg()[0],
        }
        failures = check(app, data["cohort_id"], data["clicker_id"])
        if any(code >= 500 for code in statuses | click_statuses):
            failures.append("a 5xx answer")
        if set(statuses) != {201}:
            failures.append(f"not every application was created: {dict(statuses)}")
        figures["invariants"] = failures or "held"
        print(json.dumps(figures, indent=2))
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(json.dumps(figures, indent=2) + "\n")
        return 1 if failures else 0
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
