"""Who reaches what on the enrollment pages, per role and route: a visitor, the person, a
colleague in their organisation, their organisation's admin, another organisation's member and
an official. Outsiders get 404 for an enrollment they may not know exists; members get 403 on
the officials' pages; visitors are sent to sign in."""

from __future__ import annotations

import pytest

from seoul_platform.training.models import Enrollment
from support import csrf_token, signed_in

ROLES = ("visitor", "person", "colleague", "org_admin", "other_org", "official")


@pytest.fixture
def world(make, city, company, city_admin, official, training):
    people = {
        "person": make.user(city, name="Pia Person"),
        "colleague": make.user(city, name="Cole Colleague"),
        "org_admin": city_admin,
        "other_org": make.user(company, name="Otto Other"),
        "official": official,
    }
    cohort = training.cohort(capacity=3, prerequisite_title="Basics")
    draft = training.cohort(status="draft")
    return people, cohort, draft


def _client(app, people, role):
    return app.test_client() if role == "visitor" else signed_in(app, people[role])


def _code(response) -> int | str:
    if response.status_code == 302 and "/login" in response.location:
        return "login"
    return response.status_code


PAGES = {
    # path template -> role -> expected
    "/training/cohorts/{cohort}/enrollment": {
        **dict.fromkeys(ROLES, 200),
        "visitor": "login",
    },
    "/training/cohorts/{draft}/enrollment": {
        **dict.fromkeys(ROLES, 404),
        "visitor": "login",
        "official": 200,
    },
    "/training/mine": {**dict.fromkeys(ROLES, 200), "visitor": "login"},
    "/training/cohorts/{cohort}/applications": {
        **dict.fromkeys(ROLES, 403),
        "visitor": "login",
        "official": 200,
    },
    "/training/cohorts/987654/applications": {
        **dict.fromkeys(ROLES, 403),
        "visitor": "login",
        "official": 404,
    },
    "/training/enrollments/{enrollment}": {
        "visitor": "login",
        "person": 200,
        "colleague": 404,
        "org_admin": 200,
        "other_org": 404,
        "official": 200,
    },
    "/training/enrollments/{enrollment}/withdraw": {
        "visitor": "login",
        "person": 200,
        "colleague": 404,
        "org_admin": 200,
        "other_org": 404,
        "official": 403,
    },
    "/training/enrollments/{offer}/decline-offer": {
        "visitor": "login",
        "person": 200,
        "colleague": 404,
        "org_admin": 200,
        "other_org": 404,
        "official": 403,
    },
}


@pytest.mark.parametrize("role", ROLES)
def test_pages_per_role(app, world, training, role):
    people, cohort, draft = world
    e = training.enrollment(cohort, people["person"])
    other = training.cohort()
    offer = training.enrollment(other, people["person"], "offered")
    client = _client(app, people, role)
    for template, expected in PAGES.items():
        path = template.format(cohort=cohort.id, draft=draft.id, enrollment=e.id, offer=offer.id)
        assert _code(client.get(path)) == expected[role], (path, role)


# POST actions on the person's enrollment: role -> expected (302: done and sent back).
ACT = {
    "visitor": "login",
    "person": 302,
    "colleague": 404,
    "org_admin": 302,
    "other_org": 404,
    "official": 403,
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("action", "start", "after"),
    [
        ("withdraw", "enrolled", "withdrawn"),
        ("accept-offer", "offered", "enrolled"),
        ("decline-offer", "offered", "declined"),
    ],
)
def test_participant_actions_per_role(app, db, world, training, role, action, start, after):
    people, cohort, _draft = world
    e = training.enrollment(cohort, people["person"], start)
    client = _client(app, people, role)
    token = csrf_token(client, "/login" if role == "visitor" else "/training/mine")
    response = client.post(f"/training/enrollments/{e.id}/{action}", data={"csrf_token": token})
    assert _code(response) == ACT[role]
    db.session.expire_all()
    status = db.session.get(Enrollment, e.id).status.value
    assert status == (after if ACT[role] == 302 else start)


@pytest.mark.parametrize("role", ROLES)
def test_prerequisite_per_role(app, db, world, training, role):
    people, cohort, _draft = world
    e = training.enrollment(cohort, people["person"])
    client = _client(app, people, role)
    token = csrf_token(client, "/login" if role == "visitor" else "/training/mine")
    response = client.post(f"/training/enrollments/{e.id}/prerequisite", data={"csrf_token": token})
    assert _code(response) == ACT[role]
    db.session.expire_all()
    confirmed = db.session.get(Enrollment, e.id).prerequisite_confirmed_at is not None
    assert confirmed == (ACT[role] == 302)


APPLY = {
    "visitor": "login",
    "person": 302,
    "colleague": 302,
    "org_admin": 302,
    "other_org": 302,
    "official": 422,  # Seoul officials run the training; they do not apply
}


@pytest.mark.parametrize("role", ROLES)
def test_apply_per_role(app, db, world, role):
    people, cohort, draft = world
    client = _client(app, people, role)
    token = csrf_token(client, "/login" if role == "visitor" else "/training/mine")
    response = client.post(f"/training/cohorts/{cohort.id}/apply", data={"csrf_token": token})
    assert _code(response) == APPLY[role]
    hidden = client.post(f"/training/cohorts/{draft.id}/apply", data={"csrf_token": token})
    assert _code(hidden) == ("login" if role == "visitor" else 404 if role != "official" else 422)


@pytest.mark.parametrize("role", ROLES)
def test_decide_per_role(app, db, world, training, role):
    people, cohort, _draft = world
    e = training.enrollment(cohort, people["person"], "waitlisted")
    client = _client(app, people, role)
    token = csrf_token(client, "/login" if role == "visitor" else "/training/mine")
    response = client.post(
        f"/training/cohorts/{cohort.id}/applications",
        data={"csrf_token": token, "one": f"{e.id}:accept"},
    )
    expected = {"visitor": "login", "official": 302}.get(role, 403)
    assert _code(response) == expected
    db.session.expire_all()
    status = db.session.get(Enrollment, e.id).status.value
    assert status == ("enrolled" if role == "official" else "waitlisted")
