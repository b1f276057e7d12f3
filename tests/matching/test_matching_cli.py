"""The assignment CLI as analysts run it: a subprocess, JSON in and out, exit 2 on bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

VALID = {
    "requests": [{"id": "r1", "demand": 2}, {"id": "r2", "demand": 1}],
    "firms": [{"id": "f1", "capacity": 3}, {"id": "f2", "capacity": 1}],
    "edges": [
        {"request": "r1", "firm": "f1", "score": 0.82},
        {"request": "r1", "firm": "f2", "score": 0.3},
        {"request": "r2", "firm": "f2", "score": 0.5},
    ],
    "forbidden": [["r1", "f2"]],
    "pinned": [["r1", "f1"]],
}


def run(args: list[str], stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "seoul_platform.matching", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def write(tmp_path: Path, payload: object, raw: str | None = None) -> str:
    path = tmp_path / "round.json"
    path.write_text(raw if raw is not None else json.dumps(payload), encoding="utf-8")
    return str(path)


def test_valid_round_to_output_file(tmp_path):
    out = tmp_path / "out.json"
    proc = run(["assign", write(tmp_path, VALID), "-o", str(out)])
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == ""
    result = json.loads(out.read_text(encoding="utf-8"))
    assert list(result)[:5] == ["status", "objective", "seconds", "assignments", "unfilled"]
    assert result["status"] == "optimal"
    pairs = {(a["request"], a["firm"]) for a in result["assignments"]}
    assert pairs == {("r1", "f1"), ("r2", "f2")}  # r1-f2 is forbidden
    assert result["objective"] == pytest.approx(0.82 + 0.5, abs=1e-9)
    assert [(u["request"], u["missing"]) for u in result["unfilled"]] == [("r1", 1)]
    assert result["seconds"] >= 0


def test_fair_flag_and_stdin(tmp_path):
    payload = {
        "requests": [{"id": "r1", "demand": 1}, {"id": "r2", "demand": 1}],
        "firms": [{"id": "f1", "capacity": 1}, {"id": "f2", "capacity": 1}],
        "edges": [
            {"request": "r1", "firm": "f1", "score": 0.9},
            {"request": "r1", "firm": "f2", "score": 0.1},
            {"request": "r2", "firm": "f1", "score": 0.5},
        ],
    }
    plain = json.loads(run(["assign", "-"], stdin=json.dumps(payload)).stdout)
    fair = json.loads(run(["assign", "-", "--fair"], stdin=json.dumps(payload)).stdout)
    assert len(plain["assignments"]) == 1
    assert len(fair["assignments"]) == 2 and fair["unfilled"] == []


def _with(**changes):
    data = json.loads(json.dumps(VALID))
    for key, value in changes.items():
        data[key] = value
    return data


BAD = {
    "missing field": (_with(requests=[{"id": "r1"}]), "missing field 'demand'"),
    "missing list": ({"requests": [], "firms": []}, "missing field 'edges'"),
    "unknown request id": (
        _with(edges=[{"request": "r9", "firm": "f1", "score": 0.1}]),
        "unknown request 'r9'",
    ),
    "unknown firm id in pinned": (_with(pinned=[["r1", "f9"]]), "unknown firm 'f9'"),
    "NaN score": (None, "finite number"),
    "infinite score": (None, "finite number"),
    "negative score": (
        _with(edges=[{"request": "r1", "firm": "f1", "score": -0.5}]),
        "finite number ≥ 0",
    ),
    "duplicate request id": (
        _with(requests=[{"id": "r1", "demand": 1}, {"id": "r1", "demand": 2}]),
        "duplicate request id r1",
    ),
    "duplicate firm id": (
        _with(firms=[{"id": "f1", "capacity": 1}, {"id": "f1", "capacity": 1}]),
        "duplicate firm id f1",
    ),
    "string demand": (_with(requests=[{"id": "r1", "demand": "2"}]), "expected an integer"),
    "float capacity": (_with(firms=[{"id": "f1", "capacity": 1.5}]), "expected an integer"),
    "boolean id": (_with(requests=[{"id": True, "demand": 1}]), "id"),
    "string score": (
        _with(edges=[{"request": "r1", "firm": "f1", "score": "high"}]),
        "expected a number",
    ),
    "negative capacity": (
        _with(firms=[{"id": "f1", "capacity": -1}, {"id": "f2", "capacity": 1}]),
        "capacity must be an integer ≥ 0",
    ),
    "pinned forbidden": (
        _with(pinned=[["r1", "f2"]]),
        "pinned pair r1\u2013f2 is forbidden",
    ),
    "pinned over capacity": (
        _with(
            firms=[{"id": "f1", "capacity": 0}, {"id": "f2", "capacity": 1}],
            pinned=[["r1", "f1"]],
        ),
        "pinned pair r1\u2013f1 exceeds f1's capacity 0",
    ),
    "duplicate edge": (
        _with(
            edges=[
                {"request": "r1", "firm": "f1", "score": 0.1},
                {"request": "r1", "firm": "f1", "score": 0.2},
            ]
        ),
        "duplicate edge r1\u2013f1",
    ),
    "min loads infeasible": (
        _with(
            firms=[{"id": "f1", "capacity": 3}, {"id": "f2", "capacity": 1, "min_load": 1}],
            edges=VALID["edges"][:2],  # only r1 reaches f2, and that pair is forbidden
        ),
        "minimum load of firm f2 cannot be met",
    ),
    "pair not a list": (_with(forbidden=["r1"]), "expected a [request, firm] pair"),
    "top-level array": ([], "input must be a JSON object"),
    "edge not an object": (_with(edges=[3]), "edges[0]: expected an object"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_malformed_input_exits_2_with_one_line(tmp_path, case):
    payload, fragment = BAD[case]
    if case == "NaN score":
        raw = json.dumps(VALID).replace("0.82", "NaN")
    elif case == "infinite score":
        raw = json.dumps(VALID).replace("0.82", "Infinity")
    else:
        raw = None
    proc = run(["assign", write(tmp_path, payload, raw)])
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert "Traceback" not in proc.stderr
    assert proc.stderr.endswith("\n") and proc.stderr.count("\n") == 1, proc.stderr
    assert fragment in proc.stderr


@pytest.mark.parametrize(
    ("setup", "fragment"),
    [
        ("missing", "no such file"),
        ("not json", "is not valid JSON"),
        ("not utf8", "not UTF-8"),
        ("directory", "cannot read"),
        ("no command", "usage error"),
        ("bad option", "usage error"),
    ],
)
def test_unreadable_input_exits_2_with_one_line(tmp_path, setup, fragment):
    path = tmp_path / "round.json"
    args = ["assign", str(path)]
    if setup == "not json":
        path.write_text("{requests: [", encoding="utf-8")
    elif setup == "not utf8":
        path.write_bytes(b'{"requests": "\xff\xfe"}')
    elif setup == "directory":
        args = ["assign", str(tmp_path)]
    elif setup == "no command":
        args = []
    elif setup == "bad option":
        args = ["assign", str(path), "--fastest"]
    proc = run(args)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert proc.stderr.count("\n") == 1, proc.stderr
    assert fragment in proc.stderr
