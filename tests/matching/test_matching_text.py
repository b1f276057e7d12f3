"""TF-IDF text similarity and tag normalisation."""

from __future__ import annotations

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from seoul_platform.matching.engine import MatchIndex
from seoul_platform.matching.profiles import City, Signals
from seoul_platform.matching.text import TextModel, normalize_tag, tokenize

words = st.lists(
    st.sampled_from(["flood", "heat", "twin", "model", "bus", "elderly", "grid", "data"]),
    max_size=8,
)


def test_normalisation_and_tokens():
    assert normalize_tag("  Digital-Twins ") == normalize_tag("digital twin") == "digital twin"
    assert normalize_tag("Cities") == "city"
    assert normalize_tag("GIS") == "gis"  # short words keep their final s
    assert tokenize("The digital twins of cities") == (
        "digital",
        "twin",
        "city",
        "digital twin",
        "twin city",
    )


@settings(max_examples=100, deadline=None)
@given(words.map(" ".join), words.map(" ".join), st.lists(words.map(" ".join), max_size=5))
def test_similarity_is_a_symmetric_cosine_in_unit_interval(a, b, corpus):
    model = TextModel.fit([a, b, *corpus])
    s = model.similarity(a, b)
    assert 0.0 <= s <= 1.0
    assert math.isclose(s, model.similarity(b, a), abs_tol=1e-12)
    if tokenize(a):
        assert math.isclose(model.similarity(a, a), 1.0, abs_tol=1e-12)


def test_rare_shared_words_weigh_more_than_common_ones():
    corpus = ["city data platform"] * 8 + ["flood twin", "city data flood"]
    model = TextModel.fit(corpus)
    assert model.similarity("flood twin", "flood model") > model.similarity(
        "city data", "data model"
    )


def test_unknown_words_dilute_similarity():
    model = TextModel.fit(["flood twin", "bus grid"])
    assert model.similarity("flood twin", "flood twin") > model.similarity(
        "flood twin", "flood twin zebra quokka"
    )
    assert model.similarity("zebra", "zebra") == 0.0  # nothing known: no evidence of a match


def test_peer_recommendations_skip_self_and_declined_and_break_ties_by_id():
    me = City("a", challenges=("flooding",), languages=("en",))
    others = [City(x, challenges=("flooding",), languages=("en",)) for x in ("d", "c", "b", "a")]
    index = MatchIndex(cities=others, signals=Signals(peer_declined=frozenset({("c", "a")})))
    assert [m.candidate for m in index.recommend_peers(me, k=5)] == ["b", "d"]
