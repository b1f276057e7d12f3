"""Hypothesis strategies for matcher profiles over small vocabularies (so overlaps happen)."""

from __future__ import annotations

import networkx as nx
from hypothesis import strategies as st

from seoul_platform.matching.profiles import City, Company, RequestProfile, Signals, TrackRecord

SECTORS = ["mobility", "safety", "welfare", "environment", "energy", "culture", "governance"]
TECH = ["digital twin", "Digital Twins", "IoT sensors", "GIS", "AI", "open data", "5G", "drones"]
LANGS = ["en", "es", "fr", "ko", "ar"]
REGIONS = ["asia", "europe", "africa", "latin_america", "oceania"]
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
]

text = st.lists(st.sampled_from(WORDS), max_size=12).map(" ".join)


def subset(items, max_size=3):
    return st.lists(st.sampled_from(items), max_size=max_size, unique=True).map(tuple)


track = st.builds(
    TrackRecord,
    city_stage=st.integers(1, 5),
    sectors=subset(SECTORS),
    outcome=st.floats(0, 1, allow_nan=False),
)

requests = st.builds(
    RequestProfile,
    id=st.sampled_from(["r1", "r2", "r3"]),
    city_id=st.sampled_from(["city1", "city2", "city3"]),
    stage=st.integers(1, 5),
    sectors=subset(SECTORS),
    technologies=subset(TECH, 4),
    challenge=text,
    policy_needs=text,
    languages=subset(LANGS, 2),
    region=st.sampled_from(["", *REGIONS]),
    target_groups=subset(["elderly", "youth", "disabled"]),
)

companies = st.builds(
    Company,
    id=st.sampled_from(["c1", "c2", "c3", "c4"]),
    sectors=subset(SECTORS),
    capabilities=subset(TECH, 4),
    description=text,
    stages_served=subset([1, 2, 3, 4, 5]),
    languages=subset(LANGS, 2),
    regions_served=subset(REGIONS, 2),
    track_record=st.lists(track, max_size=3).map(tuple),
)

cities = st.builds(
    City,
    id=st.sampled_from(["city1", "city2", "city3", "city4"]),
    challenges=subset(["flooding", "heat", "ageing population", "congestion", "air quality"]),
    stage=st.integers(1, 5),
    sectors=subset(SECTORS),
    languages=subset(LANGS, 2),
    region=st.sampled_from(REGIONS),
)

pairs_rc = st.tuples(st.sampled_from(["r1", "r2", "r3"]), st.sampled_from(["c1", "c2", "c3", "c4"]))
signals = st.builds(
    Signals,
    company_interest=st.frozensets(pairs_rc, max_size=4),
    city_interest=st.frozensets(pairs_rc, max_size=4),
)

NODES = ["city1", "city2", "city3", "c1", "c2", "c3", "c4", "p1", "p2"]


@st.composite
def graphs(draw):
    g = nx.Graph()
    g.add_nodes_from(NODES)
    edges = draw(st.lists(st.tuples(st.sampled_from(NODES), st.sampled_from(NODES)), max_size=10))
    g.add_edges_from((a, b) for a, b in edges if a != b)
    return g
