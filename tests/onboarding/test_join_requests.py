"""Companies and institutions apply; officials vet; until then the applicant only waits."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from seoul_platform.accounts.models import User, UserStatus
from seoul_platform.accounts.services import set_user_status
from seoul_platform.audit.models import StateChange
from seoul_platform.db import unit_of_work
from seoul_platform.errors import Conflict
from seoul_platform.lifecycle import history
from seoul_platform.mail.delivery import render_text
from seoul_platform.mail.models import OutboundEmail
from seoul_platform.members.models import Organization, OrgStatus
from seoul_platform.onboarding import services as onboarding
from seoul_platform.onboarding.models import JoinRequest, JoinRequestStatus
from support import PASSWORD, bearer, csrf_token, login

FORM = {
    "kind": "company",
    "name": "Greenline Sensors",
    "country": "KE",
    "region": "africa",
    "website": "https://greenline.example",
    "description": "Air-quality sensors.",
    "sectors": ["environment"],
    "technologies": "sensors, open data",
    "languages": ["en", "sw"],
    "size": "startup",
    "person_name": "Wanjiru Founder",
    "email": "founder@greenline.example",
    "password": "a long enough passphrase",
    "confirm": "a long enough passphrase",
    "motivation": "We would like to pilot low-cost sensors with a partner city.",
}


def _apply(client, **overrides):
    data = {**FORM, **overrides, "csrf_token": csrf_token(client, "/join")}
    return client.post("/join", data=data)


def test_apply_then_wait_then_approved(app, official, db):
    applicant = app.test_client()
    response = _apply(applicant)
    assert response.status_code == 302 and response.headers["Location"].endswith("/join/received")
    assert login(applicant, FORM["email"], FORM["password"]).status_code == 302
    assert applicant.get("/directory").headers["Location"].endswith("/pending")
    org = db.session.scalar(select(Organization).where(Organization.name == "Greenline Sensors"))
    assert org.status == OrgStatus.PENDING
    assert org.technology_values == ["open data", "sensors"]
    assert (
        db.session.scalar(
            select(func.count(OutboundEmail.id)).where(OutboundEmail.to == official.email)
        )
        == 1
    )

    # other members do not see pending organisations
    request_row = db.session.scalar(select(JoinRequest))
    headers = bearer(app.test_client(), official)
    decided = app.test_client().post(
        f"/api/v1/join-requests/{request_row.id}/decision",
        json={"decision": "approve"},
        headers=headers,
    )
    assert decided.status_code == 200 and decided.get_json()["status"] == "approved"
    assert applicant.get("/directory").status_code == 200
    db.session.expire_all()
    assert org.status == OrgStatus.ACTIVE


def test_decline_needs_a_reason_and_disables_the_applicant(app, official, db):
    _apply(app.test_client())
    row = db.session.scalar(select(JoinRequest))
    headers = bearer(app.test_client(), official)
    client = app.test_client()
    no_reason = client.post(
        f"/api/v1/join-requests/{row.id}/decision", json={"decision": "decline"}, headers=headers
    )
    assert no_reason.status_code == 422
    declined = client.post(
        f"/api/v1/join-requests/{row.id}/decision",
        json={"decision": "decline", "reason": "Outside our scope."},
        headers=headers,
    )
    assert declined.status_code == 200
    applicant = db.session.scalar(select(User).where(User.email == FORM["email"]))
    assert applicant.status == UserStatus.DECLINED  # final: not "disabled", see lifecycle
    refused = login(app.test_client(), FORM["email"], "a long enough passphrase")
    assert refused.status_code == 403 and "declined" in refused.get_data(as_text=True)
    mail = db.session.scalar(select(OutboundEmail).where(OutboundEmail.to == FORM["email"]))
    assert "Outside our scope." in render_text(mail)


def test_concurrent_decisions_exactly_one_wins(app, official, db):
    _apply(app.test_client())
    row_id = db.session.scalar(select(JoinRequest.id))
    headers = bearer(app.test_client(), official)
    statuses: list[int] = []
    barrier = threading.Barrier(10)

    def decide(i: int) -> None:
        client = app.test_client()
        barrier.wait()
        body = {"decision": "approve"} if i % 2 else {"decision": "decline", "reason": "No."}
        statuses.append(
            client.post(
                f"/api/v1/join-requests/{row_id}/decision", json=body, headers=headers
            ).status_code
        )

    threads = [threading.Thread(target=decide, args=(i,)) for i in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert statuses.count(200) == 1 and statuses.count(409) == 9
    from seoul_platform.audit.models import AuditEvent

    decisions = db.session.scalar(
        select(func.count(AuditEvent.id)).where(
            AuditEvent.action.in_(["join_request.approved", "join_request.declined"])
        )
    )
    assert decisions == 1
    # One history entry for the request, one for the applicant's account that followed it.
    moves = db.session.scalars(
        select(StateChange.subject_type).where(StateChange.from_state == "pending")
    ).all()
    assert sorted(moves) == ["join_request", "user"]


def test_cities_cannot_apply_and_bad_input_changes_nothing(app, db):
    client = app.test_client()
    city = _apply(client, kind="city")
    assert city.status_code == 422
    weak = _apply(client, password="password", confirm="password")
    assert weak.status_code == 422 and "too common" in weak.get_data(True)
    bad_country = _apply(client, country="XX")
    assert bad_country.status_code == 422
    bad_site = _apply(client, website="javascript:alert(1)")
    assert bad_site.status_code == 422
    assert db.session.scalar(select(func.count(Organization.id))) == 0
    assert db.session.scalar(select(func.count(User.id))) == 0


def test_official_sees_and_decides_in_html(app, official_client, db):
    _apply(app.test_client())
    page = official_client.get("/admin/join-requests")
    assert "Greenline Sensors" in page.get_data(True)
    row = db.session.scalar(select(JoinRequest))
    response = official_client.post(
        f"/admin/join-requests/{row.id}/decision",
        data={
            "decision": "approve",
            "reason": "",
            "csrf_token": csrf_token(official_client, "/admin/join-requests"),
        },
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(JoinRequest, row.id).status == JoinRequestStatus.APPROVED


def test_api_join_request(app, db):
    response = app.test_client().post(
        "/api/v1/join-requests",
        json={
            "organization": {
                "kind": "institution",
                "name": "Lagos Urban Lab",
                "country": "NG",
                "region": "africa",
                "sectors": ["governance"],
                "status": "active",
            },
            "name": "Ade Researcher",
            "email": "ade@lab.example",
            "password": PASSWORD,
            "motivation": "Research partner for pilots.",
            "role": "official",
        },
    )
    assert response.status_code == 202
    assert response.get_json()["status"] == "received"
    org = db.session.scalar(select(Organization).where(Organization.name == "Lagos Urban Lab"))
    assert org.status == OrgStatus.PENDING  # "status": "active" in the body was ignored
    user = db.session.scalar(select(User).where(User.email == "ade@lab.example"))
    assert not user.is_official and user.status == UserStatus.PENDING


def test_ten_simultaneous_applications_with_one_address_make_one_account(app, db):
    statuses: list[int] = []
    barrier = threading.Barrier(10)

    def apply(i: int) -> None:
        client = app.test_client()
        barrier.wait()
        response = client.post(
            "/api/v1/join-requests",
            json={
                "organization": {
                    "kind": "company",
                    "name": f"Twin Clicks {i}",
                    "country": "KR",
                    "region": "asia",
                },
                "name": "Double Clicker",
                "email": "clicker@example.org",
                "password": "a long enough passphrase",
                "motivation": "Twice, by accident.",
            },
        )
        statuses.append(response.status_code)

    threads = [threading.Thread(target=apply, args=(i,)) for i in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert statuses == [202] * 10, statuses  # the same answer for all; one account
    assert db.session.scalar(select(func.count(User.id))) == 1
    assert db.session.scalar(select(func.count(Organization.id))) == 1
    assert db.session.scalar(select(func.count(JoinRequest.id))) == 1


def test_enabling_a_pending_or_declined_applicant_is_refused(app, official, official_client, db):
    """The status form used to enable anyone, skipping vetting. Now: 409-style refusal with a
    clear message, the account and its history unchanged."""
    _apply(app.test_client())
    applicant = db.session.scalar(select(User).where(User.email == FORM["email"]))
    org_id, applicant_id = applicant.organization_id, applicant.id

    def enable():
        with pytest.raises(Conflict) as err, unit_of_work():
            set_user_status(official, db.session.get(User, applicant_id), UserStatus.ACTIVE)
        assert err.value.status == 409
        return err.value.detail

    assert "decide the request instead" in enable()
    db.session.expire_all()
    assert db.session.get(User, applicant_id).status == UserStatus.PENDING

    row = db.session.scalar(select(JoinRequest))
    with unit_of_work():
        onboarding.decide_join_request(official, row.id, approve=False, reason="Out of scope.")
    before = db.session.scalar(select(func.count(StateChange.id)))
    assert "cannot be enabled" in enable()
    response = official_client.post(  # the HTML action officials use says so too
        f"/admin/people/{applicant_id}/status",
        data={
            "status": "active",
            "org_id": org_id,
            "csrf_token": csrf_token(official_client, "/admin/join-requests"),
        },
        follow_redirects=True,
    )
    assert "cannot be enabled" in response.get_data(True)
    db.session.expire_all()
    assert db.session.get(User, applicant_id).status == UserStatus.DECLINED
    assert db.session.scalar(select(func.count(StateChange.id))) == before


def test_official_disables_and_enables_an_active_account(app, official, city_member, db):
    with unit_of_work():
        set_user_status(official, db.session.get(User, city_member.id), UserStatus.DISABLED)
    with pytest.raises(Conflict) as err, unit_of_work():  # twice: the second names the state
        set_user_status(official, db.session.get(User, city_member.id), UserStatus.DISABLED)
    assert err.value.detail == "This account is already disabled."
    with unit_of_work():
        set_user_status(official, db.session.get(User, city_member.id), UserStatus.ACTIVE)
    moves = [(h.from_state, h.to_state, h.actor_id) for h in history("user", city_member.id)]
    assert moves == [("active", "disabled", official.id), ("disabled", "active", official.id)]
