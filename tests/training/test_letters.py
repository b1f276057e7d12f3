"""Invitation letters: who downloads one, the code (set when first needed), the public
verification (only the listed fields; valid while enrolled), English and Korean."""

from __future__ import annotations

import pytest

from seoul_platform.db import db as _db
from seoul_platform.training.models import Enrollment
from support import signed_in

LETTER_KEYS = {"code", "holder_name", "cohort", "programme", "starts_on", "ends_on", "status"}


@pytest.fixture
def enrolled(db, training, participant):
    return training.enrollment(training.cohort(address="110 Sejong-daero, Seoul"), participant)


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_the_participant_downloads_a_letter(app, enrolled, participant, lang):
    client = signed_in(app, participant)
    response = client.get(f"/training/enrollments/{enrolled.id}/letter?lang={lang}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and f'lang="{lang}"' in html
    code = _db.session.get(Enrollment, enrolled.id).letter_code
    assert code and len(code) == 32 and code in html
    assert participant.name in html and "Testville" in html and "110 Sejong-daero" in html
    assert f"/verify/letters/{code}" in html and "<svg" in html and "print-records.css" in html
    again = client.get(f"/training/enrollments/{enrolled.id}/letter").get_data(as_text=True)
    assert code in again  # generated once


def test_the_letter_names_the_place_in_words(app, db, training, participant):
    online = training.enrollment(training.cohort(place_mode="online", address=""), participant)
    client = signed_in(app, participant)
    html = client.get(f"/training/enrollments/{online.id}/letter?lang=en").get_data(as_text=True)
    assert "<dd>Online</dd>" in html  # the label, not the stored value "online"
    korean = client.get(f"/training/enrollments/{online.id}/letter?lang=ko").get_data(as_text=True)
    assert "<dd>online</dd>" not in korean and "<dd>Online</dd>" not in korean


def test_the_letter_office_comes_from_the_configuration(app, enrolled, participant, monkeypatch):
    monkeypatch.setitem(
        app.config, "TRAINING_LETTER_OFFICE", "Global Cooperation Division, Test City Hall"
    )
    html = (
        signed_in(app, participant)
        .get(f"/training/enrollments/{enrolled.id}/letter")
        .get_data(as_text=True)
    )
    assert "Global Cooperation Division, Test City Hall" in html


@pytest.mark.parametrize(
    "who,status", [("admin", 200), ("official", 200), ("colleague", 404), ("other_org", 404)]
)
def test_who_gets_the_letter(
    app, enrolled, who, status, make, city, city_admin, official, company_admin
):
    person = {
        "admin": city_admin,
        "official": official,
        "colleague": make.user(city),
        "other_org": company_admin,
    }[who]
    assert (
        signed_in(app, person).get(f"/training/enrollments/{enrolled.id}/letter").status_code
        == status
    )


def test_not_enrolled_gets_no_letter(app, db, training, participant):
    waiting = training.enrollment(training.cohort(), participant, status="waitlisted")
    response = signed_in(app, participant).get(f"/training/enrollments/{waiting.id}/letter")
    assert response.status_code == 403


def test_public_letter_verification(app, enrolled, participant):
    signed_in(app, participant).get(f"/training/enrollments/{enrolled.id}/letter")
    code = _db.session.get(Enrollment, enrolled.id).letter_code
    from seoul_platform.training import letters

    assert set(letters.verification(letters.find(code))) == LETTER_KEYS
    page = app.test_client().get(f"/verify/letters/{code}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and participant.name in html and "valid while" in html
    assert "Testville" not in html.split("<main")[1]
    _db.session.get(Enrollment, enrolled.id).status = "withdrawn"
    _db.session.commit()
    assert "no longer enrolled" in app.test_client().get(f"/verify/letters/{code}").get_data(
        as_text=True
    )
    assert app.test_client().get("/verify/letters/" + "Z" * 32).status_code == 404
