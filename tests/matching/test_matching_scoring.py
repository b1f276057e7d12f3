"""Scores: bounded, additive, monotone, explained; hints are exact; vectorised == scalar."""

from __future__ import annotations

import dataclasses
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from matching.profiles_strategies import TECH, cities, companies, graphs, requests, signals

from seoul_platform.matching.engine import MatchIndex
from seoul_platform.matching.explain import apply_hint, explain_peer, explain_request_company
from seoul_platform.matching.profiles import (
    Company,
    ProfileError,
    RequestProfile,
    Signals,
    TrackRecord,
)
from seoul_platform.matching.scoring import (
    REQUEST_COMPONENTS,
    ScoringContext,
    Weights,
    WeightsError,
    fit_text_model,
    score_peer,
    score_request_company,
)

weight_overrides = st.dictionaries(
    st.sampled_from(REQUEST_COMPONENTS), st.floats(0, 5, allow_nan=False), max_size=3
).filter(lambda d: any(v > 0 for v in d.values()) or len(d) < len(REQUEST_COMPONENTS))


def _ctx(reqs, cos, sig=None, graph=None, overrides=None):
    return ScoringContext(
        text=fit_text_model(reqs, cos),
        weights=Weights.for_requests(overrides),
        signals=sig or Signals(),
        graph=graph,
    )


@settings(max_examples=100, deadline=None)
@given(requests, companies, signals, graphs(), weight_overrides)
def test_score_is_bounded_and_components_sum_to_it(req, co, sig, graph, overrides):
    ctx = _ctx([req], [co], sig, graph, overrides)
    s = score_request_company(req, co, ctx)
    assert 0.0 <= s.score <= 1.0
    assert all(0.0 <= v <= 1.0 for v in s.values.values())
    assert math.isclose(sum(s.components.values()), s.score, abs_tol=1e-12)
    for name, w in ctx.weights.as_dict().items():
        assert math.isclose(s.components[name], w * s.values[name], abs_tol=1e-15)


@settings(max_examples=100, deadline=None)
@given(requests, companies, st.data())
def test_adding_a_sought_capability_never_lowers_the_score(req, co, data):
    if not req.technologies:
        return
    tech = data.draw(st.sampled_from(req.technologies))
    ctx = _ctx([req], [co])
    before = score_request_company(req, co, ctx).score
    after = score_request_company(
        req, dataclasses.replace(co, capabilities=(*co.capabilities, tech)), ctx
    )
    assert after.score >= before - 1e-15


@settings(max_examples=100, deadline=None)
@given(requests, companies, signals, graphs())
def test_following_a_hint_raises_the_score_by_exactly_its_gain(req, co, sig, graph):
    ctx = _ctx([req], [co], sig, graph)
    match = explain_request_company(req, co, ctx, hint_limit=10)
    gains = [h.gain for h in match.hints]
    assert gains == sorted(gains, reverse=True)
    for hint in match.hints:
        assert hint.gain > 0
        changed, changed_ctx = apply_hint(hint, co, ctx, req)
        new = score_request_company(req, changed, changed_ctx).score
        assert math.isclose(new - match.score, hint.gain, abs_tol=1e-12)
        assert math.isclose(new, hint.new_score, abs_tol=1e-12)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(requests, min_size=1, max_size=3),
    st.lists(companies, min_size=1, max_size=4, unique_by=lambda c: c.id),
    signals,
    graphs(),
    weight_overrides,
)
def test_vectorised_scores_equal_scalar_scores(reqs, cos, sig, graph, overrides):
    index = MatchIndex(reqs, cos, signals=sig, graph=graph, weights=overrides)
    matrix = index.score_companies(reqs)
    for i, r in enumerate(reqs):
        for j, c in enumerate(cos):
            scalar = score_request_company(r, c, index.context)
            assert abs(matrix[i, j] - scalar.score) < 1e-9
    unique_reqs = list({r.id: r for r in reqs}.values())
    index = MatchIndex(unique_reqs, cos, signals=sig, graph=graph, weights=overrides)
    for c in cos:
        column = index.score_requests(c)
        for i, r in enumerate(unique_reqs):
            assert abs(column[i] - score_request_company(r, c, index.context).score) < 1e-9


@settings(max_examples=80, deadline=None)
@given(st.lists(cities, min_size=1, max_size=4, unique_by=lambda c: c.id), cities)
def test_vectorised_peer_scores_equal_scalar(others, me):
    index = MatchIndex(cities=others)
    scores = index.score_peers(me)
    for i, other in enumerate(others):
        s = score_peer(me, other, index.context)
        assert abs(scores[i] - s.score) < 1e-9
        assert math.isclose(sum(s.components.values()), s.score, abs_tol=1e-12)


@settings(max_examples=80, deadline=None)
@given(cities, cities)
def test_peer_language_hint_is_exact(me, other):
    ctx = ScoringContext(text=fit_text_model(cities=[me, other]))
    match = explain_peer(me, other, ctx)
    for hint in match.hints:
        changed = dataclasses.replace(me, languages=(*me.languages, hint.value))
        assert math.isclose(
            score_peer(changed, other, ctx).score - match.score, hint.gain, abs_tol=1e-12
        )


def test_weights_are_renormalised_and_validated():
    w = Weights.for_requests({"need_capability_fit": 3.0})
    assert math.isclose(sum(w.values), 1.0)
    assert (
        w.as_dict()["need_capability_fit"] > Weights.for_requests().as_dict()["need_capability_fit"]
    )
    only = Weights.for_requests(dict.fromkeys(REQUEST_COMPONENTS, 0.0) | {"region": 2.0})
    assert only.as_dict()["region"] == 1.0
    for bad in (
        {"region": -1},
        {"region": float("nan")},
        {"region": float("inf")},
        {"nope": 1},
        {"region": "1"},
        dict.fromkeys(REQUEST_COMPONENTS, 0.0),
    ):
        with pytest.raises(WeightsError):
            Weights.for_requests(bad)


def test_profiles_reject_impossible_values():
    with pytest.raises(ProfileError, match="stage"):
        RequestProfile("r", "c", stage=6)
    with pytest.raises(ProfileError, match="must be a list"):
        Company("c", capabilities="digital twin")
    with pytest.raises(ProfileError, match="outcome"):
        TrackRecord(3, ("energy",), 1.5)
    with pytest.raises(ProfileError, match="stage"):
        Company("c", stages_served=(0,))
    assert RequestProfile("r", "c", 2, sectors=["energy"]).sectors == ("energy",)


def test_tags_match_across_case_and_plural():
    req = RequestProfile("r", "city", 3, technologies=("Digital Twins",))
    co = Company("c", capabilities=("digital twin",))
    s = score_request_company(req, co, _ctx([req], [co]))
    assert s.values["need_capability_fit"] >= 0.6


def test_recommendations_skip_declined_and_rank_by_full_scores():
    reqs = [RequestProfile("r1", "city1", 3, sectors=("energy",), technologies=(TECH[0], TECH[2]))]
    cos = [
        Company(
            f"c{i}",
            sectors=("energy",) if i % 2 else (),
            capabilities=tuple(TECH[: i % 4]),
            stages_served=(3,) if i % 3 else (),
        )
        for i in range(12)
    ]
    index = MatchIndex(reqs, cos, signals=Signals(declined=frozenset({("r1", "c3")})))
    top = index.recommend_companies(reqs[0], k=5, exclude=["c7"])
    ids = [m.candidate for m in top]
    assert "c3" not in ids and "c7" not in ids
    full = index.score_companies(reqs)[0]
    expected = sorted(
        (j for j, c in enumerate(cos) if c.id not in {"c3", "c7"} and full[j] > 0),
        key=lambda j: (-full[j], cos[j].id),
    )[:5]
    assert ids == [cos[j].id for j in expected]
    for m in top:  # the reason names the largest contribution first
        assert m.reason.top[0] == max(
            m.components, key=lambda n: (m.components[n], -REQUEST_COMPONENTS.index(n))
        )
        assert all(p.message_id.startswith("reason.") for p in m.reason.parts)


def test_company_view_skips_declined_requests_and_explains_with_company_hints():
    reqs = [
        RequestProfile(f"r{i}", "city1", 3, sectors=("energy",), technologies=(TECH[i % 3],))
        for i in range(6)
    ]
    co = Company("c1", sectors=("energy",), capabilities=(TECH[0],), stages_served=(3,))
    index = MatchIndex(reqs, [co], signals=Signals(declined=frozenset({("r0", "c1")})))
    top = index.recommend_requests(co, k=10, exclude=["r3"])
    ids = [m.subject for m in top]
    assert "r0" not in ids and "r3" not in ids and len(ids) == 4
    full = index.score_requests(co)
    assert [m.score for m in top] == sorted((m.score for m in top), reverse=True)
    for m in top:
        assert abs(m.score - full[int(m.subject[1:])]) < 1e-9
        assert all(h.action != "express_interest" or h.value == m.subject for h in m.hints)
