"""Cohort peer pairing: optimal, never repeats a pair, odd counts handled and stated."""

from __future__ import annotations

import dataclasses
import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from seoul_platform.matching.pairing import (
    PairingError,
    Participant,
    pair_cohort,
    pair_components,
)

CHALLENGES = ["flooding", "heat", "ageing", "congestion", "inclusion"]
STRENGTHS = ["mobility", "welfare", "energy", "safety", "governance"]

participant_lists = st.lists(
    st.builds(
        Participant,
        id=st.just(""),
        organization=st.sampled_from(["", "o1", "o2", "o3"]),
        challenges=st.lists(st.sampled_from(CHALLENGES), max_size=3, unique=True).map(tuple),
        strengths=st.lists(st.sampled_from(STRENGTHS), max_size=2, unique=True).map(tuple),
        region=st.sampled_from(["asia", "europe", "africa"]),
    ),
    min_size=2,
    max_size=7,
).map(lambda ps: [dataclasses.replace(p, id=f"p{i}") for i, p in enumerate(ps)])


def _score(a, b):
    return sum(pair_components(a, b).values())


def _best_by_brute_force(people, met):
    """Max (pairs, total weight) over all matchings of allowed pairs."""
    ok = [
        (a, b)
        for a, b in itertools.combinations(people, 2)
        if frozenset((a.id, b.id)) not in met
        and (not a.organization or a.organization != b.organization)
    ]
    best = (0, 0.0)

    def extend(i, used, count, weight):
        nonlocal best
        best = max(best, (count, round(weight, 6)))
        for j in range(i, len(ok)):
            a, b = ok[j]
            if a.id not in used and b.id not in used:
                extend(j + 1, used | {a.id, b.id}, count + 1, weight + _score(a, b))

    extend(0, frozenset(), 0, 0.0)
    return best


@settings(max_examples=80, deadline=None)
@given(participant_lists, st.data())
def test_pairing_is_optimal_and_respects_history(people, data):
    ids = [p.id for p in people]
    past = data.draw(st.lists(st.tuples(st.sampled_from(ids), st.sampled_from(ids)), max_size=4))
    met = {frozenset(p) for p in past}
    result = pair_cohort(people, past, odd="official")
    pairs = [g.members for g in result.groups]
    assert all(len(p) == 2 for p in pairs)
    seen = [m for p in pairs for m in p]
    assert len(seen) == len(set(seen))
    assert set(seen) | set(result.unpaired) == set(ids)
    assert not any(frozenset(p) in met for p in pairs)
    by_id = {p.id: p for p in people}
    total = sum(_score(by_id[a], by_id[b]) for a, b in pairs)
    count, weight = _best_by_brute_force(people, met)
    assert len(pairs) == count
    assert abs(round(total, 6) - weight) < 2e-6 * max(1, count)


def test_odd_count_forms_one_trio_where_the_leftover_adds_most():
    people = [
        Participant("a", challenges=("flooding",), strengths=("energy",), region="asia"),
        Participant("b", challenges=("flooding",), strengths=("mobility",), region="europe"),
        Participant("c", challenges=("ageing",), strengths=("welfare",), region="africa"),
        Participant("d", challenges=("ageing",), strengths=("safety",), region="asia"),
        Participant(
            "e", challenges=("flooding", "heat"), strengths=("governance",), region="africa"
        ),
    ]
    result = pair_cohort(people)
    assert result.odd_handling == "trio" and result.unpaired == ()
    trio = next(g for g in result.groups if len(g.members) == 3)
    assert set(trio.members) == {"a", "b", "e"}  # e shares flooding with a and b
    assert "trio" in result.note and "e joins" in result.note
    assert any(r.message_id == "pair.shared" and "flooding" in r.text for r in trio.reasons)


def test_odd_count_can_leave_one_for_the_official():
    people = [
        Participant(x, region=r) for x, r in [("a", "asia"), ("b", "europe"), ("c", "africa")]
    ]
    result = pair_cohort(people, odd="official")
    assert result.odd_handling == "official" and len(result.unpaired) == 1
    assert "left for the official" in result.note


def test_leftover_who_met_everyone_is_stated():
    people = [Participant("a"), Participant("b"), Participant("c")]
    result = pair_cohort(people, past_pairs=[("a", "c"), ("b", "c")])
    assert [g.members for g in result.groups] == [("a", "b")]
    assert result.unpaired == ("c",) and result.odd_handling == "official"
    assert "no pair they have not met before" in result.note


def test_same_organisation_is_not_paired_unless_allowed():
    people = [Participant("a", organization="seoul"), Participant("b", organization="seoul")]
    assert pair_cohort(people).groups == ()
    assert len(pair_cohort(people, allow_same_organization=True).groups) == 1


def test_pairs_carry_reasons():
    a = Participant("a", "Ana", challenges=("heat",), strengths=("energy",), region="europe")
    b = Participant("b", "Bo", challenges=("heat",), strengths=("mobility",), region="asia")
    group = pair_cohort([a, b]).groups[0]
    texts = [r.text for r in group.reasons]
    assert "both work on heat" in texts
    assert "Ana brings energy; Bo brings mobility" in texts
    assert "europe meets asia" in texts
    assert abs(group.score - sum(group.components.values())) < 1e-12


def test_invalid_input():
    with pytest.raises(PairingError):
        pair_cohort([Participant("a"), Participant("a")])
    with pytest.raises(PairingError):
        pair_cohort([Participant("a")], odd="random")
