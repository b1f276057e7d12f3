"""The enrollment API per role and operation: applying (first-come, reviewed, for a colleague),
reading, deciding one by one and in bulk, withdrawing, answering an offer, my enrollments, a
cohort's list and mix. 409s name the state; hostile input is a 422 that stores nothing; no
response shows another person's enrollment to anyone but officials and the org's admins."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from seoul_platform.db import utcnow
from seoul_platform.training.models import Enrollment
from support import bearer

ROLES = ("person", "colleague", "org_admin", "other_org", "official")


@pytest.fixture
def people(make, city, company, official, city_admin):
    return {
        "person": make.user(city, name="Pia Person"),
        "colleague": make.user(city, name="Cole Colleague"),
        "org_admin": city_admin,
        "other_org": make.user(company, name="Otto Other"),
        "official": official,
    }


@pytest.fixture
def headers(client, people):
    cache: dict[str, dict] = {}

    def get(role: str) -> dict:
        if role == "visitor":
            return {}
        if role not in cache:
            cache[role] = bearer(client, people[role])
        return cache[role]

    return get


def _apply(client, cohort_id, h, **body):
    return client.post(f"/api/v1/cohorts/{cohort_id}/enrollments", json=body, headers=h)


def _count(db) -> int:
    return db.session.scalar(select(func.count(Enrollment.id)))


# ---- applying -------------------------------------------------------------------------------


def test_first_come_enrolls_then_waitlists_and_a_second_apply_is_a_409(
    client, db, training, people, headers
):
    cohort = training.cohort(capacity=1)
    first = _apply(client, cohort.id, headers("person"), motivation="Line one\nLine two")
    assert first.status_code == 201, first.get_json()
    data = first.get_json()
    assert data["status"] == "enrolled" and data["waitlist_position"] is None
    assert data["motivation"] == "Line one\nLine two"
    assert data["person"]["name"] == "Pia Person"
    second = _apply(client, cohort.id, headers("other_org"))
    assert second.status_code == 201
    assert second.get_json()["status"] == "waitlisted"
    assert second.get_json()["waitlist_position"] == 1
    again = _apply(client, cohort.id, headers("person"))
    assert again.status_code == 409
    assert "already enrolled" in again.get_json()["detail"]
    waiting_again = _apply(client, cohort.id, headers("other_org"))
    assert waiting_again.status_code == 409
    assert "waitlist" in waiting_again.get_json()["detail"]
    assert _count(db) == 2


def test_a_reviewed_cohort_collects_applications(client, training, headers):
    cohort = training.cohort(admission="reviewed")
    response = _apply(client, cohort.id, headers("person"))
    assert response.status_code == 201 and response.get_json()["status"] == "applied"
    again = _apply(client, cohort.id, headers("person"))
    assert again.status_code == 409 and "waits for a decision" in again.get_json()["detail"]


def test_an_org_admin_applies_for_a_colleague_but_nobody_else_does(
    client, db, training, people, headers
):
    cohort = training.cohort()
    colleague = people["colleague"]
    done = _apply(client, cohort.id, headers("org_admin"), user_id=colleague.id)
    assert done.status_code == 201, done.get_json()
    assert done.get_json()["person"]["id"] == colleague.id
    assert done.get_json()["applied_by_self"] is False
    other = people["other_org"]
    for role in ("person", "other_org"):
        refused = _apply(client, cohort.id, headers(role), user_id=people["org_admin"].id)
        assert refused.status_code == 403, (role, refused.get_json())
    refused = _apply(client, cohort.id, headers("org_admin"), user_id=other.id)
    assert refused.status_code == 403
    assert _count(db) == 1


def test_not_eligible_lists_every_reason_with_its_code(client, db, training, headers):
    closed = training.cohort(
        application_deadline=utcnow() - timedelta(days=1), org_kinds=["company"]
    )
    response = _apply(client, closed.id, headers("person"))
    assert response.status_code == 422
    assert {"deadline_passed", "org_kind"} <= set(response.get_json()["errors"])
    assert _count(db) == 0


def test_visitors_and_drafts(client, training, headers):
    cohort = training.cohort()
    assert _apply(client, cohort.id, headers("visitor")).status_code == 401
    draft = training.cohort(status="draft")
    assert _apply(client, draft.id, headers("person")).status_code == 404
    assert _apply(client, 987654, headers("person")).status_code == 404


# ---- hostile input ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        {"user_id": "12"},
        {"user_id": True},
        {"user_id": 2**31},
        {"user_id": 10**40},
        {"user_id": 0},
        {"motivation": "x" * 2001},
        {"motivation": {"nested": {"deeper": [1, 2, 3]}}},
        {"motivation": ["a", "b"]},
    ],
)
def test_hostile_bodies_are_422_and_store_nothing(client, db, training, headers, body):
    cohort = training.cohort()
    response = _apply(client, cohort.id, headers("person"), **body)
    assert response.status_code == 422, response.get_json()
    assert _count(db) == 0


def test_deeply_nested_json_and_not_json(client, db, training, headers):
    cohort = training.cohort()
    deep: object = "x"
    for _ in range(200):
        deep = {"a": deep}
    response = _apply(client, cohort.id, headers("person"), motivation=deep)
    assert response.status_code in (400, 422)
    text = client.post(
        f"/api/v1/cohorts/{cohort.id}/enrollments",
        data="motivation=hi",
        headers={**headers("person"), "Content-Type": "text/plain"},
    )
    assert text.status_code == 415
    assert _count(db) == 0


def test_mass_assignment_is_ignored(client, db, training, headers):
    cohort = training.cohort(admission="reviewed")
    body = {
        "status": "enrolled",
        "ticket": -5,
        "cohort_id": 999,
        "decided_by_id": 1,
        "letter_code": "mine",
    }
    response = client.post(
        f"/api/v1/cohorts/{cohort.id}/enrollments", json=body, headers=headers("person")
    )
    assert response.status_code == 201
    data = response.get_json()
    assert data["status"] == "applied" and data["ticket"] == 1 and data["cohort_id"] == cohort.id
    assert db.session.get(Enrollment, data["id"]).letter_code is None


def test_huge_ids_in_the_path_match_no_route(client, headers):
    for path in ("/api/v1/enrollments/99999999999999999999", "/api/v1/enrollments/-1"):
        assert client.get(path, headers=headers("official")).status_code in (404, 405)
    response = client.post(
        "/api/v1/cohorts/99999999999999999999/enrollments", json={}, headers=headers("person")
    )
    assert response.status_code in (404, 405)


# ---- reading, per role ---------------------------------------------------------------------

READ = {
    "visitor": 401,
    "person": 200,
    "colleague": 404,
    "org_admin": 200,
    "other_org": 404,
    "official": 200,
}


@pytest.mark.parametrize("role", list(READ))
def test_who_reads_an_enrollment(client, training, people, headers, role):
    cohort = training.cohort()
    e = training.enrollment(cohort, people["person"])
    response = client.get(f"/api/v1/enrollments/{e.id}", headers=headers(role))
    assert response.status_code == READ[role], response.get_json()
    if READ[role] == 200:
        assert response.get_json()["person"]["name"] == "Pia Person"
    else:
        assert "Pia" not in response.get_data(as_text=True)


OFFICIAL_ONLY = {
    "visitor": 401,
    "person": 403,
    "colleague": 403,
    "org_admin": 403,
    "other_org": 403,
    "official": 200,
}


@pytest.mark.parametrize("role", list(OFFICIAL_ONLY))
def test_who_lists_a_cohort_and_reads_its_mix(client, training, people, headers, role):
    cohort = training.cohort(capacity=1)
    training.enrollment(cohort, people["person"])
    training.enrollment(cohort, people["other_org"], "waitlisted")
    listed = client.get(f"/api/v1/cohorts/{cohort.id}/enrollments", headers=headers(role))
    mix = client.get(f"/api/v1/cohorts/{cohort.id}/mix", headers=headers(role))
    assert listed.status_code == mix.status_code == OFFICIAL_ONLY[role]
    if role != "official":
        assert "Pia" not in listed.get_data(as_text=True)
        return
    items = listed.get_json()["items"]
    assert [(i["person"]["name"], i["status"], i["waitlist_position"]) for i in items] == [
        ("Pia Person", "enrolled", None),
        ("Otto Other", "waitlisted", 1),
    ]
    waiting = client.get(
        f"/api/v1/cohorts/{cohort.id}/enrollments?status=waitlisted", headers=headers(role)
    ).get_json()
    assert waiting["total"] == 1
    assert (
        client.get(
            f"/api/v1/cohorts/{cohort.id}/enrollments?status=nonsense", headers=headers(role)
        ).status_code
        == 422
    )
    body = mix.get_json()
    assert body["totals"] == {"seated": 1, "applied": 0, "waitlisted": 1}
    regions = {row["value"]: row["counts"] for row in body["dimensions"]["region"]}
    assert regions["europe"]["seated"] == 1 and regions["asia"]["waitlisted"] == 1
    assert client.get("/api/v1/cohorts/987654/mix", headers=headers(role)).status_code == 404


def test_my_enrollments_are_only_mine(client, training, people, headers):
    cohort = training.cohort(capacity=1)
    training.enrollment(cohort, people["colleague"])
    mine = training.enrollment(cohort, people["person"], "waitlisted")
    items = client.get("/api/v1/me/enrollments", headers=headers("person")).get_json()["items"]
    assert [(i["id"], i["waitlist_position"]) for i in items] == [(mine.id, 1)]
    assert client.get("/api/v1/me/enrollments").status_code == 401


# ---- decisions -------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_only_officials_decide(client, db, training, people, headers, role):
    cohort = training.cohort(admission="reviewed")
    e = training.enrollment(cohort, people["person"], "applied")
    response = client.post(
        f"/api/v1/enrollments/{e.id}/decision", json={"decision": "accept"}, headers=headers(role)
    )
    expected = 200 if role == "official" else 403
    assert response.status_code == expected, response.get_json()
    db.session.expire_all()
    status = db.session.get(Enrollment, e.id).status.value
    assert status == ("enrolled" if role == "official" else "applied")


def test_decisions_409_name_the_state_and_reject_needs_a_reason(client, training, people, headers):
    cohort = training.cohort(admission="reviewed", capacity=1)
    seated = training.enrollment(cohort, people["colleague"])
    waiting = training.enrollment(cohort, people["person"], "applied")
    h = headers("official")
    full = client.post(
        f"/api/v1/enrollments/{waiting.id}/decision", json={"decision": "accept"}, headers=h
    )
    assert full.status_code == 409 and "full" in full.get_json()["detail"]
    again = client.post(
        f"/api/v1/enrollments/{seated.id}/decision", json={"decision": "accept"}, headers=h
    )
    assert again.status_code == 409 and "already enrolled" in again.get_json()["detail"]
    no_reason = client.post(
        f"/api/v1/enrollments/{waiting.id}/decision", json={"decision": "reject"}, headers=h
    )
    assert no_reason.status_code == 422
    bad = client.post(
        f"/api/v1/enrollments/{waiting.id}/decision", json={"decision": "enrol"}, headers=h
    )
    assert bad.status_code == 422
    rejected = client.post(
        f"/api/v1/enrollments/{waiting.id}/decision",
        json={"decision": "reject", "reason": "Not this year."},
        headers=h,
    )
    assert rejected.status_code == 200 and rejected.get_json()["status"] == "rejected"
    reapply = _apply(client, cohort.id, headers("person"))
    assert reapply.status_code == 409 and "rejected" in reapply.get_json()["detail"]


def test_bulk_decisions_answer_each_id(client, make, city, training, people, headers):
    cohort = training.cohort(admission="reviewed", capacity=2)
    rows = [training.enrollment(cohort, make.user(city), "applied") for _ in range(3)]
    other = training.cohort(admission="reviewed")
    elsewhere = training.enrollment(other, people["person"], "applied")
    ids = [r.id for r in rows] + [elsewhere.id]
    response = client.post(
        f"/api/v1/cohorts/{cohort.id}/decisions",
        json={"ids": ids, "decision": "accept"},
        headers=headers("official"),
    )
    assert response.status_code == 200, response.get_json()
    results = {i["id"]: i for i in response.get_json()["items"]}
    assert [results[r.id]["ok"] for r in rows] == [True, True, False]
    assert "full" in results[rows[2].id]["message"]
    assert results[elsewhere.id]["ok"] is False  # not this cohort's
    for role in ("person", "org_admin"):
        refused = client.post(
            f"/api/v1/cohorts/{cohort.id}/decisions",
            json={"ids": ids, "decision": "waitlist"},
            headers=headers(role),
        )
        assert refused.status_code == 403
    for body in (
        {"ids": [], "decision": "accept"},
        {"ids": list(range(1, 102)), "decision": "accept"},
        {"ids": ["1"], "decision": "accept"},
        {"ids": [rows[2].id], "decision": "reject"},
    ):
        bad = client.post(
            f"/api/v1/cohorts/{cohort.id}/decisions", json=body, headers=headers("official")
        )
        assert bad.status_code == 422, body


# ---- the participant's moves ---------------------------------------------------------------

MOVE = {
    "visitor": 401,
    "person": 200,
    "colleague": 404,
    "org_admin": 200,
    "other_org": 404,
    "official": 403,
}


@pytest.mark.parametrize("role", list(MOVE))
def test_who_withdraws(client, db, training, people, headers, role):
    cohort = training.cohort()
    e = training.enrollment(cohort, people["person"])
    response = client.post(f"/api/v1/enrollments/{e.id}/withdraw", headers=headers(role))
    assert response.status_code == MOVE[role], response.get_json()
    db.session.expire_all()
    withdrawn = db.session.get(Enrollment, e.id).status.value == "withdrawn"
    assert withdrawn == (MOVE[role] == 200)


def test_withdraw_offers_the_seat_and_the_offer_is_accepted_or_declined(
    client, training, people, headers
):
    cohort = training.cohort(capacity=1)
    seated = training.enrollment(cohort, people["colleague"])
    first = training.enrollment(cohort, people["person"], "waitlisted")
    second = training.enrollment(cohort, people["other_org"], "waitlisted")
    assert (
        client.post(
            f"/api/v1/enrollments/{seated.id}/withdraw", headers=headers("colleague")
        ).status_code
        == 200
    )
    again = client.post(f"/api/v1/enrollments/{seated.id}/withdraw", headers=headers("colleague"))
    assert again.status_code == 409 and "withdrawn" in again.get_json()["detail"]
    offered = client.get(f"/api/v1/enrollments/{first.id}", headers=headers("person")).get_json()
    assert offered["status"] == "offered" and offered["offer_expires_at"]
    declined = client.post(
        f"/api/v1/enrollments/{first.id}/decline-offer", headers=headers("person")
    )
    assert declined.status_code == 200 and declined.get_json()["status"] == "declined"
    accepted = client.post(
        f"/api/v1/enrollments/{second.id}/accept-offer", headers=headers("other_org")
    )
    assert accepted.status_code == 200 and accepted.get_json()["status"] == "enrolled"
    no_offer = client.post(
        f"/api/v1/enrollments/{second.id}/accept-offer", headers=headers("other_org")
    )
    assert no_offer.status_code == 409


def test_an_expired_offer_is_expired_on_read_and_cannot_be_accepted(
    client, db, training, people, headers
):
    cohort = training.cohort(capacity=1)
    e = training.enrollment(
        cohort, people["person"], "offered", offer_expires_at=utcnow() - timedelta(minutes=1)
    )
    waiting = training.enrollment(cohort, people["other_org"], "waitlisted")
    accepted = client.post(f"/api/v1/enrollments/{e.id}/accept-offer", headers=headers("person"))
    assert accepted.status_code == 409 and "expired" in accepted.get_json()["detail"]
    read = client.get(f"/api/v1/enrollments/{e.id}", headers=headers("person")).get_json()
    assert read["status"] == "expired"
    nxt = client.get(f"/api/v1/enrollments/{waiting.id}", headers=headers("other_org")).get_json()
    assert nxt["status"] == "offered"


def test_prerequisite_confirmation(client, training, people, headers):
    cohort = training.cohort(prerequisite_title="Smart city basics")
    e = training.enrollment(cohort, people["person"])
    assert (
        client.post(
            f"/api/v1/enrollments/{e.id}/prerequisite", headers=headers("other_org")
        ).status_code
        == 404
    )
    done = client.post(f"/api/v1/enrollments/{e.id}/prerequisite", headers=headers("person"))
    assert done.status_code == 200 and done.get_json()["prerequisite_confirmed_at"]
    plain = training.cohort()
    other = training.enrollment(plain, people["person"])
    assert (
        client.post(
            f"/api/v1/enrollments/{other.id}/prerequisite", headers=headers("person")
        ).status_code
        == 409
    )
