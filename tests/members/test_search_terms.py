"""Search tokenises queries like the index: hyphens, quotes, punctuation; country names and
sector, kind and award-category labels are searchable in every supported language."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from seoul_platform.members import services
from seoul_platform.members.schemas import AwardInput
from support import signed_in


@pytest.fixture
def orgs(make, official, db):
    made = {
        "odense": make.org("city", name="Odense Search", country="DK", region="europe"),
        "twin": make.org(
            "company",
            name="Twin Works",
            country="NZ",
            region="oceania",
            sectors=["environment"],
            technologies=["digital twin"],
        ),
        "plain": make.org("company", name="Plain Co", country="KR", technologies=["gis"]),
    }
    services.record_award(
        official,
        made["plain"].id,
        AwardInput(year=2024, category="tech_innovacity", project_title="Open data hub"),
    )
    db.session.commit()
    return made


OURS = {"Odense Search", "Twin Works", "Plain Co"}


def _names(client, q: str) -> list[str]:
    """Matches among this module's organisations (the shared fixtures add others)."""
    page = client.get("/api/v1/organizations", query_string={"q": q}).get_json()
    return sorted(item["name"] for item in page["items"] if item["name"] in OURS)


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("digital-twin", ["Twin Works"]),
        ('"digital twin"', ["Twin Works"]),
        ("\u201cdigital twin\u201d", ["Twin Works"]),
        ("digital, twin!", ["Twin Works"]),
        ("Tech-InnovaCity", ["Plain Co"]),
        ("Denmark", ["Odense Search"]),
        ("덴마크", ["Odense Search"]),
        ("환경", ["Twin Works"]),
        ("Environment", ["Twin Works"]),
        ("뉴질랜드", ["Twin Works"]),
        ("기업 환경", ["Twin Works"]),  # kind and sector in Korean
    ],
)
def test_search_term(app, orgs, city_member, q, expected):
    client = signed_in(app, city_member)
    assert _names(client, q) == expected


def test_a_quoted_phrase_needs_the_words_together(app, orgs, city_member):
    client = signed_in(app, city_member)
    assert _names(client, '"twin digital"') == []


def test_search_terms_split_like_the_index():
    assert services.search_terms('"Digital  Twin" Tech-InnovaCity x') == [
        "digital twin",
        "tech innovacity",
        "x",
    ]
    assert services.search_terms('"" - !!') == []


def test_headings_and_cards_wrap_long_unbroken_names(app, make, city_member):
    org = make.org("company", name="X" * 160)
    page = signed_in(app, city_member).get(f"/organizations/{org.id}").get_data(as_text=True)
    assert f"<h1>{'X' * 160}</h1>" in page
    css = (Path(app.static_folder) / "css" / "site.css").read_text()
    wrapping = re.findall(r"([^{}]+)\{[^}]*overflow-wrap:\s*anywhere[^}]*\}", css)
    selectors = " ".join(wrapping)
    assert "h1" in selectors and ".card" in selectors
