"""The directory: search, filters, pagination."""

from __future__ import annotations

import pytest

from seoul_platform.accounts import services as account_services
from seoul_platform.members import services
from seoul_platform.members.schemas import AwardInput
from support import signed_in


@pytest.fixture
def orgs(make, official, db):
    made = {
        "odense": make.org(
            "city",
            name="Odense Demo",
            country="DK",
            region="europe",
            sectors=["welfare", "governance"],
            description="Citizen platform",
        ),
        "konya": make.org(
            "city", name="Konya Demo", country="TR", region="middle_east", sectors=["mobility"]
        ),
        "twin": make.org(
            "company",
            name="Twin Works",
            country="NZ",
            region="oceania",
            sectors=["environment"],
            technologies=["digital twin", "GIS"],
        ),
        "lab": make.org(
            "institution",
            name="Urban Lab Nairobi",
            country="KE",
            region="africa",
            sectors=["governance"],
        ),
    }
    services.record_award(
        official,
        made["odense"].id,
        AwardInput(year=2023, category="human_centricity", project_title="LEAP welfare platform"),
    )
    db.session.commit()
    return made


def _names(client, query: str) -> list[str]:
    page = client.get(f"/api/v1/organizations?{query}").get_json()
    return sorted(item["name"] for item in page["items"])


def test_filters_combine(app, orgs, city_member):
    client = signed_in(app, city_member)
    assert _names(client, "kind=city&region=europe") == ["Odense Demo", "Testville"]
    assert _names(client, "kind=city&region=europe&sector=governance") == ["Odense Demo"]
    assert _names(client, "sector=governance") == ["Odense Demo", "Urban Lab Nairobi"]
    assert _names(client, "country=nz") == ["Twin Works"]
    assert _names(client, "technology=twin") == ["Twin Works"]
    assert _names(client, "award_year=2023&award_category=human_centricity") == ["Odense Demo"]
    assert _names(client, "award_year=2024") == []


def test_full_text_search_is_accent_and_case_insensitive(app, orgs, city_member, official, db):
    services.record_award(
        official,
        None,
        AwardInput(year=2023, category="leadership", laureate_name="Uğur İbrahim Altay"),
    )
    db.session.commit()
    client = signed_in(app, city_member)
    assert _names(client, "q=LEAP") == ["Odense Demo"]
    assert _names(client, "q=citizen+platform") == ["Odense Demo"]
    assert _names(client, "q=digital+twin") == ["Twin Works"]
    assert _names(client, "q=100%25") == []  # a LIKE wildcard is matched literally


def test_html_directory_page_filters_and_shows_awards(app, orgs, city_member):
    client = signed_in(app, city_member)
    html = client.get("/directory?sector=welfare").get_data(True)
    assert "Odense Demo" in html and "LEAP welfare platform" in html
    assert "Twin Works" not in html
    bad = client.get("/directory?sector=bogus")
    assert bad.status_code == 422 and "Twin Works" in bad.get_data(True)


def test_pagination_and_link_header(app, make, city_member):
    for i in range(25):
        make.org("company", name=f"Firm {i:02d}")
    client = signed_in(app, city_member)
    first = client.get("/api/v1/organizations?kind=company&per_page=10")
    body = first.get_json()
    assert body["total"] == 25 and len(body["items"]) == 10 and body["page"] == 1
    assert 'rel="next"' in first.headers["Link"] and 'rel="last"' in first.headers["Link"]
    last = client.get("/api/v1/organizations?kind=company&per_page=10&page=3").get_json()
    assert [i["name"] for i in last["items"]] == [f"Firm {i:02d}" for i in range(20, 25)]
    assert client.get("/api/v1/organizations?per_page=101").status_code == 422
    html = client.get("/directory?kind=company").get_data(True)
    assert "Page 1 of 2" in html


def test_profile_shows_people_names_and_roles_but_no_emails(app, city, city_admin, city_member):
    client = signed_in(app, city_member)
    html = client.get(f"/organizations/{city.id}").get_data(True)
    assert city_admin.name in html and "Administrator" in html
    assert city_admin.email not in html
    api = client.get(f"/api/v1/organizations/{city.id}").get_json()
    assert {p["name"] for p in api["people"]} == {city_admin.name, city_member.name}
    assert "email" not in api["people"][0]


def test_deleted_people_disappear_from_profiles(app, city, city_member, db):
    from seoul_platform.accounts import privacy
    from support import PASSWORD

    privacy.delete_account(city_member, password=PASSWORD)
    db.session.commit()
    viewer = account_services.create_user(
        email="v@example.org", name="Viewer", password=PASSWORD, organization_id=city.id
    )
    db.session.commit()
    html = signed_in(app, viewer).get(f"/organizations/{city.id}").get_data(True)
    assert "Mo Member" not in html and "Deleted member" not in html
