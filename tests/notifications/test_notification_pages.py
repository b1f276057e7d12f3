"""The notifications page and the header count: one's own only, read state in text, forms
that work without JavaScript, another person's notification is a 404 and stays unchanged."""

from __future__ import annotations

import re

import pytest

from seoul_platform.access import AUTHENTICATED
from seoul_platform.db import unit_of_work
from seoul_platform.notifications import services
from seoul_platform.notifications.models import Notification
from support import csrf_token, signed_in


def _notify(person, kind="account.enabled", params=None, link="/account", times=1):
    with unit_of_work():
        rows = [services.notify([person], kind, params, link)[0] for _ in range(times)]
    return [r.id for r in rows]


def _state(db, notification_id):
    db.session.expire_all()
    return db.session.get(Notification, notification_id).read_at


def _cards(page: str) -> list[str]:
    return re.findall(r'<li class="card[^"]*">(.*?)</li>', page, flags=re.S)


def test_page_lists_only_ones_own_newest_first_with_unread_in_text(
    app, db, city_member, city_admin
):
    _notify(city_member, "account.disabled", link="")
    _notify(city_member, "account.enabled")
    _notify(city_admin, "join_request.approved", {"organization": "Not Yours Ltd"})
    page = signed_in(app, city_member).get("/notifications").get_data(as_text=True)
    cards = _cards(page)
    assert len(cards) == 2
    assert "enabled again" in cards[0] and "disabled" in cards[1]  # newest first
    assert all(">Unread<" in c for c in cards)  # said in text, not only by colour
    assert "Not Yours Ltd" not in page
    assert "2 notifications" in page


def test_header_shows_the_unread_count_with_an_accessible_label(app, db, city_member):
    client = signed_in(app, city_member)
    page = client.get("/account").get_data(as_text=True)
    assert 'aria-label="Notifications, ' not in page  # nothing unread: no count
    assert ">Notifications</a>" in page
    _notify(city_member, times=3)
    page = client.get("/account").get_data(as_text=True)
    assert 'aria-label="Notifications, 3 unread"' in page
    assert '<span class="badge" aria-hidden="true">3</span>' in page
    assert "Notifications" not in app.test_client().get("/login").get_data(as_text=True)


def test_header_count_costs_one_query_and_none_when_signed_out(app, db, city_member):
    from members.test_query_counts import count_queries

    _notify(city_member, times=2)
    client = signed_in(app, city_member)
    with count_queries(db.engine) as counter:
        assert client.get("/notifications").status_code == 200
    # The page itself lists (count + rows); the header adds exactly one COUNT.
    header = [s for s in counter.statements if "notifications.read_at IS NULL" in s]
    assert len(header) == 1, counter.report()
    with count_queries(db.engine) as counter:
        client.get("/account")
    assert len([s for s in counter.statements if "FROM notifications" in s]) == 1
    with count_queries(db.engine) as counter:
        app.test_client().get("/login")
    assert not [s for s in counter.statements if "notifications" in s]


def test_mark_read_and_mark_all_read(app, db, city_member):
    first, second, third = _notify(city_member, times=3)
    client = signed_in(app, city_member)
    token = csrf_token(client, "/notifications")
    response = client.post(f"/notifications/{first}/read", data={"csrf_token": token, "page": 1})
    assert response.status_code == 302 and response.headers["Location"].endswith("/notifications")
    assert _state(db, first) is not None and _state(db, second) is None
    page = client.get("/notifications").get_data(as_text=True)
    assert 'aria-label="Notifications, 2 unread"' in page
    assert sum(">Unread<" in c for c in _cards(page)) == 2

    response = client.post("/notifications/read-all", data={"csrf_token": token})
    assert response.status_code == 302
    assert all(_state(db, n) is not None for n in (first, second, third))
    page = client.get("/notifications").get_data(as_text=True)
    assert ">Unread<" not in page and "Mark all as read" not in page


def test_writes_need_the_csrf_token(app, db, city_member):
    [mine] = _notify(city_member)
    client = signed_in(app, city_member)
    assert client.post(f"/notifications/{mine}/read").status_code == 400
    assert client.post("/notifications/read-all").status_code == 400
    assert _state(db, mine) is None


def test_opening_marks_read_and_follows_the_link(app, db, city_member, city):
    [linked] = _notify(
        city_member, "join_request.approved", {"organization": "T"}, f"/organizations/{city.id}"
    )
    [plain] = _notify(city_member, link="")
    client = signed_in(app, city_member)
    page = client.get("/notifications").get_data(as_text=True)
    assert f'href="/notifications/{linked}/open"' in page
    assert f'href="/notifications/{plain}/open"' not in page  # nothing to open
    response = client.get(f"/notifications/{linked}/open")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/organizations/{city.id}"
    assert _state(db, linked) is not None
    assert _state(db, plain) is None


def test_another_persons_notification_is_404_and_unchanged(app, db, city_member, city_admin):
    [theirs] = _notify(city_admin)
    client = signed_in(app, city_member)
    token = csrf_token(client, "/notifications")
    assert (
        client.post(f"/notifications/{theirs}/read", data={"csrf_token": token}).status_code == 404
    )
    assert client.get(f"/notifications/{theirs}/open").status_code == 404
    client.post("/notifications/read-all", data={"csrf_token": token})
    assert _state(db, theirs) is None
    assert client.get("/notifications/999999/open").status_code == 404


def test_message_is_rendered_in_the_readers_language_not_the_senders(
    app, db, official, city_member, city_admin
):
    from seoul_platform.accounts import services as accounts
    from seoul_platform.accounts.models import UserStatus

    city_member.locale = "ko"
    db.session.commit()
    # An English-speaking official disables and re-enables two people.
    for person in (city_member, city_admin):
        accounts.set_user_status(official, person, UserStatus.DISABLED)
        accounts.set_user_status(official, person, UserStatus.ACTIVE)
    db.session.commit()
    korean = signed_in(app, city_member).get("/notifications").get_data(as_text=True)
    assert '<html lang="ko"' in korean
    assert "서울시 담당자가 회원님의 계정을 다시 활성화했습니다." in korean
    assert "enabled again" not in korean
    english = signed_in(app, city_admin).get("/notifications").get_data(as_text=True)
    assert "Your account was enabled again by a Seoul official." in english
    # The same reader switching language sees the same rows in the new language.
    admin = signed_in(app, city_admin)
    admin.get("/language/ko?next=/notifications")
    assert "서울시 담당자가" in admin.get("/notifications").get_data(as_text=True)


def test_unread_filter_and_past_the_end(app, db, city_member):
    ids = _notify(city_member, times=3)
    client = signed_in(app, city_member)
    token = csrf_token(client, "/notifications")
    client.post(f"/notifications/{ids[0]}/read", data={"csrf_token": token})
    page = client.get("/notifications?unread=1").get_data(as_text=True)
    assert len(_cards(page)) == 2 and "2 notifications" in page
    # The forms keep the filter they were shown under, and only that one.
    assert page.count('name="unread" value="1"') == 3  # two items and "mark all"
    full = client.get("/notifications").get_data(as_text=True)
    assert 'name="unread"' not in full
    past = client.get("/notifications?page=9")
    assert past.status_code == 200
    text = past.get_data(as_text=True)
    assert "Page 9 does not exist; showing the last page, 1." in text
    assert len(_cards(text)) == 3


@pytest.mark.parametrize(
    "endpoint",
    [
        "notifications.index",
        "notifications.mark_read",
        "notifications.mark_all_read",
        "notifications.open_notification",
        "api.list_notifications",
        "api.read_notification",
        "api.read_all_notifications",
    ],
)
def test_routes_declare_a_policy_and_refuse_anonymous(app, endpoint):
    from seoul_platform.access import policy_of

    with app.test_request_context():
        assert policy_of(endpoint) == AUTHENTICATED
    [rule] = [r for r in app.url_map.iter_rules() if r.endpoint == endpoint]
    path = re.sub(r"<(?:\w+:)?(\w+)>", "1", rule.rule)
    method = "GET" if "GET" in rule.methods else "POST"
    response = app.test_client().open(path, method=method)
    # Pages redirect to sign-in, the API answers 401; an HTML form post without a session
    # has no CSRF token either and is refused before that (400).
    assert response.status_code in (
        (302, 400) if method == "POST" and "api" not in endpoint else (302, 401)
    )


def test_pending_accounts_reach_their_notifications(app, db, make):
    from seoul_platform.accounts.models import UserStatus

    pending = make.user(None, status=UserStatus.PENDING)
    _notify(pending)
    page = signed_in(app, pending).get("/notifications")
    assert page.status_code == 200 and len(_cards(page.get_data(as_text=True))) == 1
