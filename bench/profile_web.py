"""Where a signed-in page's time goes, in-process (no server, no load tool).

    .venv/bin/python bench/profile_web.py                      # timings of each page
    .venv/bin/python bench/profile_web.py --profile /directory # cProfile, top functions
    .venv/bin/python bench/profile_web.py --scale 100 --profile '/directory?q=governance'
    .venv/bin/python bench/profile_web.py --database-url postgresql+psycopg://...  # emptied!

Builds the same database as bench/bench_web.py (demo data, at least 40 organisations, a
member), signs in through the login form with Flask's test client, then times each page
(median of ``--repeat`` requests after a warm-up) and, with ``--profile PATH``, prints the
functions that take most of that page's time (cProfile, cumulative and own time).
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_scale
import bench_web


def signed_in_client(app):
    client = app.test_client()
    html = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
    response = client.post(
        "/login",
        data={
            "email": bench_web.BENCH_EMAIL,
            "password": bench_web.BENCH_PASSWORD,
            "csrf_token": token,
        },
    )
    if response.status_code != 302:
        raise SystemExit(f"sign-in failed: HTTP {response.status_code}")
    return client


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", default="")
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--profile", default="", help="a path to profile (e.g. /directory)")
    parser.add_argument("--top", type=int, default=35)
    parser.add_argument("--scale", type=int, default=1, help="copies of the data (bench_scale)")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="seoul-profile-web-"))
    url = args.database_url or f"sqlite:///{workdir / 'bench.db'}"
    if args.database_url:
        bench_scale.empty_database(url)
    data = bench_web.build_database(url)
    if args.scale > 1:
        bench_scale.multiply(url, args.scale)
    os.environ.update(DATABASE_URL=url, SEOUL_ENV="development", SECRET_KEY="x" * 48)
    from seoul_platform.app import create_app

    app = create_app()
    client = signed_in_client(app)
    search = "&".join(f"{k}={v}" for k, v in data["search"].items())
    paths = [
        "/directory",
        f"/directory?{search}",
        f"/organizations/{data['profile_id']}",
        "/api/v1/organizations",
    ]
    try:
        if args.profile:
            path = args.profile.replace("<id>", str(data["profile_id"]))
            for _ in range(20):
                client.get(path)
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(args.repeat):
                client.get(path)
            profiler.disable()
            stats = pstats.Stats(profiler)
            print(f"{path}: {args.repeat} requests")
            stats.sort_stats("cumulative").print_stats(args.top)
            stats.sort_stats("tottime").print_stats(args.top)
            return 0
        print(f"load average {os.getloadavg()[0]:.2f}; {data['organizations']} organisations")
        for path in paths:
            for _ in range(20):
                assert client.get(path).status_code == 200, path
            times = []
            for _ in range(args.repeat):
                start = time.perf_counter()
                client.get(path)
                times.append((time.perf_counter() - start) * 1e3)
            print(
                f"{path:<48} median {statistics.median(times):6.2f} ms  best {min(times):6.2f} ms"
            )
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
