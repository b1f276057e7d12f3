"""WSGI entry point: ``gunicorn wsgi:app`` or ``flask --app wsgi ...``; ``python wsgi.py``
serves the development demo on http://127.0.0.1:5000 and runs the task queue's consumer in
background threads of the same process (production runs ``flask --app wsgi worker``)."""

import os
import sys

from seoul_platform.app import create_app
from seoul_platform.extensions import socketio
from seoul_platform.jobs import embedded_consumer

app = create_app()

if __name__ == "__main__":
    # The demo server listens on loopback only; production runs gunicorn (see README).
    # One process serves the pages and runs the background jobs; Ctrl-C stops the server,
    # then leaving the block stops the workers.
    with embedded_consumer(app) as consumer:
        if consumer is not None:
            print(f" * Background jobs: {consumer.workers} worker threads", file=sys.stderr)
        socketio.run(
            app,
            host="127.0.0.1",
            port=int(os.environ.get("PORT", "5000")),
            allow_unsafe_werkzeug=True,
        )
    print(" * Background jobs stopped", file=sys.stderr)
