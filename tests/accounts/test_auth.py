"""Signing in and out, session revocation, rate limits, CSRF, safe redirects."""

from __future__ import annotations

from sqlalchemy import select

from seoul_platform.accounts.models import UserSession, UserStatus
from seoul_platform.audit.models import AuditEvent
from support import PASSWORD, csrf_token, login, signed_in


def _audit_actions(db) -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def test_member_signs_in_and_reaches_directory(app, city_member, db):
    client = app.test_client()
    response = login(client, city_member)
    assert response.status_code == 302
    assert client.get("/directory").status_code == 200
    assert "login.success" in _audit_actions(db)


def test_wrong_password_gives_one_generic_message_and_is_audited(app, city_member, db):
    client = app.test_client()
    wrong = login(client, city_member, password="not the password at all")
    unknown = login(client, "nobody@example.org", password="not the password at all")
    for response in (wrong, unknown):
        assert response.status_code == 422
        assert "The e-mail address or password is not correct." in response.get_data(True)
    assert _audit_actions(db).count("login.failure") == 2
    assert client.get("/directory").status_code == 302  # still anonymous


def test_email_is_case_insensitive(app, city_member):
    client = app.test_client()
    assert login(client, city_member.email.upper()).status_code == 302


def test_cookie_replay_after_logout_is_anonymous(app, city_member):
    client = signed_in(app, city_member)
    stolen = client.get_cookie("session").value
    token = csrf_token(client, "/account")
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302

    attacker = app.test_client()
    attacker.set_cookie("session", stolen)
    response = attacker.get("/directory")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_remember_cookie_replay_after_logout_is_anonymous(app, city_member):
    client = app.test_client()
    token = csrf_token(client)
    client.post(
        "/login",
        data={
            "email": city_member.email,
            "password": PASSWORD,
            "remember": "y",
            "csrf_token": token,
        },
    )
    remember = client.get_cookie("remember_token")
    assert remember is not None
    client.post("/logout", data={"csrf_token": csrf_token(client, "/account")})

    attacker = app.test_client()
    attacker.set_cookie("remember_token", remember.value)
    assert attacker.get("/directory").status_code == 302


def test_password_change_revokes_other_sessions_but_keeps_this_one(app, city_member):
    laptop = signed_in(app, city_member)
    phone = signed_in(app, city_member)
    response = laptop.post(
        "/account/password",
        data={
            "current_password": PASSWORD,
            "password": "a brand new passphrase 77",
            "confirm": "a brand new passphrase 77",
            "csrf_token": csrf_token(laptop, "/account"),
        },
    )
    assert response.status_code == 302
    assert laptop.get("/directory").status_code == 200
    assert phone.get("/directory").status_code == 302
    fresh = app.test_client()
    assert login(fresh, city_member, password="a brand new passphrase 77").status_code == 302


def test_wrong_current_password_changes_nothing(app, city_member, db):
    client = signed_in(app, city_member)
    before = db.session.scalar(
        select(type(city_member).password_hash).where(type(city_member).id == city_member.id)
    )
    response = client.post(
        "/account/password",
        data={
            "current_password": "wrong wrong wrong",
            "password": "a brand new passphrase 77",
            "confirm": "a brand new passphrase 77",
            "csrf_token": csrf_token(client, "/account"),
        },
    )
    assert response.status_code == 422
    assert "The current password is not correct." in response.get_data(True)
    db.session.expire_all()
    after = db.session.scalar(
        select(type(city_member).password_hash).where(type(city_member).id == city_member.id)
    )
    assert before == after


def test_login_rotates_the_session(app, city_member, db):
    client = app.test_client()
    login(client, city_member)
    first = client.get_cookie("session").value
    login(client, city_member)
    second = client.get_cookie("session").value
    assert first != second
    live = db.session.scalars(
        select(UserSession).where(
            UserSession.user_id == city_member.id, UserSession.revoked_at.is_(None)
        )
    ).all()
    assert len(live) == 2  # two logins, two session rows; each is its own revocable identity


def test_disabled_account_is_signed_out_everywhere(app, city_member, official, db):
    member = signed_in(app, city_member)
    from seoul_platform.accounts import services

    services.set_user_status(official, city_member, UserStatus.DISABLED)
    db.session.commit()
    assert member.get("/directory").status_code == 302
    assert login(app.test_client(), city_member).status_code == 403  # told it is disabled


def test_login_rate_limited_per_account(app, city_member):
    app.config["LOGIN_LIMIT_PER_ACCOUNT"] = "3 per minute"
    try:
        statuses = []
        for i in range(5):
            client = app.test_client()  # a fresh client each time: not limited per session
            statuses.append(login(client, city_member, password=f"wrong password {i}").status_code)
        assert statuses[:3] == [422, 422, 422]
        assert statuses[3:] == [429, 429]
    finally:
        app.config["LOGIN_LIMIT_PER_ACCOUNT"] = "10 per 10 minutes"


def test_login_rate_limited_per_ip(app, make):
    app.config["LOGIN_LIMIT_PER_IP"] = "4 per minute"
    try:
        client = app.test_client()
        statuses = [
            login(client, f"user{i}@example.org", password="wrong").status_code for i in range(6)
        ]
        assert statuses.count(429) == 2
    finally:
        app.config["LOGIN_LIMIT_PER_IP"] = "30 per 10 minutes"


def test_post_without_csrf_token_is_refused(app, city_member):
    client = app.test_client()
    response = client.post("/login", data={"email": city_member.email, "password": PASSWORD})
    assert response.status_code == 400
    assert client.get("/directory").status_code == 302


def test_next_redirect_stays_on_our_host(app, city_member):
    for target, expected in [
        ("/directory?q=odense", "/directory?q=odense"),
        ("https://evil.example/", "/"),
        ("//evil.example/", "/"),
        ("/\\evil.example", "/"),
    ]:
        client = app.test_client()
        token = csrf_token(client)
        response = client.post(
            f"/login?next={target}",
            data={"email": city_member.email, "password": PASSWORD, "csrf_token": token},
        )
        assert response.status_code == 302
        assert response.headers["Location"] == expected, target


def test_pending_account_can_only_wait(app, make, db):
    pending = make.user(None, status=UserStatus.PENDING, email="waiting@example.org")
    client = signed_in(app, pending)
    assert client.get("/directory").headers["Location"].endswith("/pending")
    assert client.get("/pending").status_code == 200
    assert client.get("/account").status_code == 200


def test_anonymous_is_sent_to_login_with_next(client):
    response = client.get("/directory?q=x")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=/directory")


def test_official_disables_and_enables_from_the_profile_page(
    app, official_client, city, city_member, db
):
    member = signed_in(app, city_member)
    page = official_client.get(f"/organizations/{city.id}").get_data(True)
    assert f"Disable {city_member.name}" in page
    token = csrf_token(official_client, "/account")
    response = official_client.post(
        f"/admin/people/{city_member.id}/status",
        data={"status": "disabled", "org_id": city.id, "csrf_token": token},
    )
    assert response.status_code == 302
    assert member.get("/directory").status_code == 302
    assert f"Enable {city_member.name}" in official_client.get(
        f"/organizations/{city.id}"
    ).get_data(True)
    official_client.post(
        f"/admin/people/{city_member.id}/status",
        data={"status": "active", "org_id": city.id, "csrf_token": token},
    )
    assert login(app.test_client(), city_member).status_code == 302
    bogus = official_client.post(
        f"/admin/people/{city_member.id}/status",
        data={"status": "official", "org_id": city.id, "csrf_token": token},
    )
    assert bogus.status_code == 302
    db.session.expire_all()
    assert db.session.get(type(city_member), city_member.id).status == UserStatus.ACTIVE


def test_member_cannot_disable_anyone(app, admin_client, city_member, db):
    response = admin_client.post(
        f"/admin/people/{city_member.id}/status",
        data={"status": "disabled", "csrf_token": csrf_token(admin_client, "/account")},
    )
    assert response.status_code == 403
    db.session.expire_all()
    assert db.session.get(type(city_member), city_member.id).status == UserStatus.ACTIVE
