"""WSGI module for bench/bench_web.py: ONE server whose ``/bare`` is a bare Flask app returning a
short text and everything else the real platform, so both are measured on the same server,
workers and settings. Configured by the environment (DATABASE_URL, SECRET_KEY) like wsgi.py.

    gunicorn -w 2 -k gthread --threads 4 --pythonpath bench bench_web_app:application
"""

from __future__ import annotations

from flask import Flask
from werkzeug.middleware.dispatcher import DispatcherMiddleware

from seoul_platform.app import create_app

bare = Flask("bare")
# Mounted at /bare, this app sees an empty path for "/bare": answer it rather than redirect.
bare.url_map.strict_slashes = False


@bare.get("/")
def hello() -> tuple[str, int, dict[str, str]]:
    return "hello", 200, {"Content-Type": "text/plain; charset=utf-8"}


real_app = create_app()
application = DispatcherMiddleware(real_app, {"/bare": bare})
