"""Socket.IO: anonymous connections are refused; a signed-in user joins their own room and
is disconnected when they sign out."""

from __future__ import annotations

from seoul_platform.extensions import socketio
from seoul_platform.realtime.events import user_room
from support import csrf_token, signed_in


def test_anonymous_connection_is_refused(app, socket_client_for):
    sc = socket_client_for(app.test_client())
    assert not sc.is_connected()


def test_signed_in_user_receives_only_their_room(app, city_member, city_admin, socket_client_for):
    mine = socket_client_for(signed_in(app, city_member))
    theirs = socket_client_for(signed_in(app, city_admin))
    assert mine.is_connected() and theirs.is_connected()
    socketio.emit("notification", {"text": "hello"}, to=user_room(city_member.id))
    received = mine.get_received()
    assert [m["name"] for m in received] == ["notification"]
    assert received[0]["args"][0] == {"text": "hello"}
    assert theirs.get_received() == []


def test_logout_disconnects_the_users_sockets(app, city_member, socket_client_for):
    client = signed_in(app, city_member)
    sc = socket_client_for(client)
    assert sc.is_connected()
    client.post("/logout", data={"csrf_token": csrf_token(client, "/account")})
    assert not sc.is_connected()
