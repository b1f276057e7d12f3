"""Who reaches what: every pilot request page and API operation for each role — a visitor,
the city's member, another city's member, the company that proposed, another company and an
official. Outsiders get 404 for requests they may not know exist, never 403."""

from __future__ import annotations

import pytest

from support import bearer, signed_in

ROLES = ("visitor", "city", "other_city", "proposer", "other_company", "official")


@pytest.fixture
def world(app, db, make, city, other_city, company, other_company, official, pilots):
    people = {
        "city": make.user(city, name="City Person"),
        "other_city": make.user(other_city),
        "proposer": make.user(company),
        "other_company": make.user(other_company),
        "official": official,
    }
    reqs = {
        "draft": pilots.request(city, "draft"),
        "submitted": pilots.request(city, "submitted"),
        "open": pilots.request(city, "open"),
        "closed": pilots.request(city, "closed"),
    }
    pilots.interest(reqs["closed"], company)
    return people, {k: v.id for k, v in reqs.items()}


def _client(app, people, role):
    return app.test_client() if role == "visitor" else signed_in(app, people[role])


# Request page and history: (state, role) -> status.
VIEW = {
    "draft": {
        "city": 200,
        "other_city": 404,
        "proposer": 404,
        "other_company": 404,
        "official": 404,
    },
    "submitted": {
        "city": 200,
        "other_city": 404,
        "proposer": 404,
        "other_company": 404,
        "official": 200,
    },
    "open": dict.fromkeys(("city", "other_city", "proposer", "other_company", "official"), 200),
    "closed": dict.fromkeys(("city", "other_city", "proposer", "other_company", "official"), 200),
}


@pytest.mark.parametrize("role", ROLES)
def test_request_page_and_history(app, world, role):
    people, reqs = world
    client = _client(app, people, role)
    for state, expected in VIEW.items():
        for suffix in ("", "/history"):
            response = client.get(f"/pilots/requests/{reqs[state]}{suffix}")
            if role == "visitor":
                assert response.status_code == 302 and "/login" in response.location
            else:
                assert response.status_code == expected[role], (state, suffix)


EDIT = {
    "draft": {
        "city": 200,
        "other_city": 404,
        "proposer": 404,
        "other_company": 404,
        "official": 404,
    },
    "submitted": {
        "city": 409,
        "other_city": 404,
        "proposer": 404,
        "other_company": 404,
        "official": 403,
    },
    "open": {
        "city": 409,
        "other_city": 403,
        "proposer": 403,
        "other_company": 403,
        "official": 403,
    },
}


@pytest.mark.parametrize("role", ROLES[1:])
def test_edit_form(app, world, role):
    people, reqs = world
    client = _client(app, people, role)
    for state, expected in EDIT.items():
        assert client.get(f"/pilots/requests/{reqs[state]}/edit").status_code == expected[role], (
            state
        )


@pytest.mark.parametrize(
    "role, lists",
    [
        (
            "visitor",
            {
                "/pilots/requests": 302,
                "/pilots/calls": 302,
                "/pilots/pipeline": 302,
                "/pilots/pipeline.csv": 302,
                "/pilots/requests/new": 302,
            },
        ),
        (
            "city",
            {
                "/pilots/requests": 200,
                "/pilots/calls": 200,
                "/pilots/pipeline": 403,
                "/pilots/pipeline.csv": 403,
                "/pilots/requests/new": 200,
            },
        ),
        (
            "other_city",
            {
                "/pilots/requests": 200,
                "/pilots/calls": 200,
                "/pilots/pipeline": 403,
                "/pilots/pipeline.csv": 403,
                "/pilots/requests/new": 200,
            },
        ),
        (
            "proposer",
            {
                "/pilots/requests": 302,
                "/pilots/calls": 200,
                "/pilots/pipeline": 403,
                "/pilots/pipeline.csv": 403,
                "/pilots/requests/new": 302,
            },
        ),
        (
            "other_company",
            {
                "/pilots/requests": 302,
                "/pilots/calls": 200,
                "/pilots/pipeline": 403,
                "/pilots/pipeline.csv": 403,
                "/pilots/requests/new": 302,
            },
        ),
        (
            "official",
            {
                "/pilots/requests": 302,
                "/pilots/calls": 200,
                "/pilots/pipeline": 200,
                "/pilots/pipeline.csv": 200,
                "/pilots/requests/new": 302,
            },
        ),
    ],
)
def test_lists_and_new(app, world, role, lists):
    people, _reqs = world
    client = _client(app, people, role)
    for path, expected in lists.items():
        assert client.get(path).status_code == expected, path


def test_a_city_list_shows_only_its_own_requests(app, world, pilots, other_city):
    people, _reqs = world
    pilots.request(other_city, "draft", title="Their secret")
    html = signed_in(app, people["city"]).get("/pilots/requests").get_data(as_text=True)
    assert "Their secret" not in html and html.count('class="card"') == 4
    other = signed_in(app, people["other_city"]).get("/pilots/requests").get_data(as_text=True)
    assert "Their secret" in other and other.count('class="card"') == 1


@pytest.mark.parametrize("role", ROLES[1:])
def test_review_page(app, world, role):
    people, reqs = world
    client = _client(app, people, role)
    expected = {"official": 200}.get(role, 403)
    assert client.get(f"/pilots/requests/{reqs['submitted']}/review").status_code == expected
    if role == "official":
        assert client.get(f"/pilots/requests/{reqs['draft']}/review").status_code == 404


# API: GET one request, by state and role.
@pytest.mark.parametrize("role", ROLES)
def test_api_read(app, world, role):
    people, reqs = world
    client = app.test_client()
    headers = {} if role == "visitor" else bearer(client, people[role])
    for state, expected in VIEW.items():
        for suffix in ("", "/history"):
            response = client.get(f"/api/v1/pilot-requests/{reqs[state]}{suffix}", headers=headers)
            want = 401 if role == "visitor" else expected[role]
            assert response.status_code == want, (state, suffix)
    if role != "visitor":
        listed = client.get("/api/v1/pilot-requests", headers=headers).get_json()
        seen = {item["id"] for item in listed["items"]}
        visible = {reqs[s] for s, by_role in VIEW.items() if by_role[role] == 200}
        assert seen == visible


@pytest.mark.parametrize("role", ROLES)
def test_api_changes(app, world, role):
    people, reqs = world
    client = app.test_client()
    headers = {} if role == "visitor" else bearer(client, people[role])
    patch = client.patch(
        f"/api/v1/pilot-requests/{reqs['draft']}", json={"title": "Taken over"}, headers=headers
    )
    move = client.post(
        f"/api/v1/pilot-requests/{reqs['submitted']}/transitions",
        json={"to": "rejected", "reason": "No"},
        headers=headers,
    )
    create = client.post(
        "/api/v1/pilot-requests",
        json={"type": "feasibility_study", "title": "Mine"},
        headers=headers,
    )
    review = client.put(
        f"/api/v1/pilot-requests/{reqs['submitted']}/review", json={}, headers=headers
    )
    expected = {
        "visitor": (401, 401, 401, 401),
        "city": (200, 403, 201, 403),
        "other_city": (404, 404, 201, 403),
        "proposer": (404, 404, 403, 403),
        "other_company": (404, 404, 403, 403),
        "official": (404, 200, 403, 409),  # rejected just before: no longer in review
    }[role]
    got = (patch.status_code, move.status_code, create.status_code, review.status_code)
    assert got == expected


@pytest.mark.parametrize("role", ROLES[1:])
def test_html_moves(app, world, role):
    """The action form refuses outsiders with 404, the city's own wrong moves with 403."""
    from support import csrf_token

    people, reqs = world
    client = _client(app, people, role)
    token = csrf_token(client, "/pilots/calls")
    response = client.post(
        f"/pilots/requests/{reqs['submitted']}/move",
        data={"to": "open", "csrf_token": token},
    )
    expected = {"city": 403, "official": 302}.get(role, 404)
    assert response.status_code == expected
