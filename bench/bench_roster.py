"""Benchmark: a cohort with 5,000 applicants — the officials' applications page, the
attendance roster, completion, the cohort page, the API list and the CSV exports —
in-process (Flask test client signed in as an official; no server).

    .venv/bin/python bench/bench_roster.py                               # temporary SQLite
    .venv/bin/python bench/bench_roster.py --database-url \\
        postgresql+psycopg://postgres@127.0.0.1:5432/bench_roster        # EMPTIED: its own db
    .venv/bin/python bench/bench_roster.py --applicants 500 --repeat 30

Builds the schema, 300 organisations across every region and kind, an official, then one
reviewed cohort with ``--applicants`` people in every enrollment state (mostly applied; 400
enrolled or offered within the capacity, a waitlist, rejections, withdrawals), eight sessions
and the enrolled people's attendance (bulk inserts: bench data, not service-made, with the
seat counter and tickets consistent). For each path: best, p50 and p95 of ``--repeat``
requests after a warm-up and the SQL statements one request runs (they must not grow with
``--applicants``); for the CSV exports their time, bytes and rows. Prints the load average.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from bench_pilots import PASSWORD, _app, count_queries, p95, signed_in, time_path

REGIONS = ["africa", "asia", "europe", "latin_america", "middle_east", "north_america", "oceania"]
COUNTRIES = ["RW", "KR", "DK", "BR", "AE", "CA", "FJ"]
KINDS = ["city", "company", "institution"]
CAPACITY = 400
SESSIONS = 8


def _status(i: int) -> str:
    """The state of the i-th applicant (1-based, ticket order): the first CAPACITY hold a seat
    (a few of them as pending offers), then a waitlist, rejections and withdrawals among the
    many applications still to decide."""
    if i <= CAPACITY:
        return "offered" if i % 50 == 0 else "enrolled"
    if i % 10 == 1:
        return "waitlisted"
    if i % 10 == 2:
        return "rejected"
    if i % 10 == 3:
        return "withdrawn"
    return "applied"


def build(app, applicants: int) -> dict:
    from sqlalchemy import insert, text

    from seoul_platform.accounts import services as accounts
    from seoul_platform.accounts.models import OrgRole, User, UserStatus
    from seoul_platform.db import db
    from seoul_platform.members.models import Organization
    from seoul_platform.training.models import (
        Attendance,
        Cohort,
        Enrollment,
        Programme,
        TrainingSession,
    )

    now = datetime.now(UTC)
    with app.app_context():
        db.drop_all()
        db.create_all()
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
        n_orgs = 300
        orgs = [
            {
                "id": k,
                "kind": KINDS[k % 3],
                "name": f"Bench Organisation {k}",
                "name_key": f"bench organisation {k}",
                "country": COUNTRIES[k % len(COUNTRIES)],
                "region": REGIONS[k % len(REGIONS)],
                "status": "active",
            }
            for k in range(1, n_orgs + 1)
        ]
        db.session.execute(insert(Organization.__table__), orgs)
        password_hash = db.session.scalar(db.select(User.password_hash).limit(1))
        people = [
            {
                "id": 1000 + i,
                "email": f"person{i}@bench.example",
                "email_key": f"person{i}@bench.example",
                "name": f"Bench Person {i}",
                "password_hash": password_hash,
                "organization_id": 1 + i % n_orgs,
                "status": "active",
            }
            for i in range(1, applicants + 1)
        ]
        for start in range(0, len(people), 2000):
            db.session.execute(insert(User.__table__), people[start : start + 2000])
        programme = Programme(title="Bench Programme 2027", year=2027)
        db.session.add(programme)
        db.session.flush()
        starts = date.today() + timedelta(days=5)
        statuses = [_status(i) for i in range(1, applicants + 1)]
        holders = sum(s in ("enrolled", "offered") for s in statuses)
        cohort = Cohort(
            programme_id=programme.id,
            title="Bench cohort",
            status="in_progress",
            admission="reviewed",
            starts_on=starts,
            ends_on=starts + timedelta(days=SESSIONS // 2),
            address="Seoul",
            capacity=CAPACITY,
            seats_taken=holders,
            next_ticket=applicants + 1,
        )
        db.session.add(cohort)
        db.session.flush()
        sessions = []
        for k in range(SESSIONS):
            on = starts + timedelta(days=k // 2)
            hour = 9 if k % 2 == 0 else 14
            session = TrainingSession(
                cohort_id=cohort.id,
                title=f"Session {k + 1}",
                starts_at=datetime(on.year, on.month, on.day, hour, tzinfo=UTC),
                ends_at=datetime(on.year, on.month, on.day, hour + 2, tzinfo=UTC),
            )
            db.session.add(session)
            sessions.append(session)
        db.session.flush()
        rows = []
        for i, status in enumerate(statuses, start=1):
            offered = status == "offered"
            rows.append(
                {
                    "id": i,
                    "cohort_id": cohort.id,
                    "user_id": 1000 + i,
                    "organization_id": 1 + i % n_orgs,
                    "region": REGIONS[(1 + i % n_orgs) % len(REGIONS)],
                    "status": status,
                    "ticket": i,
                    "motivation": "We are planning a city data platform and want to learn.",
                    "offered_at": now if offered else None,
                    "offer_expires_at": now + timedelta(hours=72) if offered else None,
                    "created_at": now - timedelta(minutes=applicants - i),
                    "updated_at": now,
                }
            )
        for start in range(0, len(rows), 2000):
            db.session.execute(insert(Enrollment.__table__), rows[start : start + 2000])
        marks = [
            {
                "session_id": session.id,
                "enrollment_id": row["id"],
                "status": "absent" if (row["id"] + k) % 9 == 0 else "present",
                "marked_at": now,
            }
            for k, session in enumerate(sessions[: SESSIONS // 2])
            for row in rows
            if row["status"] == "enrolled"
        ]
        for start in range(0, len(marks), 2000):
            db.session.execute(insert(Attendance.__table__), marks[start : start + 2000])
        db.session.commit()
        ids = {"cohort": cohort.id, "session": sessions[0].id, "holders": holders}
        if db.engine.dialect.name == "postgresql":
            for table, n in (("organizations", n_orgs), ("users", 1000 + applicants)):
                db.session.execute(text(f"SELECT setval('{table}_id_seq', {n})"))
            db.session.execute(text(f"SELECT setval('enrollments_id_seq', {applicants})"))
            db.session.commit()
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
                c.execute(text("VACUUM ANALYZE"))
        else:
            db.session.execute(text("ANALYZE"))
            db.session.commit()
        return ids


def export(client, path: str, repeat: int) -> tuple[list[float], int, int]:
    times, size, rows = [], 0, 0
    for _ in range(repeat):
        start = time.perf_counter()
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        size = rows = 0
        for chunk in response.response:
            data = chunk if isinstance(chunk, bytes) else chunk.encode()
            size += len(data)
            rows += data.count(b"\n")
        times.append((time.perf_counter() - start) * 1e3)
    return times, size, rows - 1


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", default="")
    parser.add_argument("--applicants", type=int, default=5_000)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="seoul-bench-roster-"))
    url = args.database_url or f"sqlite:///{workdir / 'bench.db'}"
    try:
        app = _app(url)
        start = time.perf_counter()
        ids = build(app, args.applicants)
        built = time.perf_counter() - start
        client = signed_in(app)
        print(" ".join(["$", "python", *sys.argv]))
        print(
            f"{app.config['SQLALCHEMY_DATABASE_URI'].split(':')[0]}: {args.applicants} "
            f"applicants, {ids['holders']} holding a seat, {SESSIONS} sessions "
            f"(built in {built:.1f} s); load average {os.getloadavg()[0]:.2f}"
        )
        cohort, session = ids["cohort"], ids["session"]
        applied = sum(_status(i) == "applied" for i in range(1, args.applicants + 1))
        deep = max(1, -(-applied // 50))  # the last page of the applications to decide
        paths = [
            f"/training/cohorts/{cohort}/applications",
            f"/training/cohorts/{cohort}/applications?status=applied",
            f"/training/cohorts/{cohort}/applications?status=applied&page={deep}",
            f"/training/sessions/{session}/attendance",
            f"/training/sessions/{session}/attendance?page={max(1, ids['holders'] // 50)}",
            f"/training/cohorts/{cohort}/completion",
            f"/training/cohorts/{cohort}",
            f"/api/v1/cohorts/{cohort}/enrollments?per_page=100",
            f"/api/v1/cohorts/{cohort}/mix",
        ]
        for path in paths:
            queries = count_queries(app, client, path)
            times = time_path(client, path, args.repeat)
            print(
                f"{path:<62} best {min(times):7.1f}  p50 {statistics.median(times):7.1f}  "
                f"p95 {p95(times):7.1f} ms  {queries:3d} queries"
            )
        for path in (
            f"/training/cohorts/{cohort}/roster.csv",
            f"/training/cohorts/{cohort}/attendance.csv",
        ):
            queries = count_queries(app, client, path)
            times, size, rows = export(client, path, max(3, args.repeat // 10))
            print(
                f"{path:<62} best {min(times):7.1f}  p50 {statistics.median(times):7.1f} ms  "
                f"{size / 1e3:.0f} kB  {rows} rows  {queries} queries"
            )
        print(f"load average at the end {os.getloadavg()[0]:.2f}")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
