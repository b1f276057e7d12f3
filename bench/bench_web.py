"""Benchmark: web throughput on loopback, as a ratio to a bare Flask endpoint on the same server.

    .venv/bin/python bench/bench_web.py                       # -t2 -c16, 10 s per path
    .venv/bin/python bench/bench_web.py --duration 30 --connections 32

1. Builds a temporary SQLite database with the demo data set (topped up to at least 40
   organisations through the services if the demo set is smaller) and a member account.
2. Starts ONE gunicorn server (2 workers x 4 threads, gthread, wrk's connections shared evenly
   between the workers) serving bench/bench_web_app.py:
   ``/bare`` is a bare Flask app returning "hello", everything else is the real platform.
3. Signs in through the real login form (GET /login for the CSRF token, POST /login) and keeps
   the session cookie, so the directory and profile pages are measured as a signed-in member.
4. Runs ``wrk --latency`` against each path (a short warm-up first), checks every response
   was 2xx, and prints requests/s, p50/p99 latency and the ratio to ``/bare``.
5. Writes the figures to bench/results/web.json.

wrk comes from Debian (``apt-get install wrk``). wrk and the server share the machine's cores,
so absolute figures depend on the machine; the ratio to the bare endpoint is the comparable one.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import platform as stdlib_platform
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results" / "web.json"
BENCH_EMAIL = "bench-member@bench.example"
BENCH_PASSWORD = secrets.token_urlsafe(18)
MIN_ORGS = 40


# ---- the database ----------------------------------------------------------------------------


def build_database(url: str) -> dict:
    """Create the schema, load the demo data, add a member; return the ids the paths need."""
    from sqlalchemy import func, select

    from seoul_platform.accounts import services as accounts
    from seoul_platform.accounts.models import OrgRole
    from seoul_platform.app import create_app
    from seoul_platform.config import Config
    from seoul_platform.db import db
    from seoul_platform.demo import seed_demo
    from seoul_platform.members import services as members
    from seoul_platform.members.models import Award, Organization, OrganizationSector, OrgStatus
    from seoul_platform.members.schemas import OrganizationInput

    class BenchSeedConfig(Config):
        SQLALCHEMY_DATABASE_URI = url

    app = create_app(BenchSeedConfig)
    with app.app_context():
        db.create_all()
        summary = seed_demo()
        db.session.commit()
        active = select(func.count(Organization.id)).where(Organization.status == OrgStatus.ACTIVE)
        count = db.session.scalar(active) or 0
        regions = ["africa", "asia", "europe", "latin_america", "middle_east", "oceania"]
        sectors = ["mobility", "safety", "welfare", "environment", "energy", "culture"]
        for n in range(count, MIN_ORGS):
            members.create_organization_record(
                OrganizationInput(
                    kind=("city", "company", "institution")[n % 3],
                    name=f"Benchmark Organisation {n + 1}",
                    country="KR",
                    region=regions[n % len(regions)],
                    sectors=[sectors[n % len(sectors)]],
                    description="A benchmark organisation for the smart city directory.",
                ).model_dump()
            )
        db.session.commit()
        count = db.session.scalar(active) or 0

        # The profile with the most awards; the member belongs to it.
        award_count = func.count(Award.id).label("n")
        profile_id, awards = db.session.execute(
            select(Organization.id, award_count)
            .outerjoin(Award, Award.organization_id == Organization.id)
            .where(Organization.status == OrgStatus.ACTIVE)
            .group_by(Organization.id)
            .order_by(award_count.desc(), Organization.id)
            .limit(1)
        ).one()
        accounts.create_user(
            email=BENCH_EMAIL,
            name="Bench Member",
            password=BENCH_PASSWORD,
            organization_id=profile_id,
            org_role=OrgRole.MEMBER,
        )
        db.session.commit()

        # A search that finds something: the commonest sector and its commonest long word.
        sector = db.session.scalar(
            select(OrganizationSector.sector)
            .group_by(OrganizationSector.sector)
            .order_by(func.count().desc())
            .limit(1)
        )
        texts = db.session.scalars(
            select(Organization.search_text)
            .join(OrganizationSector)
            .where(OrganizationSector.sector == sector, Organization.status == OrgStatus.ACTIVE)
        ).all()
        words = Counter(w for t in texts for w in set(t.split()) if len(w) >= 5 and w.isalpha())
        # Ties broken alphabetically, so every run measures the same search.
        term = min(words, key=lambda w: (-words[w], w)) if words else ""
        db.session.remove()
        db.engine.dispose()
    return {
        "organizations": count,
        "seed": summary,
        "profile_id": profile_id,
        "profile_awards": awards,
        "search": {"q": term, "sector": sector.value if sector else ""},
    }


# ---- the server ------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(
    db_url: str, port: int, workers: int, threads: int, max_connections: int, workdir: Path
):
    """gunicorn on loopback. ``max_connections`` caps each worker's open connections: wrk
    keeps its connections alive, and an uncapped gthread worker accepts all of them at once,
    leaving the other worker idle for the whole run (measured: one worker at 94% CPU, the
    other at 0%)."""
    gunicorn = Path(sys.executable).with_name("gunicorn")
    env = {
        **os.environ,
        "DATABASE_URL": db_url,
        "SECRET_KEY": secrets.token_urlsafe(48),
        "SEOUL_ENV": "development",
    }
    env.pop("REDIS_URL", None)  # one server, in-memory rate-limit storage
    cmd = [
        str(gunicorn),
        "-w", str(workers),
        "-k", "gthread",
        "--threads", str(threads),
        "--worker-connections", str(max_connections),
        "-b", f"127.0.0.1:{port}",
        "--pythonpath", str(HERE),
        "--log-level", "warning",
        "bench_web_app:application",
    ]  # fmt: skip
    log = (workdir / "gunicorn.log").open("w")
    proc = subprocess.Popen(cmd, cwd=workdir, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    for _ in range(150):
        if proc.poll() is not None:
            raise SystemExit(f"gunicorn exited:\n{(workdir / 'gunicorn.log').read_text()}")
        try:
            with urllib.request.urlopen(base + "/bare", timeout=1) as response:
                if response.status == 200:
                    return proc, base
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.1)
    proc.terminate()
    raise SystemExit("gunicorn did not answer on /bare within 15 s")


def stop_server(proc) -> None:
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


# ---- signing in ------------------------------------------------------------------------------


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def sign_in(base: str) -> str:
    """The real login form; returns the Cookie header of the signed-in session."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), _NoRedirect)
    with opener.open(base + "/login", timeout=10) as response:
        html = response.read().decode()
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    if not match:
        raise SystemExit("no CSRF token on /login")
    form = urllib.parse.urlencode(
        {"email": BENCH_EMAIL, "password": BENCH_PASSWORD, "csrf_token": match.group(1)}
    ).encode()
    try:
        opener.open(base + "/login", data=form, timeout=30)
    except urllib.error.HTTPError as err:  # the 302 after a successful sign-in
        if err.code != 302:
            raise SystemExit(f"sign-in failed: HTTP {err.code}") from err
    else:
        raise SystemExit("sign-in did not redirect: wrong password or a form error")
    return "; ".join(f"{c.name}={c.value}" for c in jar)


def check_path(base: str, path: str, cookie: str) -> int:
    """One request: the page must be a 200 for the signed-in member (not a redirect to
    /login, which wrk would count as a success). Returns the body size."""
    request = urllib.request.Request(base + path, headers={"Cookie": cookie})
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(request, timeout=30) as response:
            body = response.read()
            status = response.status
    except urllib.error.HTTPError as err:
        raise SystemExit(f"{path}: HTTP {err.code} before the run") from err
    if status != 200:
        raise SystemExit(f"{path}: HTTP {status} before the run")
    return len(body)


# ---- wrk -------------------------------------------------------------------------------------

_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3}


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * _UNITS[unit]


def run_wrk(url: str, cookie: str, threads: int, connections: int, duration: int) -> dict:
    cmd = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--latency"]
    if cookie:
        cmd += ["-H", f"Cookie: {cookie}"]
    out = subprocess.run([*cmd, url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    total = int(re.search(r"(\d+) requests in", out).group(1))
    percentiles = {
        int(p): _ms(v) for p, v in re.findall(r"^\s+(\d+)%\s+([\d.]+\w+)\s*$", out, re.M)
    }
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: (.+)", out)
    return {
        "requests_per_s": rps,
        "requests": total,
        "p50_ms": percentiles.get(50),
        "p90_ms": percentiles.get(90),
        "p99_ms": percentiles.get(99),
        "non_2xx_3xx": int(non_2xx.group(1)) if non_2xx else 0,
        "socket_errors": socket_errors.group(1).strip() if socket_errors else "",
        "wrk_output": out,
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--duration", type=int, default=10, help="seconds per path (10)")
    parser.add_argument("--warmup", type=int, default=2, help="warm-up seconds per path (2)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (2)")
    parser.add_argument("--connections", type=int, default=16, help="wrk connections (16)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (2)")
    parser.add_argument("--server-threads", type=int, default=4, help="threads per worker (4)")
    parser.add_argument(
        "--single-duration",
        type=int,
        default=5,
        help="seconds of a one-connection run per path for unloaded latency (5; 0 skips)",
    )
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args()

    if shutil.which("wrk") is None:
        print(
            "wrk is not installed: it is the load tool this benchmark uses.\n"
            "Install it with:  sudo apt-get install -y wrk   (Debian/Ubuntu)",
            file=sys.stderr,
        )
        return 2

    workdir = Path(tempfile.mkdtemp(prefix="seoul-bench-web-"))
    db_url = f"sqlite:///{workdir / 'bench.db'}"
    print(f"building {db_url} ...", flush=True)
    data = build_database(db_url)
    print(
        f"{data['organizations']} active organisations ({data['seed']}); profile "
        f"#{data['profile_id']} has {data['profile_awards']} awards",
        flush=True,
    )
    search = urllib.parse.urlencode(data["search"])
    paths = [
        ("/bare", False),
        ("/directory", True),
        (f"/directory?{search}", True),
        (f"/organizations/{data['profile_id']}", True),
        ("/api/v1/organizations", True),
    ]

    load_before = os.getloadavg()
    per_worker = -(-args.connections // args.workers)  # share wrk's connections evenly
    proc, base = start_server(
        db_url, free_port(), args.workers, args.server_threads, per_worker, workdir
    )
    rows = []
    try:
        cookie = sign_in(base)
        for path, signed_in in paths:
            header = cookie if signed_in else ""
            size = check_path(base, path, header)
            if args.warmup:
                run_wrk(base + path, header, args.threads, args.connections, args.warmup)
            result = run_wrk(base + path, header, args.threads, args.connections, args.duration)
            result.update(path=path, signed_in=signed_in, body_bytes=size)
            if result["non_2xx_3xx"] or result["socket_errors"]:
                print(result["wrk_output"], file=sys.stderr)
                raise SystemExit(f"{path}: errors during the run (see wrk's output above)")
            check_path(base, path, header)  # still signed in after the run
            if args.single_duration:
                single = run_wrk(base + path, header, 1, 1, args.single_duration)
                result["single_connection"] = {
                    k: single[k] for k in ("requests_per_s", "p50_ms", "p99_ms")
                }
            rows.append(result)
            print(f"  {path}: {result['requests_per_s']:.0f} req/s", flush=True)
    finally:
        stop_server(proc)
        shutil.rmtree(workdir, ignore_errors=True)

    load_after = os.getloadavg()
    bare_rps = rows[0]["requests_per_s"]
    for row in rows:
        row["ratio_to_bare"] = row["requests_per_s"] / bare_rps
    command = (
        f"wrk -t{args.threads} -c{args.connections} -d{args.duration}s --latency; gunicorn "
        f"-w {args.workers} -k gthread --threads {args.server_threads} "
        f"--worker-connections {per_worker}, SQLite file"
    )
    print(f"\n{command}; {data['organizations']} organisations; {os.cpu_count()} CPUs")
    print(f"load average before {load_before[0]:.2f}, after {load_after[0]:.2f} (1 min)")
    print(
        f"{'path':<48} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'vs bare':>8} {'1-conn p50':>11}"
    )
    for row in rows:
        single = row.get("single_connection", {}).get("p50_ms")
        print(
            f"{row['path']:<48} {row['requests_per_s']:>8.0f} {row['p50_ms']:>8.2f} "
            f"{row['p99_ms']:>8.2f} {row['ratio_to_bare']:>8.3f}"
            f" {'' if single is None else f'{single:.2f} ms':>11}"
        )

    args.output.parent.mkdir(parents=True, exist_ok=True)
    report = {
        "command": " ".join([Path(sys.argv[0]).name, *sys.argv[1:]]),
        "load": command,
        "machine": {
            "cpus": os.cpu_count(),
            "python": stdlib_platform.python_version(),
            "system": stdlib_platform.platform(),
        },
        "load_average_1min": {"before": load_before[0], "after": load_after[0]},
        "data": data,
        "results": [{k: v for k, v in row.items() if k != "wrk_output"} for row in rows],
    }
    args.output.write_text(json.dumps(report, indent=2) + "\n")
    print(f"\nwritten to {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
