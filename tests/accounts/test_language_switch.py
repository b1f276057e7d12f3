"""The header's language switch: signed in, a CSRF-checked POST also stores the language
(used for e-mails); a GET only sets the cookie and changes nothing on the server."""

from __future__ import annotations

from seoul_platform.accounts.models import User
from support import csrf_token, signed_in


def test_signed_in_switch_stores_the_locale(app, db, city_member):
    client = signed_in(app, city_member)
    page = client.get("/account").get_data(as_text=True)
    assert 'action="/language"' in page and 'name="code" value="ko"' in page
    response = client.post(
        "/language",
        data={"code": "ko", "next": "/account", "csrf_token": csrf_token(client, "/account")},
    )
    assert response.status_code == 302 and response.headers["Location"].endswith("/account")
    db.session.expire_all()
    assert db.session.get(User, city_member.id).locale == "ko"
    assert 'lang="ko"' in client.get("/account").get_data(as_text=True)


def test_post_without_csrf_changes_nothing(app, db, city_member):
    client = signed_in(app, city_member)
    response = client.post("/language", data={"code": "ko", "next": "/account"})
    assert response.status_code == 400
    db.session.expire_all()
    assert db.session.get(User, city_member.id).locale == "en"


def test_get_link_changes_nothing_on_the_server(app, db, city_member):
    client = signed_in(app, city_member)
    response = client.get("/language/ko?next=/account")
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, city_member.id).locale == "en"


def test_visitors_get_plain_links(client):
    page = client.get("/login").get_data(as_text=True)
    assert 'href="/language/ko?next=' in page and 'action="/language"' not in page


def test_unknown_language_and_foreign_next_are_ignored(app, db, city_member):
    client = signed_in(app, city_member)
    response = client.post(
        "/language",
        data={
            "code": "xx",
            "next": "https://evil.example/",
            "csrf_token": csrf_token(client, "/account"),
        },
    )
    assert response.status_code == 302
    assert "evil.example" not in response.headers["Location"]
    db.session.expire_all()
    assert db.session.get(User, city_member.id).locale == "en"
