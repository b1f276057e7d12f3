"""Socket.IO events. Imported by app.py before socketio.init_app so handlers are registered.

Each signed-in user joins the room ``user:<id>``; anonymous connections are refused. The
session cookie is checked on connect through the same revocable session rows as HTTP.

Disconnecting a user (sign-out, password change, disable) must reach their sockets in every
server process. Socket.IO's Redis queue carries emits between processes, but it has no
"disconnect this room" message and each process only knows its own participants; so
`disconnect_user` closes the local sockets and, with ``REDIS_URL`` set, publishes the user id
on the channel `disconnect_channel()` names (``REALTIME_CHANNEL``), which every process that
serves sockets listens on.
"""

from __future__ import annotations

import logging
import threading
import time

from flask import Flask, current_app
from flask_login import current_user
from flask_socketio import ConnectionRefusedError, join_room

from ..extensions import socketio

log = logging.getLogger("seoul_platform.realtime")

DISCONNECT_CHANNEL = "seoul:realtime:disconnect-user"


def disconnect_channel(app: Flask | None = None) -> str:
    """The Redis channel for disconnects (``REALTIME_CHANNEL``): deployments or test runs that
    share one Redis server keep apart by giving each its own."""
    config = (app or current_app).config
    return config.get("REALTIME_CHANNEL") or DISCONNECT_CHANNEL


def user_room(user_id: int) -> str:
    return f"user:{user_id}"


@socketio.on("connect")
def on_connect(auth=None):
    if not current_user.is_authenticated:
        raise ConnectionRefusedError("authentication required")
    _ensure_listener(current_app._get_current_object())
    join_room(user_room(current_user.id))


def disconnect_user(user_id: int) -> None:
    """Close every live socket of a user, in this process and (through Redis) in the others.
    Called after commit (an `after_commit` effect); best-effort: a Redis outage is logged."""
    disconnect_local(user_id)
    url = current_app.config.get("REDIS_URL")
    if not url:
        return
    try:
        _redis(url).publish(disconnect_channel(), str(int(user_id)))
    except Exception as exc:  # the revocation itself is committed; sockets re-check on connect
        log.warning("could not publish a disconnect for user %s: %s", user_id, type(exc).__name__)


def disconnect_local(user_id: int) -> int:
    """Close the sockets of ``user_id`` that this process serves; returns how many."""
    server = getattr(socketio, "server", None)
    if server is None:
        return 0
    try:
        participants = list(server.manager.get_participants("/", user_room(user_id)))
    except KeyError:  # nobody connected in this process
        participants = []
    for sid, _eio_sid in participants:
        server.disconnect(sid, namespace="/", ignore_queue=True)
    return len(participants)


# ---- the listener (one per process that serves sockets) -------------------------------------

_clients: dict[str, object] = {}
_listeners: dict[tuple[str, str], threading.Thread] = {}
_lock = threading.Lock()


def _redis(url: str):
    import redis

    with _lock:
        client = _clients.get(url)
        if client is None:
            client = _clients[url] = redis.Redis.from_url(url, socket_timeout=5)
        return client


def _ensure_listener(app: Flask) -> None:
    """Start this process's listener on the first socket it serves (a CLI command or a
    process that serves no sockets never needs one)."""
    url = app.config.get("REDIS_URL")
    if not url:
        return
    key = (url, disconnect_channel(app))
    with _lock:
        if key in _listeners and _listeners[key].is_alive():
            return
        ready = threading.Event()
        thread = threading.Thread(
            target=_listen, args=(*key, ready), name="socket-disconnects", daemon=True
        )
        _listeners[key] = thread
        thread.start()
    ready.wait(5)  # subscribed before this first socket can be revoked


def _listen(url: str, channel: str, ready: threading.Event) -> None:
    import redis

    delay = 1.0
    while True:
        try:
            pubsub = redis.Redis.from_url(url).pubsub(ignore_subscribe_messages=True)
            pubsub.subscribe(channel)
            ready.set()
            delay = 1.0
            for message in pubsub.listen():
                try:
                    disconnect_local(int(message["data"]))
                except (TypeError, ValueError):
                    log.warning("ignored a malformed disconnect message")
        except redis.RedisError as exc:
            ready.set()  # never hold a connecting socket while Redis is away
            log.warning("disconnect listener: %s; retrying in %.0f s", type(exc).__name__, delay)
            time.sleep(delay)
            delay = min(delay * 2, 30.0)


def emit_to_user(user_id: int, event: str, payload: dict) -> None:
    """Send a server→client event to every live socket of a user (through Redis when
    configured, so sockets held by other server processes get it too)."""
    socketio.emit(event, payload, to=user_room(user_id), namespace="/")
