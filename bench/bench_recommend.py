"""Benchmark: vectorised recommendations vs the scalar reference scorer, same run.

    .venv/bin/python bench/bench_recommend.py

Measures (1) one request against 20,000 companies: full scores, and top-10 with reasons and
re-scored hints; (2) 500 requests x 5,000 companies scored in full. The reference is the scalar
scorer (``scoring.score_request_company``), which the vectorised path must match: on the pairs
where both run, the largest difference is printed. For (2) the scalar reference runs on the first
``--reference-requests`` requests and its time is scaled linearly to 500 (stated in the output).
Peak memory is the process's maximum RSS, and tracemalloc's peak for the 500 x 5,000 scoring.
"""

from __future__ import annotations

import argparse
import random
import resource
import statistics
import time
import tracemalloc

import networkx as nx
import numpy as np

from seoul_platform.matching.engine import MatchIndex
from seoul_platform.matching.profiles import Company, RequestProfile, Signals, TrackRecord
from seoul_platform.matching.scoring import score_request_company

SECTORS = ["mobility", "safety", "welfare", "environment", "energy", "culture", "governance"]
TECH = [
    "digital twin",
    "GIS",
    "IoT sensors",
    "AI",
    "open data",
    "5G",
    "drones",
    "CCTV analytics",
    "early warning",
    "real-time passenger information",
    "GTFS",
    "smart grid",
    "solar",
    "citizen participation platform",
    "online surveys",
    "accessibility",
    "telecare",
    "blockchain",
    "cloud",
    "edge computing",
    "air quality sensors",
    "flood modelling",
] + [f"niche tech {i}" for i in range(300)]
WORDS = [
    "flood",
    "heat",
    "climate",
    "adaptation",
    "twin",
    "model",
    "sensor",
    "traffic",
    "bus",
    "elderly",
    "welfare",
    "platform",
    "citizen",
    "participation",
    "survey",
    "energy",
    "grid",
    "solar",
    "safety",
    "emergency",
    "response",
    "data",
    "dashboard",
    "waste",
    "water",
    "air",
    "quality",
    "mobility",
    "parking",
    "congestion",
    "housing",
    "inclusion",
    "accessibility",
    "youth",
    "women",
    "digital",
    "divide",
    "literacy",
    "health",
    "care",
    "tourism",
    "culture",
    "heritage",
    "governance",
    "transparency",
    "budget",
]
LANGS = ["en", "es", "fr", "ko", "ar", "pt", "zh", "tr", "id", "sw"]
REGIONS = ["asia", "europe", "africa", "latin_america", "middle_east", "north_america", "oceania"]


def profiles(n_companies: int, n_requests: int, seed: int):
    rnd = random.Random(seed)

    def text(n: int) -> str:
        return " ".join(rnd.choice(WORDS) for _ in range(n))

    companies = [
        Company(
            f"c{i}",
            sectors=tuple(rnd.sample(SECTORS, rnd.randint(1, 3))),
            capabilities=tuple(rnd.sample(TECH, rnd.randint(1, 8))),
            description=text(rnd.randint(10, 40)),
            stages_served=tuple(rnd.sample(range(1, 6), rnd.randint(0, 3))),
            languages=tuple(rnd.sample(LANGS, rnd.randint(1, 3))),
            regions_served=tuple(rnd.sample(REGIONS, rnd.randint(0, 3))),
            track_record=tuple(
                TrackRecord(rnd.randint(1, 5), tuple(rnd.sample(SECTORS, 2)), rnd.random())
                for _ in range(rnd.randint(0, 4))
            ),
        )
        for i in range(n_companies)
    ]
    requests = [
        RequestProfile(
            f"r{i}",
            f"city{i % 300}",
            rnd.randint(1, 5),
            sectors=tuple(rnd.sample(SECTORS, rnd.randint(1, 2))),
            technologies=tuple(rnd.sample(TECH[:40], rnd.randint(1, 4))),
            challenge=text(rnd.randint(15, 40)),
            policy_needs=text(rnd.randint(5, 15)),
            languages=tuple(rnd.sample(LANGS, rnd.randint(1, 2))),
            region=rnd.choice(REGIONS),
        )
        for i in range(n_requests)
    ]
    # A collaboration graph (cities, companies; ~3 links each) and some interest signals, so
    # network proximity and mutual interest are part of what is timed.
    graph = nx.gnm_random_graph(n_companies + 300, 3 * (n_companies + 300), seed=seed)
    graph = nx.relabel_nodes(
        graph, {i: (f"c{i}" if i < n_companies else f"city{i - n_companies}") for i in graph}
    )
    interest = frozenset(
        (f"r{rnd.randrange(n_requests)}", f"c{rnd.randrange(n_companies)}") for _ in range(2000)
    )
    signals = Signals(company_interest=interest, city_interest=frozenset(list(interest)[:500]))
    return companies, requests, graph, signals


def median_time(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--reference-requests", type=int, default=10)
    args = parser.parse_args()
    companies, requests, graph, signals = profiles(20_000, 500, args.seed)

    t = time.perf_counter()
    index = MatchIndex(requests, companies, graph=graph, signals=signals)
    print(
        f"index: {len(requests)} requests, {len(companies):,} companies, built in "
        f"{time.perf_counter() - t:.2f} s; graph of {graph.number_of_nodes():,} nodes and "
        f"{graph.number_of_edges():,} links; {len(signals.company_interest):,} interests"
    )

    # (1) one request against 20,000 companies.
    req = requests[0]

    def cold(fn):  # forget cached graph distances, so every run pays its breadth-first search
        def run():
            index.context._hops.clear()
            return fn()

        return run

    ours = median_time(cold(lambda: index.score_companies([req])), 21)
    top = median_time(cold(lambda: index.recommend_companies(req, k=10)), 11)
    t = time.perf_counter()
    scalar = np.array([score_request_company(req, c, index.context).score for c in companies])
    ref = time.perf_counter() - t
    diff = float(np.max(np.abs(scalar - index.score_companies([req])[0])))
    print("one request x 20,000 companies:")
    print(f"  ours (vectorised, all scores): {ours * 1000:7.1f} ms   (target well under 200 ms)")
    print(f"  ours (top-10 with reasons and re-scored hints): {top * 1000:7.1f} ms")
    print(
        f"  reference (scalar scorer, same pairs): {ref * 1000:7.1f} ms   "
        f"ratio ours/reference {ours / ref:.4f}   max |diff| {diff:.1e}"
    )

    # (2) 500 requests x 5,000 companies, scored in full.
    small = MatchIndex(requests, companies[:5000], graph=graph, signals=signals)
    tracemalloc.start()
    t = time.perf_counter()
    full = small.score_companies(requests)
    full_time = time.perf_counter() - t
    _, traced = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    k = args.reference_requests
    t = time.perf_counter()
    part = np.array(
        [
            [score_request_company(r, c, small.context).score for c in small.companies]
            for r in requests[:k]
        ]
    )
    ref_part = time.perf_counter() - t
    ref_full = ref_part * len(requests) / k
    diff = float(np.max(np.abs(part - full[:k])))
    print(f"500 requests x 5,000 companies ({full.size:,} pairs), scored in full:")
    print(f"  ours: {full_time:.2f} s   ({full_time / full.size * 1e9:.0f} ns per pair)")
    print(
        f"  reference (scalar): {ref_part:.2f} s for {k} requests, {ref_full:.1f} s scaled to 500; "
        f"ratio ours/reference {full_time / ref_full:.4f}   max |diff| {diff:.1e}"
    )
    print(
        f"peak memory: scoring 500 x 5,000 {traced / 2**20:.0f} MiB (tracemalloc); whole process "
        f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB (max RSS)"
    )


if __name__ == "__main__":
    main()
