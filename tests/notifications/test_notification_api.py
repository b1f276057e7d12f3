"""GET /api/v1/notifications (unread=, since=), POST .../{id}/read, POST .../read-all."""

from __future__ import annotations

from seoul_platform.db import unit_of_work
from seoul_platform.notifications import services
from seoul_platform.notifications.models import Notification
from support import bearer, csrf_token, signed_in


def _notify(person, times=1, kind="account.enabled", link="/account"):
    with unit_of_work():
        return [services.notify([person], kind, link=link)[0].id for _ in range(times)]


def _read_at(db, notification_id):
    db.session.expire_all()
    return db.session.get(Notification, notification_id).read_at


def test_list_is_ones_own_newest_first_and_paginated(app, db, client, city_member, city_admin):
    mine = _notify(city_member, times=3)
    _notify(city_admin, times=2)
    auth = bearer(client, city_member)
    response = client.get("/api/v1/notifications?per_page=2", headers=auth)
    assert response.status_code == 200
    body = response.get_json()
    assert body["total"] == 3 and body["page"] == 1 and body["per_page"] == 2
    assert [n["id"] for n in body["items"]] == [mine[2], mine[1]]
    item = body["items"][0]
    assert item["kind"] == "account.enabled"
    assert item["message"] == "Your account was enabled again by a Seoul official."
    assert item["link"] == "/account" and item["read_at"] is None
    assert item["created_at"].endswith(("Z", "+00:00"))  # UTC, with its offset
    assert 'rel="next"' in response.headers["Link"]
    page2 = client.get("/api/v1/notifications?per_page=2&page=2", headers=auth).get_json()
    assert [n["id"] for n in page2["items"]] == [mine[0]]
    assert client.get("/api/v1/notifications?per_page=2&page=3", headers=auth).status_code == 404


def test_unread_filter_and_since_catch_up(app, db, client, city_member):
    first, second, third, fourth = _notify(city_member, times=4)
    auth = bearer(client, city_member)
    assert client.post(f"/api/v1/notifications/{second}/read", headers=auth).status_code == 200

    unread = client.get("/api/v1/notifications?unread=true", headers=auth).get_json()
    assert [n["id"] for n in unread["items"]] == [fourth, third, first]
    everything = client.get("/api/v1/notifications?unread=&since=", headers=auth).get_json()
    assert everything["total"] == 4

    # A client that last saw `second` catches up: only later ids, oldest first.
    caught = client.get(f"/api/v1/notifications?since={second}", headers=auth).get_json()
    assert [n["id"] for n in caught["items"]] == [third, fourth]
    assert caught["total"] == 2
    unread_since = client.get(
        f"/api/v1/notifications?since={first}&unread=true", headers=auth
    ).get_json()
    assert [n["id"] for n in unread_since["items"]] == [third, fourth]
    none_new = client.get(f"/api/v1/notifications?since={fourth}", headers=auth).get_json()
    assert none_new == {"items": [], "total": 0, "page": 1, "per_page": 20}


def test_bad_query_is_422_not_500(client, db, city_member):
    auth = bearer(client, city_member)
    for query in ("since=-1", "since=abc", "unread=maybe", "per_page=500"):
        response = client.get(f"/api/v1/notifications?{query}", headers=auth)
        assert response.status_code == 422, query
        assert response.mimetype == "application/problem+json"


def test_read_one_and_read_all(app, db, client, city_member):
    first, second, third = _notify(city_member, times=3)
    auth = bearer(client, city_member)
    response = client.post(f"/api/v1/notifications/{first}/read", headers=auth)
    assert response.status_code == 200
    assert response.get_json()["id"] == first and response.get_json()["read_at"]
    when = _read_at(db, first)
    again = client.post(f"/api/v1/notifications/{first}/read", headers=auth)
    assert again.status_code == 200 and _read_at(db, first) == when  # idempotent
    response = client.post("/api/v1/notifications/read-all", headers=auth)
    assert response.get_json() == {"marked": 2}
    assert _read_at(db, second) and _read_at(db, third)
    assert client.post("/api/v1/notifications/read-all", headers=auth).get_json() == {"marked": 0}


def test_another_persons_notification_is_404_and_unchanged(db, client, city_member, city_admin):
    [theirs] = _notify(city_admin)
    auth = bearer(client, city_member)
    response = client.post(f"/api/v1/notifications/{theirs}/read", headers=auth)
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
    assert client.post("/api/v1/notifications/read-all", headers=auth).get_json() == {"marked": 0}
    assert _read_at(db, theirs) is None
    listed = client.get("/api/v1/notifications", headers=auth).get_json()
    assert listed["total"] == 0


def test_session_cookie_writes_need_the_csrf_header(app, db, city_member):
    [mine] = _notify(city_member)
    client = signed_in(app, city_member)
    assert client.post(f"/api/v1/notifications/{mine}/read").status_code == 400
    assert _read_at(db, mine) is None
    token = csrf_token(client, "/account")
    ok = client.post(f"/api/v1/notifications/{mine}/read", headers={"X-CSRFToken": token})
    assert ok.status_code == 200 and _read_at(db, mine) is not None


def test_session_reader_gets_messages_in_their_language(app, db, city_member):
    city_member.locale = "ko"
    db.session.commit()
    _notify(city_member)
    client = signed_in(app, city_member)
    [item] = client.get("/api/v1/notifications").get_json()["items"]
    assert item["message"] == "서울시 담당자가 회원님의 계정을 다시 활성화했습니다."


def test_openapi_documents_the_operations_with_schemas(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    listing = spec["paths"]["/notifications"]["get"]
    names = {p["name"] for p in listing["parameters"]}
    assert {"page", "per_page", "unread", "since"} <= names
    assert listing["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/NotificationPage"
    }
    read = spec["paths"]["/notifications/{notification_id}/read"]["post"]
    assert read["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/NotificationOut"
    }
    assert "404" in read["responses"]
    read_all = spec["paths"]["/notifications/read-all"]["post"]
    assert read_all["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ReadAllOut"
    }
    out = spec["components"]["schemas"]["NotificationOut"]
    assert {"id", "kind", "message", "link", "created_at", "read_at"} <= set(out["properties"])
    assert all(op["x-access"] == "authenticated" for op in (listing, read, read_all))
