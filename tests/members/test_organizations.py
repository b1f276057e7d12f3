"""Organisation profiles: who may create, see and change them; bad input changes nothing."""

from __future__ import annotations

from sqlalchemy import func, select

from seoul_platform.members.models import Award, Organization, OrgStatus
from support import bearer, csrf_token, signed_in

ORG_FORM = {
    "kind": "city",
    "name": "Riverton",
    "country": "BR",
    "region": "latin_america",
    "website": "https://riverton.example",
    "description": "A river city.",
    "sectors": ["mobility", "safety"],
    "languages": ["pt", "en"],
    "technologies": "",
    "challenges": "Flooding on the east bank\nBus reliability",
    "development_stage": "2",
    "population": "850000",
    "size": "",
}


def _post_form(client, path, data):
    return client.post(path, data={**data, "csrf_token": csrf_token(client, "/account")})


def test_official_creates_a_city_and_records_an_award(official_client, db):
    response = _post_form(official_client, "/organizations/new", ORG_FORM)
    assert response.status_code == 302
    org = db.session.scalar(select(Organization).where(Organization.name == "Riverton"))
    assert org.challenges == ["Flooding on the east bank", "Bus reliability"]
    assert org.development_stage == 2 and org.population == 850000
    assert sorted(org.sector_values) == ["mobility", "safety"]
    award = _post_form(
        official_client,
        f"/organizations/{org.id}/awards/new",
        {
            "year": "2024",
            "category": "human_centricity",
            "project_title": "Flood alerts for all",
            "laureate_name": "",
            "partner": "",
        },
    )
    assert award.status_code == 302
    page = official_client.get(f"/organizations/{org.id}").get_data(True)
    assert "Flood alerts for all" in page and "Human-CentriCity" in page


def test_award_needs_title_or_laureate(official_client, city, db):
    response = _post_form(
        official_client,
        f"/organizations/{city.id}/awards/new",
        {
            "year": "2024",
            "category": "leadership",
            "project_title": "",
            "laureate_name": "",
            "partner": "",
        },
    )
    assert response.status_code == 422
    assert db.session.scalar(select(func.count(Award.id))) == 0


def test_org_admin_edits_own_profile(admin_client, city, db):
    response = _post_form(
        admin_client,
        f"/organizations/{city.id}/edit",
        {
            **ORG_FORM,
            "name": "Testville",
            "country": "DK",
            "region": "europe",
            "description": "Now with a description.",
        },
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Organization, city.id).description == "Now with a description."


def test_member_cannot_edit_and_admin_cannot_edit_another_org(
    app, member_client, company_admin, city, db
):
    before = db.session.get(Organization, city.id).description
    assert member_client.get(f"/organizations/{city.id}/edit").status_code == 403
    attempt = _post_form(
        member_client, f"/organizations/{city.id}/edit", {**ORG_FORM, "description": "hacked"}
    )
    assert attempt.status_code == 403
    other = signed_in(app, company_admin)
    assert (
        _post_form(
            other, f"/organizations/{city.id}/edit", {**ORG_FORM, "description": "hacked"}
        ).status_code
        == 403
    )
    api = app.test_client().patch(
        f"/api/v1/organizations/{city.id}",
        json={"description": "hacked"},
        headers=bearer(app.test_client(), company_admin),
    )
    assert api.status_code == 403
    db.session.expire_all()
    assert db.session.get(Organization, city.id).description == before


def test_pending_organisation_is_invisible_to_other_members(app, make, member_client, db):
    hidden = make.org("company", name="Hidden Applicant")
    hidden.status = OrgStatus.PENDING
    db.session.commit()
    assert member_client.get(f"/organizations/{hidden.id}").status_code == 404
    assert "Hidden Applicant" not in member_client.get("/directory").get_data(True)
    assert member_client.get("/organizations/999999").status_code == 404


def test_mass_assignment_of_status_kind_and_owner_is_ignored(app, city_admin, city, db):
    headers = bearer(app.test_client(), city_admin)
    response = app.test_client().patch(
        f"/api/v1/organizations/{city.id}",
        headers=headers,
        json={
            "description": "ok",
            "status": "declined",
            "kind": "company",
            "is_demo": True,
            "id": 999,
            "owner": 1,
            "role": "official",
        },
    )
    assert response.status_code == 200
    db.session.expire_all()
    org = db.session.get(Organization, city.id)
    assert (org.status, org.kind.value, org.is_demo, org.id) == (
        OrgStatus.ACTIVE,
        "city",
        False,
        city.id,
    )
    assert org.description == "ok"


def test_html_in_text_is_shown_escaped(app, city_admin, city):
    headers = bearer(app.test_client(), city_admin)
    payload = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    response = app.test_client().patch(
        f"/api/v1/organizations/{city.id}", headers=headers, json={"description": payload}
    )
    assert response.status_code == 200
    page = signed_in(app, city_admin).get(f"/organizations/{city.id}").get_data(True)
    assert payload not in page
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page


def test_duplicate_name_is_a_conflict(app, official, city, db):
    headers = bearer(app.test_client(), official)
    response = app.test_client().post(
        "/api/v1/organizations",
        headers=headers,
        json={"kind": "city", "name": "  testville ", "country": "DK", "region": "europe"},
    )
    assert response.status_code == 409
    assert db.session.scalar(select(func.count(Organization.id))) == 1


def test_bad_input_is_422_with_field_errors(app, official, db):
    headers = bearer(app.test_client(), official)
    client = app.test_client()
    cases = [
        {"kind": "village", "name": "X town", "country": "KR", "region": "asia"},
        {"kind": "city", "name": "", "country": "KR", "region": "asia"},
        {"kind": "city", "name": "Y" * 161, "country": "KR", "region": "asia"},
        {"kind": "city", "name": "Ztown", "country": "ZZ", "region": "asia"},
        {"kind": "city", "name": "Ztown", "country": "KR", "region": "mars"},
        {
            "kind": "city",
            "name": "Ztown",
            "country": "KR",
            "region": "asia",
            "development_stage": 9,
        },
        {"kind": "city", "name": "Ztown", "country": "KR", "region": "asia", "sectors": ["war"]},
        {"kind": "city", "name": "Ztown", "country": "KR", "region": "asia", "website": "ftp://x"},
        {"kind": "city", "name": "Ztown", "country": "KR", "region": "asia", "population": "many"},
    ]
    for body in cases:
        response = client.post("/api/v1/organizations", headers=headers, json=body)
        assert response.status_code == 422, body
        problem = response.get_json()
        assert problem["status"] == 422 and problem["errors"], body
    assert db.session.scalar(select(func.count(Organization.id))) == 0


def test_denials_are_in_the_audit_log(app, member_client, city_member, city, db):
    from seoul_platform.audit.models import AuditEvent

    assert member_client.get(f"/organizations/{city.id}/edit").status_code == 403
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "permission.denied"))
    assert event is not None
    assert event.actor_id == city_member.id
    assert event.detail == {"path": f"/organizations/{city.id}/edit"}
    assert event.ip == "127.0.0.1"
