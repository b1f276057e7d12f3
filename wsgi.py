"""WSGI entry point: ``gunicorn wsgi:app`` or ``flask --app wsgi ...``; ``python wsgi.py``
serves the development demo on http://127.0.0.1:5000."""

import os

from seoul_platform.app import create_app
from seoul_platform.extensions import socketio

app = create_app()

if __name__ == "__main__":
    # The demo server listens on loopback only; production runs gunicorn (see README).
    socketio.run(
        app, host="127.0.0.1", port=int(os.environ.get("PORT", "5000")), allow_unsafe_werkzeug=True
    )
