"""The API tokens page and GET/DELETE /api/v1/tokens: one's own tokens only; last use noted
at most once a minute."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from seoul_platform.accounts.models import ApiToken
from seoul_platform.db import utcnow
from support import bearer, csrf_token, signed_in


def _create_on_page(client, name: str) -> str:
    response = client.post(
        "/account/tokens", data={"name": name, "csrf_token": csrf_token(client, "/account/tokens")}
    )
    assert response.status_code == 201
    match = re.search(r'id="new-token-value" value="([^"]+)"', response.get_data(as_text=True))
    assert match
    return match.group(1)


def test_page_creates_a_token_shown_once_and_it_works(app, city_member, db):
    client = signed_in(app, city_member)
    raw = _create_on_page(client, "CI export")
    again = client.get("/account/tokens").get_data(as_text=True)
    assert raw not in again  # shown only once
    assert "CI export" in again and "Never" in again
    api = app.test_client()
    assert api.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"}).status_code == 200
    row = db.session.scalar(select(ApiToken).where(ApiToken.name == "CI export"))
    assert row.last_used_at is not None
    assert "Never" not in client.get("/account/tokens").get_data(as_text=True)


def test_page_revokes_own_token_only(app, city_member, city_admin, db):
    member = signed_in(app, city_member)
    raw = _create_on_page(member, "laptop")
    token = db.session.scalar(select(ApiToken).where(ApiToken.name == "laptop"))
    admin = signed_in(app, city_admin)
    other = admin.post(
        f"/account/tokens/{token.id}/revoke", data={"csrf_token": csrf_token(admin, "/account")}
    )
    assert other.status_code == 404
    db.session.expire_all()
    assert db.session.get(ApiToken, token.id).revoked_at is None
    mine = member.post(
        f"/account/tokens/{token.id}/revoke", data={"csrf_token": csrf_token(member, "/account")}
    )
    assert mine.status_code == 302
    assert "Revoked on" in member.get("/account/tokens").get_data(as_text=True)
    api = app.test_client()
    assert api.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"}).status_code == 401


def test_name_is_required_with_an_error_on_the_field(app, city_member):
    client = signed_in(app, city_member)
    response = client.post(
        "/account/tokens", data={"name": "", "csrf_token": csrf_token(client, "/account/tokens")}
    )
    assert response.status_code == 422
    assert 'aria-describedby="name-help name-error"' in response.get_data(as_text=True)


def test_api_lists_and_revokes_own_tokens(app, city_member, city_admin, db):
    client = app.test_client()
    headers = bearer(client, city_member)
    second = bearer(client, city_member)
    other = bearer(client, city_admin)
    listing = client.get("/api/v1/tokens", headers=headers)
    assert listing.status_code == 200
    body = listing.get_json()
    assert body["total"] == 2 and body["page"] == 1
    item = body["items"][0]
    assert set(item) == {"id", "name", "created_at", "last_used_at", "expires_at", "revoked_at"}
    assert "token" not in item and "token_hash" not in item
    ids = {i["id"] for i in body["items"]}
    theirs = client.get("/api/v1/tokens", headers=other).get_json()["items"][0]["id"]
    assert theirs not in ids
    assert client.delete(f"/api/v1/tokens/{theirs}", headers=headers).status_code == 404
    second_id = next(
        i["id"] for i in body["items"] if i["id"] != _own_id(db, headers["Authorization"])
    )
    assert client.delete(f"/api/v1/tokens/{second_id}", headers=headers).status_code == 204
    assert client.get("/api/v1/me", headers=second).status_code == 401
    assert client.get("/api/v1/me", headers=other).status_code == 200
    assert client.delete("/api/v1/tokens/999999", headers=headers).status_code == 404


def _own_id(db, authorization: str) -> int:
    from seoul_platform.accounts.tokens import digest

    raw = authorization.split(" ", 1)[1]
    return db.session.scalar(select(ApiToken.id).where(ApiToken.token_hash == digest(raw)))


def test_last_use_is_written_at_most_once_a_minute(app, city_member, db):
    client = app.test_client()
    headers = bearer(client, city_member)
    token_id = _own_id(db, headers["Authorization"])
    writes: list[str] = []

    from sqlalchemy import event

    def count(conn, cursor, statement, *args):
        if statement.lstrip().upper().startswith("UPDATE API_TOKENS"):
            writes.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        for _ in range(5):
            assert client.get("/api/v1/me", headers=headers).status_code == 200
        assert len(writes) == 1
        # A minute later the next use is noted again.
        db.session.get(ApiToken, token_id).last_used_at = utcnow() - timedelta(minutes=2)
        db.session.commit()
        writes.clear()
        assert client.get("/api/v1/me", headers=headers).status_code == 200
        assert len(writes) == 1
    finally:
        event.remove(engine, "before_cursor_execute", count)
    db.session.expire_all()
    assert db.session.get(ApiToken, token_id).last_used_at is not None
