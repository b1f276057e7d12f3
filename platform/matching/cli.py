"""Offline assignment solver for analysts (contract in docs API.md, "The assignment solver").

Reads the round as JSON, checks its shape and types here and its meaning in
:func:`~.assignment.validate_problem`, solves, writes JSON. Any bad input ends with exit code 2 and
one line on stderr that names the problem; no traceback is ever printed.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import tempfile
from collections.abc import Sequence
from typing import Any, NoReturn

from .assignment import (
    AssignmentError,
    AssignmentFirm,
    AssignmentProblem,
    AssignmentRequest,
    AssignmentResult,
    Edge,
    solve_assignment,
)

EXIT_BAD_INPUT = 2


class InputError(Exception):
    """One-line description of malformed input, printed as is."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # argparse would print a multi-line usage block
        raise InputError(f"usage error: {message} (see --help)")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m seoul_platform.matching", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    assign = sub.add_parser("assign", help="solve a matching round given as JSON")
    assign.add_argument("input", help="input JSON file, or - for standard input")
    assign.add_argument("-o", "--output", help="write the result here instead of standard output")
    assign.add_argument(
        "--fair", action="store_true", help="first serve as many requests as possible"
    )
    assign.add_argument(
        "--alternates", type=int, default=3, help="unchosen feasible firms listed per request"
    )
    return parser


def _type_name(v: object) -> str:
    return {dict: "an object", list: "an array", str: "a string", bool: "a boolean"}.get(
        type(v), "null" if v is None else f"a {type(v).__name__}"
    )


def _get(obj: dict[str, Any], key: str, where: str, required: bool = True) -> Any:
    if key not in obj:
        if required:
            raise InputError(f"{where}: missing field '{key}'")
        return None
    return obj[key]


def _expect_int(v: object, where: str) -> int:
    if not isinstance(v, int) or isinstance(v, bool):
        raise InputError(f"{where}: expected an integer, got {_type_name(v)} {v!r}")
    return v


def _expect_id(v: object, where: str) -> str | int:
    if isinstance(v, bool) or not isinstance(v, str | int) or v == "":
        raise InputError(f"{where}: expected a non-empty string or integer id, got {v!r}")
    return v


def _objects(data: dict[str, Any], key: str, required: bool = True) -> list[dict[str, Any]]:
    items = _get(data, key, "input", required)
    if items is None:
        return []
    if not isinstance(items, list):
        raise InputError(f"'{key}' must be an array, got {_type_name(items)}")
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            raise InputError(f"{key}[{i}]: expected an object, got {_type_name(item)}")
    return items


def _pairs(data: dict[str, Any], key: str) -> tuple[tuple[str | int, str | int], ...]:
    items = data.get(key, [])
    if not isinstance(items, list):
        raise InputError(f"'{key}' must be an array of [request, firm] pairs")
    out = []
    for i, item in enumerate(items):
        if not isinstance(item, list) or len(item) != 2:
            raise InputError(f"{key}[{i}]: expected a [request, firm] pair, got {item!r}")
        out.append((_expect_id(item[0], f"{key}[{i}][0]"), _expect_id(item[1], f"{key}[{i}][1]")))
    return tuple(out)


def parse_problem(data: object) -> AssignmentProblem:
    """Turn decoded JSON into an :class:`AssignmentProblem`; raise :class:`InputError` on bad shape.

    Optional extensions beyond API.md: ``requests[].sector`` (string) to explain shortages by
    sector and ``firms[].min_load`` (integer) for minimum loads. Unknown fields are ignored.
    """
    if not isinstance(data, dict):
        raise InputError(f"input must be a JSON object, got {_type_name(data)}")
    requests = []
    for i, r in enumerate(_objects(data, "requests")):
        where = f"requests[{i}]"
        sector = _get(r, "sector", where, required=False)
        if sector is not None and not isinstance(sector, str):
            raise InputError(f"{where}.sector: expected a string, got {_type_name(sector)}")
        requests.append(
            AssignmentRequest(
                _expect_id(_get(r, "id", where), f"{where}.id"),
                _expect_int(_get(r, "demand", where), f"{where}.demand"),
                sector,
            )
        )
    firms = []
    for i, f in enumerate(_objects(data, "firms")):
        where = f"firms[{i}]"
        min_load = _get(f, "min_load", where, required=False)
        firms.append(
            AssignmentFirm(
                _expect_id(_get(f, "id", where), f"{where}.id"),
                _expect_int(_get(f, "capacity", where), f"{where}.capacity"),
                0 if min_load is None else _expect_int(min_load, f"{where}.min_load"),
            )
        )
    edges = []
    for i, e in enumerate(_objects(data, "edges")):
        where = f"edges[{i}]"
        score = _get(e, "score", where)
        if isinstance(score, bool) or not isinstance(score, int | float):
            raise InputError(f"{where}.score: expected a number, got {_type_name(score)}")
        if not math.isfinite(score) or score < 0:
            raise InputError(f"{where}.score: must be a finite number ≥ 0, got {score!r}")
        edges.append(
            Edge(
                _expect_id(_get(e, "request", where), f"{where}.request"),
                _expect_id(_get(e, "firm", where), f"{where}.firm"),
                float(score),
            )
        )
    return AssignmentProblem(
        tuple(requests),
        tuple(firms),
        tuple(edges),
        _pairs(data, "forbidden"),
        _pairs(data, "pinned"),
    )


def result_json(result: AssignmentResult) -> dict[str, Any]:
    """The output document: API.md's fields first, then explanations."""
    return {
        "status": result.status,
        "objective": result.objective,
        "seconds": round(result.seconds, 6),
        "assignments": [
            {"request": p.request, "firm": p.firm, "score": p.score, "pinned": p.pinned}
            for p in result.assignments
        ],
        "unfilled": [
            {"request": u.request, "missing": u.missing, "reason": u.reason.message}
            for u in result.unfilled
        ],
        "fair": result.fair,
        "served_requests": result.served_requests,
        "diagnostics": [d.message for d in result.diagnostics],
        "alternates": [
            {
                "request": rid,
                "firms": [
                    {"firm": a.firm, "score": a.score, "has_capacity": a.has_capacity} for a in alts
                ],
            }
            for rid, alts in result.alternates.items()
        ],
    }


def _read(path: str) -> object:
    try:
        if path == "-":
            text = sys.stdin.read()
        else:
            with open(path, encoding="utf-8") as fh:
                text = fh.read()
    except FileNotFoundError:
        raise InputError(f"cannot read {path}: no such file") from None
    except UnicodeDecodeError:
        raise InputError(f"cannot read {path}: not UTF-8 text") from None
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"{path} is not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
        ) from None
    except RecursionError:
        raise InputError(f"{path} is not valid JSON: nested too deeply") from None


def _write(path: str | None, text: str) -> None:
    if path is None or path == "-":
        sys.stdout.write(text)
        return
    directory = os.path.dirname(os.path.abspath(path))
    try:  # write then rename, so a reader never sees half a result
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=".assign-", suffix=".json")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except OSError as exc:
        raise InputError(f"cannot write {path}: {exc.strerror or exc}") from None


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; return the exit code (0 solved, 2 bad or infeasible input, 1 internal error)."""
    try:
        args = _parser().parse_args(argv)
        if args.alternates < 0:
            raise InputError("--alternates must be ≥ 0")
        problem = parse_problem(_read(args.input))
        result = solve_assignment(problem, fair=args.fair, alternates=args.alternates)
        _write(args.output, json.dumps(result_json(result), ensure_ascii=False, indent=2) + "\n")
    except (InputError, AssignmentError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug: still one line, never a traceback (API.md)
        print(f"internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    return 0
