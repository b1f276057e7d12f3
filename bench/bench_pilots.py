"""Benchmark: the officials' pipeline, its CSV export, the open calls and the API list with
10,000 pilot requests, in-process (Flask test client signed in as an official; no server).

    .venv/bin/python bench/bench_pilots.py                               # temporary SQLite
    .venv/bin/python bench/bench_pilots.py --database-url \\
        postgresql+psycopg://postgres@127.0.0.1:5432/bench_pilots        # EMPTIED: its own db
    .venv/bin/python bench/bench_pilots.py --requests 10000 --repeat 30

Builds the schema, 20 cities across the regions, an official and a member, then 10,000
requests spread over cities, types, sectors and every state (bulk inserts: bench data, not
service-made). For each path: best, p50 and p95 of ``--repeat`` requests after a warm-up,
the SQL statements one request runs, and for the full CSV export its bytes, rows and the
peak Python memory while it streams (tracemalloc). Prints the load average (the machine is
shared: compare runs made in the same conditions).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from pathlib import Path

PASSWORD = "bench-password-long-enough"  # noqa: S105 - a throwaway bench account
REGIONS = ["asia", "europe", "africa", "latin_america", "north_america", "oceania"]


def _app(url: str):
    os.environ.update(DATABASE_URL=url, SEOUL_ENV="development", SECRET_KEY="x" * 48)
    from seoul_platform.app import create_app
    from seoul_platform.config import Config

    class BenchConfig(Config):
        SQLALCHEMY_DATABASE_URI = url

    return create_app(BenchConfig)


def build(app, n: int) -> None:
    from sqlalchemy import insert, text

    from seoul_platform.accounts import services as accounts
    from seoul_platform.accounts.models import OrgRole, UserStatus
    from seoul_platform.db import db
    from seoul_platform.members import services as members
    from seoul_platform.members.schemas import OrganizationInput
    from seoul_platform.pilots.models import (
        PilotRequest,
        PilotRequestSector,
        PilotType,
        RequestStatus,
    )

    with app.app_context():
        db.drop_all()
        db.create_all()
        cities = []
        for i in range(20):
            data = {
                "kind": "city",
                "name": f"Bench City {i}",
                "country": "KR",
                "region": REGIONS[i % len(REGIONS)],
            }
            cities.append(
                members.create_organization_record(OrganizationInput(**data).model_dump()).id
            )
        accounts.create_user(
            email="official@bench.example",
            name="Bench Official",
            password=PASSWORD,
            organization_id=None,
            org_role=OrgRole.MEMBER,
            is_official=True,
            status=UserStatus.ACTIVE,
        )
        db.session.commit()
        types = [t.value for t in PilotType]
        states = [s.value for s in RequestStatus]
        sectors = _sectors()
        now = datetime.now(UTC)
        rows, sector_rows = [], []
        for i in range(1, n + 1):
            status = states[i % len(states)]
            submitted = None if status == "draft" else now - timedelta(days=i % 1500)
            opened = submitted + timedelta(days=10) if submitted and i % 3 else None
            rows.append(
                {
                    "id": i,
                    "city_id": cities[i % len(cities)],
                    "type": types[i % len(types)],
                    "status": status,
                    "title": f"Pilot request {i}: sensors for the {sectors[i % len(sectors)]}",
                    "challenge": "Residents miss appointments; the city wants to know why.",
                    "policy_needs": "",
                    "technologies": [],
                    "target_groups": [],
                    "languages": ["en"],
                    "budget_min": 50_000,
                    "budget_max": 150_000,
                    "currency": "EUR",
                    "deadline": now + timedelta(days=(i % 60) - 20) if opened else None,
                    "deadline_reason": "",
                    "submitted_at": submitted,
                    "opened_at": opened,
                    "publish_consent": False,
                    "is_demo": False,
                    "created_at": now,
                    "updated_at": now,
                }
            )
            sector_rows.append({"request_id": i, "sector": sectors[i % len(sectors)]})
            if i % 4 == 0:
                sector_rows.append({"request_id": i, "sector": sectors[(i + 3) % len(sectors)]})
        for start in range(0, n, 2000):
            db.session.execute(insert(PilotRequest.__table__), rows[start : start + 2000])
        for start in range(0, len(sector_rows), 2000):
            db.session.execute(
                insert(PilotRequestSector.__table__), sector_rows[start : start + 2000]
            )
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            db.session.execute(text("SELECT setval('pilot_requests_id_seq', :n)"), {"n": n})
            db.session.commit()
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
                c.execute(text("VACUUM ANALYZE"))
        else:
            db.session.execute(text("ANALYZE"))
            db.session.commit()


def _sectors() -> list[str]:
    from seoul_platform.pilots.models import PilotRequestSector

    return list(PilotRequestSector.__table__.c.sector.type.enums)


def signed_in(app):
    client = app.test_client()
    html = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
    response = client.post(
        "/login",
        data={"email": "official@bench.example", "password": PASSWORD, "csrf_token": token},
    )
    if response.status_code != 302:
        raise SystemExit(f"sign-in failed: HTTP {response.status_code}")
    return client


def count_queries(app, client, path: str) -> int:
    from sqlalchemy import event

    from seoul_platform.db import db

    with app.app_context():
        engine = db.engine
    seen = []

    def on_execute(*_args):
        seen.append(1)

    event.listen(engine, "before_cursor_execute", on_execute)
    try:
        client.get(path).get_data()
    finally:
        event.remove(engine, "before_cursor_execute", on_execute)
    return len(seen)


def time_path(client, path: str, repeat: int) -> list[float]:
    for _ in range(3):
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        response.get_data()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        client.get(path).get_data()
        times.append((time.perf_counter() - start) * 1e3)
    return times


def p95(times: list[float]) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", default="")
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="seoul-bench-pilots-"))
    url = args.database_url or f"sqlite:///{workdir / 'bench.db'}"
    try:
        app = _app(url)
        start = time.perf_counter()
        build(app, args.requests)
        built = time.perf_counter() - start
        client = signed_in(app)
        print(" ".join(["$", "python", *sys.argv]))
        print(
            f"{app.config['SQLALCHEMY_DATABASE_URI'].split(':')[0]}: {args.requests} requests "
            f"(built in {built:.1f} s); load average {os.getloadavg()[0]:.2f}"
        )
        last_page = (args.requests * 10 // 11) // 20  # deep: near the end of the non-drafts
        paths = [
            "/pilots/pipeline",
            "/pilots/pipeline?status=open&type=pilot_implementation",
            "/pilots/pipeline?sector=welfare&region=europe&year=2025",
            "/pilots/pipeline?q=sensors+welfare",
            f"/pilots/pipeline?page={last_page}",
            "/pilots/calls",
            "/api/v1/pilot-requests",
        ]
        for path in paths:
            queries = count_queries(app, client, path)
            times = time_path(client, path, args.repeat)
            print(
                f"{path:<58} best {min(times):7.1f}  p50 {statistics.median(times):7.1f}  "
                f"p95 {p95(times):7.1f} ms  {queries:3d} queries"
            )
        # The full export: time, size, rows and the peak Python memory while it streams.
        path = "/pilots/pipeline.csv"
        queries = count_queries(app, client, path)
        times = []
        for i in range(max(3, args.repeat // 10)):
            if i == 0:
                tracemalloc.start()
            start = time.perf_counter()
            response = client.get(path)
            size = rows = 0
            for chunk in response.response:
                data = chunk if isinstance(chunk, bytes) else chunk.encode()
                size += len(data)
                rows += data.count(b"\n")
            times.append((time.perf_counter() - start) * 1e3)
            if i == 0:
                _current, peak = tracemalloc.get_traced_memory()
                tracemalloc.stop()
        print(
            f"{path:<58} best {min(times):7.1f}  p50 {statistics.median(times):7.1f} ms "
            f"(first run traced)  {size / 1e6:.2f} MB  {rows - 1} rows  "
            f"peak {peak / 1e6:.1f} MB  {queries} queries"
        )
        print(f"load average at the end {os.getloadavg()[0]:.2f}")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
