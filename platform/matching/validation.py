"""Input checks for matching rounds: every fault raises one :class:`AssignmentError` naming it.

Split from the solver so both stay small; the edge loop has a fast path because a round can have
hundreds of thousands of edges and validation should not cost more than the solve.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .diagnostics import Diagnostic

if TYPE_CHECKING:
    from .assignment import AssignmentFirm, AssignmentProblem, AssignmentRequest, Id

_MAX_FLOAT = sys.float_info.max


class AssignmentError(ValueError):
    """Malformed or infeasible input; ``diagnostic.message`` is one line naming the problem."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(diagnostic.message)
        self.diagnostic = diagnostic


def fail(code: str, message: str, **params: object) -> AssignmentError:
    return AssignmentError(Diagnostic(code, message, params))


def _is_int(v: object) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _valid_id(v: object) -> bool:
    return (isinstance(v, str) and v != "") or _is_int(v)


def pair_label(r: object, f: object) -> str:
    """``r7\u2013f3`` with an en dash: reads as a pair, not as a minus sign or part of an id."""
    return f"{r}\u2013{f}"


@dataclass(frozen=True)
class Indexed:
    """A validated problem numbered canonically: requests and firms sorted by id."""

    requests: list[AssignmentRequest]
    firms: list[AssignmentFirm]
    r_index: dict[Id, int]
    f_index: dict[Id, int]
    e_req: list[int]  # per input edge: its request's canonical number
    e_firm: list[int]


def _sort_key(i: Id) -> tuple[int, int | str]:
    # Ints before strings so mixed id types still sort deterministically.
    return (0, i) if isinstance(i, int) else (1, i)


def validate_problem(p: AssignmentProblem) -> None:
    """Check types, ids, numbers and pinned pairs; raise :class:`AssignmentError` on a fault.

    Infeasibility that depends on the optimisation (minimum loads) is detected by the solve.
    """
    check_and_index(p)


def check_and_index(p: AssignmentProblem) -> Indexed:
    """:func:`validate_problem`, also returning the canonical numbering the solver needs."""
    req_ids: dict[Id, AssignmentRequest] = {}
    for r in p.requests:
        if not _valid_id(r.id):
            raise fail("bad_id", f"request id {r.id!r} must be a non-empty string or an integer")
        if r.id in req_ids:
            raise fail("duplicate_id", f"duplicate request id {r.id}", id=r.id)
        if type(r.demand) is not int or r.demand < 0:
            raise fail(
                "bad_demand", f"request {r.id}: demand must be an integer ≥ 0, got {r.demand!r}"
            )
        req_ids[r.id] = r
    firm_ids: dict[Id, AssignmentFirm] = {}
    for f in p.firms:
        if not _valid_id(f.id):
            raise fail("bad_id", f"firm id {f.id!r} must be a non-empty string or an integer")
        if f.id in firm_ids:
            raise fail("duplicate_id", f"duplicate firm id {f.id}", id=f.id)
        if type(f.capacity) is not int or f.capacity < 0:
            raise fail(
                "bad_capacity", f"firm {f.id}: capacity must be an integer ≥ 0, got {f.capacity!r}"
            )
        if type(f.min_load) is not int or not 0 <= f.min_load <= f.capacity:
            raise fail(
                "bad_min_load",
                f"firm {f.id}: minimum load must be an integer between 0 and its capacity "
                f"{f.capacity}, got {f.min_load!r}",
            )
        firm_ids[f.id] = f
    reqs = sorted(p.requests, key=lambda r: _sort_key(r.id))
    firms = sorted(p.firms, key=lambda f: _sort_key(f.id))
    r_index = {r.id: i for i, r in enumerate(reqs)}
    f_index = {f.id: i for i, f in enumerate(firms)}
    e_req, e_firm, seen = _check_edges(p, r_index, f_index)
    n_f = len(firms)
    forbidden = set()
    for r, f in p.forbidden:
        _check_pair("forbidden pair", r, f, req_ids, firm_ids)
        forbidden.add((r, f))
    pinned_seen: set[tuple[Id, Id]] = set()
    for r, f in p.pinned:
        _check_pair("pinned pair", r, f, req_ids, firm_ids)
        if (r, f) in pinned_seen:
            raise fail("duplicate_pinned", f"pinned pair {pair_label(r, f)} is listed twice")
        if (r, f) in forbidden:
            raise fail("pinned_forbidden", f"pinned pair {pair_label(r, f)} is forbidden")
        if r_index[r] * n_f + f_index[f] not in seen:
            raise fail(
                "pinned_no_edge", f"pinned pair {pair_label(r, f)} is not an edge (no score)"
            )
        pinned_seen.add((r, f))
    _check_pinned_limits(p, req_ids, firm_ids)
    return Indexed(reqs, firms, r_index, f_index, e_req, e_firm)


def _check_edges(
    p: AssignmentProblem, r_index: Mapping, f_index: Mapping
) -> tuple[list[int], list[int], set[int]]:
    seen: set[int] = set()
    e_req: list[int] = []
    e_firm: list[int] = []
    n_f = len(f_index)
    for e in p.edges:
        r, f, s = e.request, e.firm, e.score
        tr, tf = type(r), type(f)
        # Exact type checks first: True == 1 and 1.0 == 1 would pass a dict lookup.
        if not ((tr is str or tr is int) and (tf is str or tf is int)):
            _check_pair("edge", r, f, r_index, f_index)
        ri = r_index.get(r)
        fi = f_index.get(f)
        if ri is None or fi is None:
            _check_pair("edge", r, f, r_index, f_index)
        key = ri * n_f + fi  # type: ignore[operator]
        if key in seen:
            raise fail("duplicate_edge", f"duplicate edge {pair_label(r, f)}")
        seen.add(key)
        e_req.append(ri)  # type: ignore[arg-type]
        e_firm.append(fi)  # type: ignore[arg-type]
        if type(s) is not float or not 0.0 <= s <= _MAX_FLOAT:  # NaN fails the comparison
            ok = isinstance(s, int | float) and not isinstance(s, bool)
            if not ok or not math.isfinite(s) or s < 0:
                raise fail(
                    "bad_score",
                    f"edge {pair_label(r, f)}: score must be a finite number ≥ 0, got {s!r}",
                )
    return e_req, e_firm, seen


def _check_pair(what: str, r: object, f: object, reqs: Mapping, firms: Mapping) -> None:
    def known(v: object, ids: Mapping) -> bool:
        try:
            return _valid_id(v) and v in ids
        except TypeError:  # unhashable
            return False

    if not known(r, reqs):
        raise fail("unknown_id", f"{what} {pair_label(r, f)}: unknown request {r!r}")
    if not known(f, firms):
        raise fail("unknown_id", f"{what} {pair_label(r, f)}: unknown firm {f!r}")


def _check_pinned_limits(p: AssignmentProblem, reqs: Mapping, firms: Mapping) -> None:
    by_firm: dict[Id, list[Id]] = {}
    by_req: dict[Id, list[Id]] = {}
    for r, f in p.pinned:
        by_firm.setdefault(f, []).append(r)
        by_req.setdefault(r, []).append(f)
    for f, rs in by_firm.items():
        if len(rs) > firms[f].capacity:
            raise fail(
                "pinned_over_capacity",
                f"pinned {_pairs(rs, f)} exceed{'s' if len(rs) == 1 else ''} "
                f"{f}'s capacity {firms[f].capacity}",
                firm=f,
                capacity=firms[f].capacity,
            )
    for r, fs in by_req.items():
        if len(fs) > reqs[r].demand:
            raise fail(
                "pinned_over_demand",
                f"pinned {_pairs([r] * len(fs), fs)} exceed{'s' if len(fs) == 1 else ''} "
                f"{r}'s demand {reqs[r].demand}",
                request=r,
                demand=reqs[r].demand,
            )


def _pairs(rs: list, fs: object) -> str:
    firms = fs if isinstance(fs, list) else [fs] * len(rs)
    noun = "pair" if len(rs) == 1 else "pairs"
    return f"{noun} " + ", ".join(pair_label(r, f) for r, f in zip(rs, firms, strict=True))
