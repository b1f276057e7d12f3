"""Peer pairing inside a training cohort: maximum-weight matching of participants.

A pair is worth more when the two share challenges (they can compare solutions), bring
complementary strengths (each can teach the other) and come from different regions (new
perspectives). Pairs that met in an earlier cohort are never formed again, nor (by default) two
people from the same organisation. With an odd count, the one left over joins the pair where they
add the most (a trio) or is left for the official to place; the result says which and why.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import networkx as nx

from .explain import ReasonPart
from .scoring import tags
from .text import normalize_tag

PAIR_WEIGHTS = MappingProxyType(
    {"shared_challenges": 0.5, "complementary_strengths": 0.3, "different_regions": 0.2}
)
_SCALE = 10**6  # integer weights: networkx then matches in exact integer arithmetic


class PairingError(ValueError):
    """Invalid cohort input (duplicate participant, unknown odd-count mode)."""


@dataclass(frozen=True)
class Participant:
    id: str
    name: str = ""
    organization: str = ""
    challenges: tuple[str, ...] = ()
    strengths: tuple[str, ...] = ()
    region: str = ""


@dataclass(frozen=True)
class PeerGroup:
    """Two (or, for the trio, three) participants with their score and reasons."""

    members: tuple[str, ...]
    score: float
    components: Mapping[str, float]
    reasons: tuple[ReasonPart, ...]


@dataclass(frozen=True)
class PairingResult:
    groups: tuple[PeerGroup, ...]
    unpaired: tuple[str, ...]  # left for the official to place
    note: str  # one sentence stating how an odd count or a leftover was handled
    odd_handling: str  # "none", "trio" or "official"
    notes: tuple[str, ...] = field(default=())


def pair_components(a: Participant, b: Participant) -> dict[str, float]:
    """Weighted contributions of the pair (sum = pair score, in [0, 1])."""
    ca, cb = tags(a.challenges), tags(b.challenges)
    sa, sb = tags(a.strengths), tags(b.strengths)
    values = {
        "shared_challenges": len(ca & cb) / len(ca | cb) if ca | cb else 0.0,
        "complementary_strengths": len(sa ^ sb) / len(sa | sb) if sa | sb else 0.0,
        "different_regions": float(
            bool(a.region and b.region) and normalize_tag(a.region) != normalize_tag(b.region)
        ),
    }
    return {k: PAIR_WEIGHTS[k] * v for k, v in values.items()}


def _reasons(a: Participant, b: Participant) -> tuple[ReasonPart, ...]:
    out = []
    cb = tags(b.challenges)
    shared = [c for c in a.challenges if normalize_tag(c) in cb]
    if shared:
        out.append(
            ReasonPart("pair.shared", {"challenges": shared}, f"both work on {', '.join(shared)}")
        )
    sa, sb = tags(a.strengths), tags(b.strengths)
    a_gives = [s for s in a.strengths if normalize_tag(s) not in sb]
    b_gives = [s for s in b.strengths if normalize_tag(s) not in sa]
    if a_gives or b_gives:
        text = "; ".join(
            f"{p.name or p.id} brings {', '.join(g)}" for p, g in ((a, a_gives), (b, b_gives)) if g
        )
        out.append(ReasonPart("pair.complementary", {a.id: a_gives, b.id: b_gives}, text))
    if a.region and b.region and normalize_tag(a.region) != normalize_tag(b.region):
        out.append(
            ReasonPart(
                "pair.regions", {"regions": [a.region, b.region]}, f"{a.region} meets {b.region}"
            )
        )
    return tuple(out)


def _group(members: list[Participant]) -> PeerGroup:
    total: dict[str, float] = dict.fromkeys(PAIR_WEIGHTS, 0.0)
    reasons: list[ReasonPart] = []
    pairs = [(x, y) for i, x in enumerate(members) for y in members[i + 1 :]]
    for x, y in pairs:
        for k, v in pair_components(x, y).items():
            total[k] += v / len(pairs)  # a trio's score is its average pair score
        reasons.extend(_reasons(x, y))
    return PeerGroup(
        tuple(m.id for m in members), sum(total.values()), MappingProxyType(total), tuple(reasons)
    )


def pair_cohort(
    participants: Iterable[Participant],
    past_pairs: Iterable[tuple[str, str]] = (),
    *,
    odd: str = "trio",
    allow_same_organization: bool = False,
) -> PairingResult:
    """Pair a cohort by maximum total weight among the matchings that pair the most people.

    Inputs: participants; ``past_pairs`` from earlier cohorts (never repeated, in either order);
    ``odd`` = "trio" (leftover joins the best pair) or "official" (left for an official).
    Raises :class:`PairingError` on duplicate ids or an unknown ``odd`` value.
    """
    if odd not in ("trio", "official"):
        raise PairingError(f"odd must be 'trio' or 'official', got {odd!r}")
    people = sorted(participants, key=lambda p: p.id)
    by_id = {p.id: p for p in people}
    if len(by_id) != len(people):
        raise PairingError("duplicate participant id")
    met = {frozenset(p) for p in past_pairs}

    def allowed(a: Participant, b: Participant) -> bool:
        if frozenset((a.id, b.id)) in met:
            return False
        return allow_same_organization or not a.organization or a.organization != b.organization

    g = nx.Graph()
    g.add_nodes_from(p.id for p in people)
    for i, a in enumerate(people):
        for b in people[i + 1 :]:
            if allowed(a, b):
                # +1: a zero-score pair still beats leaving two people alone.
                g.add_edge(
                    a.id, b.id, weight=round(sum(pair_components(a, b).values()) * _SCALE) + 1
                )
    matching = nx.max_weight_matching(g, maxcardinality=True, weight="weight")
    pairs = sorted(tuple(sorted(e)) for e in matching)
    left = [p.id for p in people if all(p.id not in e for e in pairs)]
    groups = [_group([by_id[a], by_id[b]]) for a, b in pairs]
    notes: list[str] = []
    handling = "none"
    if len(people) % 2 == 1 and left:
        lone = left[0]
        best = None
        if odd == "trio":
            for i, grp in enumerate(groups):
                if all(allowed(by_id[lone], by_id[m]) for m in grp.members):
                    gain = sum(g.edges[lone, m]["weight"] for m in grp.members)
                    if best is None or gain > best[0]:
                        best = (gain, i)
        if best is not None:
            i = best[1]
            members = [by_id[m] for m in (*groups[i].members, lone)]
            groups[i] = _group(members)
            left.remove(lone)
            handling = "trio"
            notes.append(
                f"Odd number of participants ({len(people)}): {lone} joins "
                f"{' and '.join(groups[i].members[:2])} as a trio."
            )
        else:
            handling = "official"
            why = "" if odd == "official" else " (no pair they have not met before)"
            notes.append(
                f"Odd number of participants ({len(people)}): {lone} is left for the official "
                f"to place{why}."
            )
    others = [p for p in left if not (handling == "official" and p == left[0])]
    if others:
        handling = "official"
        notes.append(
            f"{', '.join(others)} could not be paired: every possible partner was met before "
            "or is from the same organisation."
        )
    return PairingResult(tuple(groups), tuple(left), " ".join(notes), handling, tuple(notes))
