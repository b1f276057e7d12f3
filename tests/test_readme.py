"""The README tells how to change the port and where the health check is, and points only at
files inside the repository; e-mail links follow the chosen port in development."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_explains_port_and_health_path():
    assert "PORT=8080 make run" in README
    assert "`PUBLIC_BASE_URL` defaults to `http://127.0.0.1:$PORT`" in README
    assert "/healthz" in README


def test_readme_points_only_inside_the_repository():
    assert "../" not in README and "/work/" not in README and "shared/" not in README
    for name in re.findall(r"\b([\w./-]+\.md)\b", README):
        assert (ROOT / name).exists(), f"README refers to {name}, which is not in the repository"


def test_public_base_url_follows_port():
    env = {**os.environ, "PORT": "8123"}
    env.pop("PUBLIC_BASE_URL", None)
    code = "from seoul_platform.config import Config; print(Config.PUBLIC_BASE_URL)"
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "http://127.0.0.1:8123"
