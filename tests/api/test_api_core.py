"""The API's shared contract: tokens, problem+json, content types, CSRF with sessions."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from sqlalchemy import select

from seoul_platform.accounts.models import ApiToken
from support import PASSWORD, bearer, csrf_token, signed_in


def test_token_lifecycle(app, city_member, db):
    client = app.test_client()
    created = client.post("/api/v1/tokens", json={"email": city_member.email, "password": PASSWORD})
    assert created.status_code == 201
    body = created.get_json()
    assert set(body) == {"token", "expires_at"}
    assert datetime.fromisoformat(body["expires_at"]).utcoffset() == timedelta(0)
    stored = db.session.scalar(select(ApiToken.token_hash))
    assert stored != body["token"] and len(stored) == 64  # only a hash is kept
    headers = {"Authorization": f"Bearer {body['token']}"}
    me = client.get("/api/v1/me", headers=headers).get_json()
    assert me["email"] == city_member.email and me["organization"]["name"] == "Testville"
    assert me["roles"] == ["org_member"]
    assert client.delete("/api/v1/tokens/current", headers=headers).status_code == 204
    after = client.get("/api/v1/me", headers=headers)
    assert after.status_code == 401
    assert after.headers["Content-Type"] == "application/problem+json"


def test_wrong_credentials_give_401(app, city_member):
    response = app.test_client().post(
        "/api/v1/tokens", json={"email": city_member.email, "password": "wrong password here"}
    )
    assert response.status_code == 401
    assert response.get_json()["title"] == "Not authenticated"


def test_errors_are_problem_json(app, city_member):
    client = app.test_client()
    headers = bearer(client, city_member)
    assert client.get("/api/v1/me").status_code == 401
    assert client.get("/api/v1/me", headers={"Authorization": "Basic abc"}).status_code == 401
    assert client.get("/api/v1/nothing-here", headers=headers).status_code == 404
    wrong_type = client.post("/api/v1/tokens", data="email=x", content_type="text/plain")
    assert wrong_type.status_code == 415
    broken = client.post("/api/v1/tokens", data="{not json", content_type="application/json")
    assert broken.status_code == 400
    not_object = client.post("/api/v1/tokens", json=[1, 2])
    assert not_object.status_code == 400
    missing = client.post("/api/v1/tokens", json={"email": "a@b.c"})
    assert missing.status_code == 422 and "password" in missing.get_json()["errors"]
    for response in (wrong_type, broken, not_object, missing):
        problem = response.get_json()
        assert response.headers["Content-Type"] == "application/problem+json"
        assert {"type", "title", "status", "detail"} <= set(problem)
        assert problem["status"] == response.status_code


def test_request_too_large_is_413(app):
    big = "x" * (app.config["MAX_CONTENT_LENGTH"] + 10)
    response = app.test_client().post("/api/v1/tokens", data=big, content_type="application/json")
    assert response.status_code == 413


def test_session_json_writes_need_the_csrf_header(app, official, city, db):
    client = signed_in(app, official)
    body = {"email": "someone@example.org", "organization_id": city.id}
    refused = client.post("/api/v1/invitations", json=body)
    assert refused.status_code == 400
    token = csrf_token(client, "/account")
    accepted = client.post("/api/v1/invitations", json=body, headers={"X-CSRFToken": token})
    assert accepted.status_code == 201


def test_bearer_requests_need_no_csrf(app, official, city):
    client = app.test_client()
    headers = bearer(client, official)
    response = client.post(
        "/api/v1/invitations",
        headers=headers,
        json={"email": "b@example.org", "organization_id": city.id, "org_role": "admin"},
    )
    assert response.status_code == 201


def test_pending_account_gets_403_from_member_api(app, make):
    from seoul_platform.accounts.models import UserStatus

    pending = make.user(None, status=UserStatus.PENDING)
    client = app.test_client()
    headers = bearer(client, pending)
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    assert client.get("/api/v1/organizations", headers=headers).status_code == 403


def test_openapi_document_describes_every_api_route(app, client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["openapi"].startswith("3.1")
    documented = {(path, method) for path, ops in spec["paths"].items() for method in ops}
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/") or rule.endpoint in {
            "api.openapi_document",
            "api.docs",
        }:
            continue
        path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule.removeprefix("/api/v1"))
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert (path, method.lower()) in documented, (path, method)
    for ops in spec["paths"].values():
        for op in ops.values():
            assert op["summary"] and op["responses"]
            if "requestBody" in op:
                assert "422" in op["responses"] and "415" in op["responses"]
    assert client.get("/api/v1/docs").status_code == 200
