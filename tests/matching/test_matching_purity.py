"""The engine is a pure library: importing it must not pull in the web stack or other features."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

# Every module of the package except the web layer a later issue adds (those may use Flask).
WEB_LAYER = {"models", "services", "views", "api", "forms", "permissions", "tasks"}
PACKAGE = Path(__file__).resolve().parents[2] / "platform" / "matching"
ENGINE_MODULES = sorted(
    p.stem for p in PACKAGE.glob("*.py") if not p.stem.startswith("__") and p.stem not in WEB_LAYER
)

CHECK = """
import sys
{imports}
loaded = sorted(sys.modules)
bad = [m for m in loaded if m.split(".")[0] in ("flask", "sqlalchemy", "flask_sqlalchemy")]
other = [m for m in loaded if m.startswith("seoul_platform.")
         and not m.startswith("seoul_platform.matching")]
assert not bad, f"engine imported the web stack: {{bad}}"
assert not other, f"engine imported other features: {{other}}"
print("pure")
"""


def test_engine_imports_no_web_stack_and_no_other_feature():
    assert {"assignment", "engine", "graph", "scoring", "pairing"} <= set(ENGINE_MODULES)
    imports = "\n".join(f"import seoul_platform.matching.{m}" for m in ENGINE_MODULES)
    proc = subprocess.run(
        [sys.executable, "-c", CHECK.format(imports=imports)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "pure"


def test_the_check_itself_detects_a_web_import():
    # Guard against a vacuous check: the same script must fail once flask is imported.
    proc = subprocess.run(
        [sys.executable, "-c", CHECK.format(imports="import flask")],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode != 0 and "web stack" in proc.stderr
