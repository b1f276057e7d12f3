"""Every error of a submitted form is reported after one submit (WCAG 3.3.1): the WTForms
validators, the pydantic schema and the password policy all run, and their errors are merged;
before, the schema ran only when WTForms passed, so a bad website appeared only after the
missing name was fixed."""

from __future__ import annotations

import html

from support import PASSWORD, csrf_token


def _post(client, path, data):
    token = csrf_token(client, path)
    return client.post(path, data={**data, "csrf_token": token})


def test_an_organisation_form_reports_a_missing_name_and_a_bad_website_together(
    official_client,
):
    data = {
        "kind": "city",
        "name": "",  # WTForms: DataRequired
        "country": "BR",
        "region": "latin_america",
        "website": "not a web address",  # pydantic schema only
        "description": "",
        "technologies": "",
        "challenges": "",
        "development_stage": "",
        "population": "",
        "size": "",
    }
    response = _post(official_client, "/organizations/new", data)
    assert response.status_code == 422
    page = html.unescape(response.get_data(as_text=True))
    assert "Name: This field is required." in page
    assert "Website: Enter a full web address starting with https://" in page
    # A field flagged by WTForms is not flagged again by the schema.
    assert page.count("Name: ") == 1


def test_editing_an_organisation_reports_both_layers_together(admin_client, city):
    data = {
        "name": "",
        "country": "DK",
        "region": "europe",
        "website": "ftp:nope",
        "description": "",
        "technologies": "",
        "challenges": "",
        "development_stage": "",
        "population": "",
        "size": "",
    }
    response = _post(admin_client, f"/organizations/{city.id}/edit", data)
    page = html.unescape(response.get_data(as_text=True))
    assert "Name: This field is required." in page
    assert "Website: Enter a full web address" in page


def test_joining_reports_form_schema_and_password_problems_together(client, app):
    data = {
        "kind": "company",
        "name": "Bright Sensors",
        "country": "KR",
        "region": "asia",
        "website": "sensors.example",  # schema
        "person_name": "",  # WTForms
        "email": "jo@sensors.example",
        "password": "short",  # password policy (was checked only by the service)
        "confirm": "short",
        "motivation": "We make air sensors.",
    }
    response = _post(client, "/join", data)
    assert response.status_code == 422
    page = html.unescape(response.get_data(as_text=True))
    assert "Your name: This field is required." in page
    assert "Website: Enter a full web address" in page
    assert "Choose a password: Use at least 12 characters." in page


def test_changing_the_password_reports_every_field_at_once(member_client):
    data = {"current_password": "not my password", "password": "short", "confirm": "other"}
    response = _post(member_client, "/account/password", data)
    assert response.status_code == 422
    page = html.unescape(response.get_data(as_text=True))
    assert "Current password: The current password is not correct." in page
    assert "New password: Use at least 12 characters." in page
    assert "Repeat the new password: The passwords differ." in page


def test_a_good_password_change_still_works(member_client):
    new = "a fresh and long passphrase 77"
    data = {"current_password": PASSWORD, "password": new, "confirm": new}
    assert _post(member_client, "/account/password", data).status_code == 302
