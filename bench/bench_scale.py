"""Benchmark: how the signed-in pages grow with the data: 1x, 10x and 100x the demo set.

    .venv/bin/python bench/bench_scale.py                                 # SQLite, 1 10 100
    .venv/bin/python bench/bench_scale.py --database-url \\
        postgresql+psycopg://postgres@127.0.0.1:5432/bench_speed           # an EMPTY-able db
    .venv/bin/python bench/bench_scale.py --scale 1 10 --duration 3

For each scale N: builds the database of bench/bench_web.py (demo data topped up to 40
organisations, a member), then copies every organisation N-1 times with its sectors,
technologies and awards (bulk inserts: the copies are bench data, not service-made), so
47 organisations become 470 and 4,700. Starts the same gunicorn server as bench_web.py,
signs in, and measures each path with ONE wrk connection (p50 and p99: latency of a request
alone, not throughput). Prints the database's plan for the directory's text search with a
common word and with a rare one (in one demo organisation, so 1 in 47 at every scale): the
rare one must use the search index (FTS5 table on SQLite, pg_trgm index on PostgreSQL).

The PostgreSQL database given is emptied (all tables dropped) at each scale: use a database
of its own. Writes bench/results/scale.json.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_web

RESULTS = bench_web.HERE / "results" / "scale.json"


def _app(url: str):
    from seoul_platform.app import create_app
    from seoul_platform.config import Config

    class BenchConfig(Config):
        SQLALCHEMY_DATABASE_URI = url

    return create_app(BenchConfig)


def empty_database(url: str) -> None:
    from seoul_platform.db import db

    with _app(url).app_context():
        db.drop_all()
        db.engine.dispose()


def multiply(url: str, factor: int) -> int:
    """Copy every organisation ``factor - 1`` times (new names, same texts and tags)."""
    from sqlalchemy import func, insert, select

    from seoul_platform.db import db
    from seoul_platform.members.models import (
        Award,
        Organization,
        OrganizationSector,
        OrganizationTechnology,
    )
    from seoul_platform.text import skeleton_hash

    with _app(url).app_context():
        orgs = db.session.scalars(select(Organization).order_by(Organization.id)).all()
        columns = [c.key for c in Organization.__table__.columns if c.key != "id"]
        sectors = {o.id: [s.sector for s in o.sectors] for o in orgs}
        techs = {o.id: [t.technology for t in o.technologies] for o in orgs}
        awards = {
            o.id: [
                {"year": a.year, "category": a.category, "project_title": a.project_title}
                for a in o.awards
            ]
            for o in orgs
        }
        rows = [{c: getattr(o, c) for c in columns} for o in orgs]
        next_id = (db.session.scalar(select(func.max(Organization.id))) or 0) + 1
        for copy in range(1, factor):
            batch, tags, tech_rows, award_rows = [], [], [], []
            for org, row in zip(orgs, rows, strict=True):
                name = f"{row['name']} {copy + 1}"
                batch.append(
                    {
                        **row,
                        "id": next_id,
                        "name": name,
                        "name_key": f"{row['name_key']} {copy + 1}",
                        "name_skeleton": skeleton_hash(name),
                        "name_claim": skeleton_hash(name) if row["name_claim"] else None,
                        "search_text": f"{row['search_text']} {copy + 1}",
                    }
                )
                tags += [{"organization_id": next_id, "sector": s} for s in sectors[org.id]]
                tech_rows += [{"organization_id": next_id, "technology": t} for t in techs[org.id]]
                award_rows += [{"organization_id": next_id, **a} for a in awards[org.id]]
                next_id += 1
            db.session.execute(insert(Organization), batch)
            for model, values in (
                (OrganizationSector, tags),
                (OrganizationTechnology, tech_rows),
                (Award, award_rows),
            ):
                if values:
                    db.session.execute(insert(model), values)
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            # VACUUM too: rows bulk-inserted into a GIN index wait in its pending list, which
            # the planner rightly counts as slow to search (autovacuum merges it in time).
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql("VACUUM ANALYZE")
        else:
            with db.engine.begin() as conn:
                conn.exec_driver_sql("ANALYZE")
        total = db.session.scalar(select(func.count(Organization.id)))
        db.session.remove()
        db.engine.dispose()
    return total


def rare_word(url: str) -> str:
    """A word of five letters or more in exactly one demo organisation's text (so in 1 of
    every 47 at any scale): a selective search, the case an index is for."""
    from collections import Counter

    from sqlalchemy import select

    from seoul_platform.db import db
    from seoul_platform.members.models import Organization

    with _app(url).app_context():
        texts = db.session.scalars(select(Organization.search_text)).all()
        db.session.remove()
        db.engine.dispose()
    words = Counter(w for t in texts for w in set(t.split()) if len(w) >= 5 and w.isalpha())
    return min(w for w, n in words.items() if n == 1)


def search_plan(url: str, q: str) -> str:
    """The plan of the directory's text search (as a member searches) at this size."""
    from seoul_platform.db import db
    from seoul_platform.members import services
    from seoul_platform.members.schemas import DirectoryQuery

    with _app(url).app_context():
        stmt = services._directory_filter(None, DirectoryQuery(q=q))
        conn = db.session.connection()
        compiled = stmt.compile(dialect=conn.dialect, compile_kwargs={"render_postcompile": True})
        if conn.dialect.name == "sqlite":
            params = tuple(compiled.params[name] for name in compiled.positiontup)
            rows = conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}", params).all()
            plan = "\n".join(str(r[-1]) for r in rows)
        else:
            rows = conn.exec_driver_sql(f"EXPLAIN {compiled}", dict(compiled.params)).all()
            plan = "\n".join(r[0] for r in rows)
        db.session.remove()
        db.engine.dispose()
    return plan


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scale", type=int, nargs="+", default=[1, 10, 100])
    parser.add_argument("--database-url", default="", help="PostgreSQL (emptied!); else SQLite")
    parser.add_argument("--duration", type=int, default=5, help="seconds per path (5)")
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        print("wrk is not installed: sudo apt-get install -y wrk", file=sys.stderr)
        return 2

    report = []
    for factor in args.scale:
        workdir = Path(tempfile.mkdtemp(prefix="seoul-bench-scale-"))
        url = args.database_url or f"sqlite:///{workdir / 'bench.db'}"
        try:
            if args.database_url:
                empty_database(url)
            data = bench_web.build_database(url)
            rare = rare_word(url)  # before the copies: a word of one organisation
            total = multiply(url, factor)
            q = data["search"]["q"]
            plans = {q: search_plan(url, q), rare: search_plan(url, rare)}
            paths = [
                ("/directory", "directory"),
                (f"/directory?{urllib.parse.urlencode({'q': q})}", "directory, common word"),
                (f"/directory?{urllib.parse.urlencode({'q': rare})}", "directory, rare word"),
                (f"/organizations/{data['profile_id']}", "profile"),
                ("/api/v1/organizations", "API list"),
            ]
            load = os.getloadavg()[0]
            proc, base = bench_web.start_server(url, bench_web.free_port(), 2, 4, 8, workdir)
            rows = []
            try:
                cookie = bench_web.sign_in(base)
                for path, what in paths:
                    bench_web.check_path(base, path, cookie)
                    bench_web.run_wrk(base + path, cookie, 1, 1, 1)  # warm-up
                    result = bench_web.run_wrk(base + path, cookie, 1, 1, args.duration)
                    if result["non_2xx_3xx"] or result["socket_errors"]:
                        raise SystemExit(f"{path}: errors during the run")
                    rows.append(
                        {"path": path, "what": what, "p50_ms": result["p50_ms"],
                         "p99_ms": result["p99_ms"], "requests_per_s": result["requests_per_s"]}
                    )  # fmt: skip
            finally:
                bench_web.stop_server(proc)
        finally:
            shutil.rmtree(workdir, ignore_errors=True)
        entry = {
            "scale": factor,
            "organizations": total,
            "database": url.split(":", 1)[0],
            "searches": {"common": q, "rare": rare},
            "search_plans": plans,
            "load_average_1min": {"before": load, "after": os.getloadavg()[0]},
            "results": rows,
        }
        report.append(entry)
        print(f"\n{factor}x: {total} organisations on {entry['database']}; load {load:.2f}")
        for row in rows:
            print(f"  {row['what']:<24} {row['path']:<44} p50 {row['p50_ms']:6.2f} ms"
                  f"  p99 {row['p99_ms']:6.2f} ms")  # fmt: skip
        for word, plan in plans.items():
            print(f"  plan of q={word}:\n    " + plan.replace("\n", "\n    "), flush=True)

    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(
        json.dumps(
            {"command": " ".join([Path(sys.argv[0]).name, *sys.argv[1:]]), "runs": report},
            indent=2,
        )
        + "\n"
    )
    print(f"\nwritten to {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
