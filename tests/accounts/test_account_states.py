"""After a correct password each account state gets its own honest page; a wrong password
never reveals the state."""

from __future__ import annotations

from sqlalchemy import select

from seoul_platform.accounts import services as account_services
from seoul_platform.accounts.models import UserStatus
from seoul_platform.audit.models import AuditEvent
from seoul_platform.onboarding import services as onboarding
from support import PASSWORD, login

GENERIC = "The e-mail address or password is not correct."


def _applicant(db, official, *, decline: str | None):
    join = onboarding.apply_to_join(
        {
            "kind": "company",
            "name": "Applicant Works",
            "country": "KR",
            "region": "asia",
            "languages": [],
            "website": "",
            "description": "",
            "sectors": [],
            "technologies": [],
            "challenges": [],
            "development_stage": None,
            "population": None,
            "size": None,
        },
        name="Ada Applicant",
        email="ada@example.org",
        password=PASSWORD,
        motivation="We build ramps.",
    )
    db.session.commit()
    if decline is not None:
        onboarding.decide_join_request(official, join.id, approve=False, reason=decline)
        db.session.commit()
    return join.applicant


def test_pending_applicant_lands_on_the_pending_page_signed_in(app, db, official):
    applicant = _applicant(db, official, decline=None)
    assert applicant.status == UserStatus.PENDING
    client = app.test_client()
    response = login(client, applicant)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/pending")
    page = client.get("/pending").get_data(as_text=True)
    assert "awaiting approval" in page
    assert "Sign out" in page and ">Sign in<" not in page
    assert "Signed in as ada@example.org." in page
    # The home page sends them to where they stand instead of offering "Sign in" again.
    home = client.get("/")
    assert home.status_code == 302 and home.headers["Location"].endswith("/pending")


def test_declined_applicant_is_told_with_the_reason(app, db, official):
    applicant = _applicant(db, official, decline="We only admit prize winners' partners.")
    client = app.test_client()
    response = login(client, applicant)
    page = response.get_data(as_text=True)
    assert response.status_code == 403
    assert "Your application was declined" in page
    assert "We only admit prize winners&#39; partners." in page
    assert "Whom to contact" in page
    assert GENERIC not in page
    assert client.get("/directory").status_code == 302  # not signed in
    actions = list(db.session.scalars(select(AuditEvent.action)))
    assert "login.refused" in actions and "login.success" not in actions


def test_disabled_account_is_told_an_official_disabled_it(app, db, official, city_member):
    account_services.set_user_status(official, city_member, UserStatus.DISABLED)
    db.session.commit()
    response = login(app.test_client(), city_member)
    page = response.get_data(as_text=True)
    assert response.status_code == 403
    assert "Your account is disabled" in page and "a Seoul official" in page
    assert "declined" not in page


def test_wrong_password_reveals_no_state(app, db, official, city_member):
    applicant = _applicant(db, official, decline="No.")
    account_services.set_user_status(official, city_member, UserStatus.DISABLED)
    db.session.commit()
    for person in (applicant, city_member):
        response = login(app.test_client(), person, password="not the right password")
        page = response.get_data(as_text=True)
        assert response.status_code == 422
        assert GENERIC in page
        assert "declined" not in page and "disabled" not in page
