"""WSGI entry point: ``gunicorn wsgi:app`` or ``flask --app wsgi ...``."""

from seoul_platform.app import create_app
from seoul_platform.extensions import socketio

app = create_app()

if __name__ == "__main__":
    socketio.run(app, host="127.0.0.1", port=5000)
