"""The repository layout rules of ARCHITECTURE.md."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_platform_folder_has_no_init():
    assert not (ROOT / "platform" / "__init__.py").exists()


def test_import_platform_from_repo_root_is_the_standard_library():
    code = "import platform, sys; print(platform.__file__); print(platform.python_version())"
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.splitlines()
    assert "lib" in out[0] and not out[0].startswith(str(ROOT / "platform"))
    assert out[1] == ".".join(map(str, sys.version_info[:3]))


def test_application_imports_as_seoul_platform():
    code = "import seoul_platform.app as m; print(m.__file__)"
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.strip()
    assert Path(out) == ROOT / "platform" / "app.py"
