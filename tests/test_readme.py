"""The README tells how to change the port and where the health check is, and points only at
files inside the repository; e-mail links follow the chosen port in development."""

from __future__ import annotations

import re
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
    from seoul_platform.config import Config, finish, settings_from_environment

    def base_url(environ: dict) -> str:
        config = {k: getattr(Config, k) for k in dir(Config) if k.isupper()}
        config.update(settings_from_environment(environ))
        finish(config, environ)
        return config["PUBLIC_BASE_URL"]

    assert base_url({}) == "http://127.0.0.1:5000"
    assert base_url({"PORT": "8123"}) == "http://127.0.0.1:8123"
    chosen = {"PORT": "8123", "PUBLIC_BASE_URL": "https://platform.example.org"}
    assert base_url(chosen) == "https://platform.example.org"
