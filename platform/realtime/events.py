"""Socket.IO events. Imported by app.py before socketio.init_app so handlers are registered.

Each signed-in user joins the room ``user:<id>``; anonymous connections are refused. The
session cookie is checked on connect through the same revocable session rows as HTTP.
"""

from __future__ import annotations

import logging

from flask_login import current_user
from flask_socketio import ConnectionRefusedError, join_room

from ..extensions import socketio

log = logging.getLogger("seoul_platform.realtime")


def user_room(user_id: int) -> str:
    return f"user:{user_id}"


@socketio.on("connect")
def on_connect(auth=None):
    if not current_user.is_authenticated:
        raise ConnectionRefusedError("authentication required")
    join_room(user_room(current_user.id))


def disconnect_user(user_id: int) -> None:
    """Close every live socket of a user (sign-out everywhere, password change, disable).
    With a Redis message queue the request reaches the other server processes too."""
    server = getattr(socketio, "server", None)
    if server is None:
        return
    try:
        participants = list(server.manager.get_participants("/", user_room(user_id)))
    except KeyError:  # nobody connected in this process
        participants = []
    for sid, _eio_sid in participants:
        server.disconnect(sid, namespace="/")


def emit_to_user(user_id: int, event: str, payload: dict) -> None:
    """Send a server→client event to every live socket of a user (through Redis when
    configured, so sockets held by other server processes get it too)."""
    socketio.emit(event, payload, to=user_room(user_id), namespace="/")
