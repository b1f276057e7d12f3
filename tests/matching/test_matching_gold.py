"""A gold set: realistic requests where the right partner is known and must rank first, for the
right reason. The profiles are invented for the tests, after the kinds of winning projects the
prize describes (a climate-adaptation digital twin, a welfare participation platform, urban
mobility, public safety); the distractors are built to be tempting.
"""

from __future__ import annotations

import pytest

from seoul_platform.matching.engine import MatchIndex
from seoul_platform.matching.profiles import City, Company, RequestProfile, TrackRecord

REQUESTS = {
    "twin": RequestProfile(
        "req-twin",
        "city-coastal",
        stage=4,
        sectors=("environment", "governance"),
        technologies=("digital twin", "GIS", "flood modelling"),
        challenge="Model sea-level rise, storm surge and flooding along the coastline so residents "
        "and planners can see future climate risk street by street.",
        policy_needs="Climate adaptation plan; public engagement on managed retreat.",
        kind="pilot_implementation",
        languages=("en",),
        region="oceania",
    ),
    "welfare": RequestProfile(
        "req-welfare",
        "city-nordic",
        stage=3,
        sectors=("welfare", "governance"),
        technologies=("citizen participation platform", "online surveys", "accessibility"),
        challenge="Older and disabled residents rarely take part in decisions about welfare "
        "services; we want online questionnaires and public meetings that everyone can use.",
        policy_needs="Digital inclusion; co-design of welfare services with citizens.",
        languages=("da", "en"),
        region="europe",
        target_groups=("elderly", "disabled"),
    ),
    "mobility": RequestProfile(
        "req-bus",
        "city-delta",
        stage=2,
        sectors=("mobility",),
        technologies=("real-time passenger information", "GTFS", "traffic sensors"),
        challenge="Buses are unreliable and riders cannot tell when the next bus arrives; "
        "congestion at junctions delays the whole network.",
        policy_needs="Open transit data; better bus priority at junctions.",
        languages=("bn", "en"),
        region="asia",
    ),
    "safety": RequestProfile(
        "req-warning",
        "city-plateau",
        stage=3,
        sectors=("safety",),
        technologies=("early warning", "IoT sensors", "emergency dispatch"),
        challenge="Flash floods and earthquakes need faster warnings to residents and quicker "
        "dispatch of emergency teams.",
        policy_needs="Disaster risk reduction; emergency response times.",
        languages=("tr", "en"),
        region="europe",
    ),
}

COMPANIES = [
    Company(
        "co-twincoast",
        "TwinCoast Analytics",
        sectors=("environment",),
        capabilities=("digital twin", "GIS", "flood modelling", "3D city models"),
        description="Digital twins of coastal cities: flood, storm surge and sea-level rise "
        "simulation on 3D city models for climate adaptation planning.",
        stages_served=(3, 4, 5),
        languages=("en",),
        regions_served=("oceania", "asia"),
        size="sme",
        track_record=(TrackRecord(4, ("environment",), 0.9),),
    ),
    Company(
        "co-metrotwin",
        "MetroTwin Mobility",
        sectors=("mobility",),
        capabilities=("digital twin", "traffic simulation", "traffic sensors"),
        description="Digital twin of road traffic: junction simulation, signal timing and "
        "congestion forecasts from traffic sensors.",
        stages_served=(3, 4),
        languages=("en", "de"),
        regions_served=("europe", "oceania"),
        size="large",
    ),
    Company(
        "co-omnitech",
        "OmniTech Global",
        sectors=("mobility", "safety", "energy", "environment", "welfare", "governance"),
        capabilities=("AI", "cloud", "IoT sensors", "digital twin", "5G"),
        description="End-to-end smart city solutions: cloud platforms, AI analytics and "
        "connectivity for any city service.",
        stages_served=(1, 2, 3, 4, 5),
        languages=("en",),
        regions_served=("asia", "europe", "oceania", "africa"),
        size="large",
    ),
    Company(
        "co-civicvoice",
        "CivicVoice",
        sectors=("welfare", "governance"),
        capabilities=("citizen participation platform", "online surveys", "accessibility"),
        description="Accessible online questionnaires and hybrid public meetings so older and "
        "disabled residents take part in decisions; WCAG-conformant participation platform.",
        stages_served=(2, 3, 4),
        languages=("en", "da", "sv"),
        regions_served=("europe",),
        track_record=(TrackRecord(3, ("welfare",), 0.8), TrackRecord(2, ("governance",), 0.7)),
    ),
    Company(
        "co-carelink",
        "CareLink",
        sectors=("welfare",),
        capabilities=("telecare", "fall detection"),
        description="Telecare alarms and fall detection for elderly people living at home.",
        stages_served=(3, 4),
        languages=("en", "da"),
        regions_served=("europe",),
    ),
    Company(
        "co-transitflow",
        "TransitFlow",
        sectors=("mobility",),
        capabilities=("real-time passenger information", "GTFS", "open data"),
        description="Real-time bus arrival information and GTFS open transit data for fast "
        "growing cities; bus priority analytics at junctions.",
        stages_served=(1, 2, 3),
        languages=("en",),
        regions_served=("asia", "africa"),
        track_record=(TrackRecord(2, ("mobility",), 0.85),),
    ),
    Company(
        "co-visionguard",
        "VisionGuard",
        sectors=("safety",),
        capabilities=("CCTV analytics", "AI"),
        description="Video analytics for CCTV networks: crowd counting and incident detection.",
        stages_served=(3, 4, 5),
        languages=("en", "tr"),
        regions_served=("europe", "middle_east"),
    ),
    Company(
        "co-safecity",
        "SafeCity Systems",
        sectors=("safety",),
        capabilities=("early warning", "IoT sensors", "emergency dispatch"),
        description="Flood and earthquake early warning from IoT sensor networks, with alerts to "
        "residents and emergency dispatch for response teams.",
        stages_served=(2, 3, 4),
        languages=("tr", "en"),
        regions_served=("europe", "middle_east"),
        track_record=(TrackRecord(3, ("safety",), 0.9),),
    ),
]

GOLD = [
    ("twin", "co-twincoast", "need_capability_fit", "digital twin"),
    ("welfare", "co-civicvoice", "need_capability_fit", "online surveys"),
    ("mobility", "co-transitflow", "need_capability_fit", "GTFS"),
    ("safety", "co-safecity", "need_capability_fit", "early warning"),
]


@pytest.fixture(scope="module")
def index():
    return MatchIndex(list(REQUESTS.values()), COMPANIES)


@pytest.mark.parametrize(("key", "partner", "component", "phrase"), GOLD)
def test_right_partner_ranks_first_for_the_right_reason(index, key, partner, component, phrase):
    top = index.recommend_companies(REQUESTS[key], k=3)
    assert top[0].candidate == partner, [(m.candidate, round(m.score, 3)) for m in top]
    assert top[0].score > top[1].score
    assert top[0].reason.top[0] == component
    assert phrase in top[0].reason.text


def test_each_request_is_the_best_open_request_for_its_partner(index):
    for key, partner, _, _ in GOLD:
        company = next(c for c in COMPANIES if c.id == partner)
        top = index.recommend_requests(company, k=1)
        assert top[0].subject == REQUESTS[key].id


def test_peer_city_with_shared_challenges_and_other_strengths_ranks_first():
    me = City(
        "city-coastal",
        challenges=("flooding", "sea-level rise", "heat"),
        stage=4,
        sectors=("environment", "governance"),
        languages=("en",),
        region="oceania",
    )
    peers = [
        City(
            "city-harbour",
            challenges=("flooding", "sea-level rise", "air quality"),
            stage=4,
            sectors=("energy", "mobility"),
            languages=("en", "zh"),
            region="asia",
        ),
        City(  # same strengths, different problems: less to learn from each other
            "city-twin-strengths",
            challenges=("congestion", "ageing population"),
            stage=4,
            sectors=("environment", "governance"),
            languages=("en",),
            region="oceania",
        ),
        City(
            "city-desert",
            challenges=("heat", "water scarcity"),
            stage=5,
            sectors=("energy",),
            languages=("ar", "en"),
            region="middle_east",
        ),
    ]
    top = MatchIndex(cities=peers).recommend_peers(me, k=3)
    assert top[0].candidate == "city-harbour"
    assert top[0].reason.top[0] == "challenge_similarity"
    assert "flooding" in top[0].reason.text
