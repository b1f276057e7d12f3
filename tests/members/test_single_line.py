"""Line breaks and control characters never get into single-line fields (names, titles,
websites, e-mail addresses ...): the API answers 422, the forms show a field error, and
nothing is stored. Multi-line fields keep their line breaks and lose other controls."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from seoul_platform.accounts.models import User
from seoul_platform.members.models import Award, Organization
from seoul_platform.onboarding.models import JoinRequest
from support import PASSWORD, bearer, csrf_token, signed_in


def _refused(brk: str) -> int:
    """NUL is refused where the request is read (400: PostgreSQL text cannot hold it), before
    any schema; every other break or control character by the field's type (422)."""
    return 400 if brk == "\x00" else 422


BREAKS = ["\n", "\r", "\r\n", "\x85", "\u2028", "\u2029", "\x0b", "\x0c", "\x00", "\x1b", "\x9b"]

ORG = {"kind": "company", "name": "Clean Lines Ltd", "country": "KR", "region": "asia"}
JOIN = {
    "organization": ORG,
    "name": "Clean Applicant",
    "email": "clean@lines.example",
    "password": PASSWORD,
    "motivation": "We write tidy data.",
}


def _hostile(field_value: str, brk: str) -> str:
    return field_value[:3] + brk + "Bcc: victim@example.org" + field_value[3:]


# Where each single-line field sits in the join request body, with a valid value.
JOIN_FIELDS = {
    ("organization", "name"): "Clean Lines Ltd",
    ("organization", "website"): "https://lines.example/",
    ("organization", "country"): "KR",
    ("organization", "languages"): ["en"],
    ("organization", "technologies"): ["open data"],
    ("name",): "Clean Applicant",
    ("email",): "clean@lines.example",
}


def _with(body: dict, path: tuple, value) -> dict:
    body = {**body, "organization": dict(body["organization"])}
    target = body if len(path) == 1 else body["organization"]
    target[path[-1]] = value
    return body


def _poison(valid, brk: str):
    if isinstance(valid, list):
        return [_hostile(valid[0], brk)]
    return _hostile(valid, brk)


@pytest.mark.parametrize("brk", BREAKS, ids=[repr(b) for b in BREAKS])
@pytest.mark.parametrize("path", list(JOIN_FIELDS), ids=[".".join(p) for p in JOIN_FIELDS])
def test_join_api_refuses_line_breaks_in_single_line_fields(app, db, path, brk):
    body = _with(JOIN, path, _poison(JOIN_FIELDS[path], brk))
    response = app.test_client().post("/api/v1/join-requests", json=body)
    assert response.status_code == _refused(brk), response.get_json()
    assert db.session.scalar(select(func.count(Organization.id))) == 0
    assert db.session.scalar(select(func.count(User.id))) == 0


ORG_FIELDS = {
    "name": "Clean City",
    "website": "https://city.example/",
    "country": "KR",
    "languages": ["ko"],
    "technologies": ["digital twin"],
    "challenges": ["ageing population"],
}


@pytest.mark.parametrize("brk", ["\n", "\x85", "\u2028", "\x00"], ids=repr)
@pytest.mark.parametrize("field", list(ORG_FIELDS))
def test_organisation_api_refuses_line_breaks(app, official, city, db, field, brk):
    headers = bearer(app.test_client(), official)
    body = {"kind": "city", "name": "Clean City", "country": "KR", "region": "asia"}
    body[field] = _poison(ORG_FIELDS[field], brk)
    client = app.test_client()
    created = client.post("/api/v1/organizations", json=body, headers=headers)
    assert created.status_code == _refused(brk)
    patched = client.patch(
        f"/api/v1/organizations/{city.id}",
        json={field: _poison(ORG_FIELDS[field], brk)},
        headers=headers,
    )
    assert patched.status_code == _refused(brk)
    db.session.expire_all()
    assert db.session.scalar(select(func.count(Organization.id))) == 1
    assert db.session.get(Organization, city.id).name == "Testville"


@pytest.mark.parametrize("field", ["project_title", "laureate_name", "partner"])
def test_award_api_refuses_line_breaks(app, official, city, db, field):
    headers = bearer(app.test_client(), official)
    body = {
        "year": 2025,
        "category": "leadership",
        "laureate_name": "Mayor Kim",
        "project_title": "Twin",
        field: "Mayor\r\nBcc: x@example.org",
    }
    response = app.test_client().post(
        f"/api/v1/organizations/{city.id}/awards", json=body, headers=headers
    )
    assert response.status_code == 422
    assert db.session.scalar(select(func.count(Award.id))) == 0


def test_invitation_api_refuses_a_line_break_in_the_address(app, official, city, db):
    headers = bearer(app.test_client(), official)
    response = app.test_client().post(
        "/api/v1/invitations",
        json={"email": "a@b.example\nBcc: c@d.example", "organization_id": city.id},
        headers=headers,
    )
    assert response.status_code == 422


JOIN_FORM = {
    "kind": "company",
    "name": "Greenline Sensors",
    "country": "KE",
    "region": "africa",
    "website": "https://greenline.example",
    "technologies": "sensors, open data",
    "person_name": "Wanjiru Founder",
    "email": "founder@greenline.example",
    "password": "a long enough passphrase",
    "confirm": "a long enough passphrase",
    "motivation": "We would like to pilot sensors.",
}


@pytest.mark.parametrize("brk", ["\n", "\x85", "\u2028", "\x00"], ids=repr)
@pytest.mark.parametrize("field", ["name", "website", "technologies", "person_name", "email"])
def test_join_form_refuses_line_breaks(app, db, field, brk):
    client = app.test_client()
    data = {**JOIN_FORM, "csrf_token": csrf_token(client, "/join")}
    data[field] = _hostile(data[field], brk)
    response = client.post("/join", data=data)
    assert response.status_code == _refused(brk)
    if brk != "\x00":  # NUL gets the plain 400 page of a malformed request
        page = response.get_data(as_text=True)
        assert "line breaks and control characters are not allowed" in page
    assert db.session.scalar(select(func.count(JoinRequest.id))) == 0
    assert db.session.scalar(select(func.count(User.id))) == 0


@pytest.mark.parametrize("field", ["name", "job_title"])
def test_profile_form_refuses_line_breaks(app, city_member, db, field):
    client = signed_in(app, city_member)
    data = {"name": "Mo Member", "job_title": "Planner", "locale": "en"}
    data[field] = "Mo\u2028Bcc: x@example.org"
    data["csrf_token"] = csrf_token(client, "/account")
    response = client.post("/account", data=data)
    assert response.status_code == 422
    db.session.expire_all()
    person = db.session.get(User, city_member.id)
    assert (person.name, person.job_title) == ("Mo Member", "")


def test_multi_line_fields_keep_line_breaks_but_lose_controls(app, official, db):
    headers = bearer(app.test_client(), official)
    body = {
        "kind": "city",
        "name": "Multi Line City",
        "country": "KR",
        "region": "asia",
        "description": "First line\r\nsecond\x07 line\u2028third\x1b[31m\u202e",
    }
    response = app.test_client().post("/api/v1/organizations", json=body, headers=headers)
    assert response.status_code == 201
    org = db.session.scalar(select(Organization).where(Organization.name == "Multi Line City"))
    assert org.description == "First line\nsecond line\nthird[31m"


def test_single_line_values_are_normalised(app, official, db):
    headers = bearer(app.test_client(), official)
    body = {
        "kind": "city",
        "name": " \uff37ide\u200b  Town\u00a0 ",
        "country": "KR",
        "region": "asia",
    }
    response = app.test_client().post("/api/v1/organizations", json=body, headers=headers)
    assert response.status_code == 201
    assert response.get_json()["name"] == "Wide Town"
