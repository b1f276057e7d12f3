"""Explainable scores: a weighted sum of named components, each in [0, 1].

Request ↔ company (used both ways: companies for a request, requests for a company):

=====================  ==========================================================================
sector_overlap         share of the request's sectors the company works in
need_capability_fit    0.6 * share of technologies sought the company offers (tags)
                       + 0.4 * TF-IDF cosine of the request's challenge/policy text and the
                       company's capability description
stage_fit              1 - (distance from the request's stage to the nearest stage served) / 4
track_record           outcome-weighted evidence from completed partnerships with similar cities
                       (similar = close stage, shared sectors), shrunk towards 0 when thin:
                       Σ sim·outcome / (1 + Σ sim)
shared_language        1 if they share a working language
region                 1 if the company serves the request's region
mutual_interest        0.5 if the company showed interest, + 0.5 if the city shortlisted it
network_proximity      1 / hops between the city and the company in the collaboration graph
                       (0 beyond ``max_hops``)
=====================  ==========================================================================

City ↔ peer city: challenge_similarity (tag Jaccard and text cosine, half each),
complementary_strengths (share of the pair's strong sectors only the peer has), shared_language,
stage_proximity (1 - stage gap / 4).

Weights default to the values below, callers may override any of them; weights are renormalised
to sum to 1, so the score is in [0, 1] and the weighted contributions sum to it.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import networkx as nx

from .profiles import City, Company, RequestProfile, Signals
from .text import TextModel, normalize_tag

REQUEST_COMPONENTS = (
    "sector_overlap",
    "need_capability_fit",
    "stage_fit",
    "track_record",
    "shared_language",
    "region",
    "mutual_interest",
    "network_proximity",
)
DEFAULT_REQUEST_WEIGHTS = (0.15, 0.30, 0.10, 0.15, 0.08, 0.07, 0.08, 0.07)
PEER_COMPONENTS = (
    "challenge_similarity",
    "complementary_strengths",
    "shared_language",
    "stage_proximity",
)
DEFAULT_PEER_WEIGHTS = (0.45, 0.25, 0.15, 0.15)
TAG_SHARE = 0.6  # of need_capability_fit; tags are what the city asked for, text catches synonyms


class WeightsError(ValueError):
    """Weights that cannot be used: unknown name, negative, not finite, or all zero."""


@dataclass(frozen=True)
class Weights:
    """Component weights in component order, summing to 1."""

    names: tuple[str, ...]
    values: tuple[float, ...]

    @classmethod
    def for_requests(cls, overrides: Mapping[str, float] | None = None) -> Weights:
        """Default request ↔ company weights with ``overrides`` applied, then renormalised.

        Raises :class:`WeightsError` for unknown names or unusable values.
        """
        return cls._make(REQUEST_COMPONENTS, DEFAULT_REQUEST_WEIGHTS, overrides)

    @classmethod
    def for_peers(cls, overrides: Mapping[str, float] | None = None) -> Weights:
        """Default city ↔ city weights with ``overrides`` applied, then renormalised."""
        return cls._make(PEER_COMPONENTS, DEFAULT_PEER_WEIGHTS, overrides)

    @classmethod
    def _make(
        cls,
        names: tuple[str, ...],
        defaults: tuple[float, ...],
        overrides: Mapping[str, float] | None,
    ) -> Weights:
        raw = dict(zip(names, defaults, strict=True))
        for name, value in (overrides or {}).items():
            if name not in raw:
                raise WeightsError(f"unknown component {name!r}; known: {', '.join(names)}")
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise WeightsError(f"weight {name!r} must be a number, got {value!r}")
            if not math.isfinite(value) or value < 0:
                raise WeightsError(f"weight {name!r} must be finite and ≥ 0, got {value!r}")
            raw[name] = float(value)
        total = math.fsum(raw.values())
        if total <= 0:
            raise WeightsError("at least one weight must be positive")
        return cls(names, tuple(raw[n] / total for n in names))

    def as_dict(self) -> Mapping[str, float]:
        return MappingProxyType(dict(zip(self.names, self.values, strict=True)))


@dataclass(frozen=True, eq=False)
class ScoringContext:
    """Everything beyond the two profiles that a score depends on."""

    text: TextModel
    weights: Weights = field(default_factory=Weights.for_requests)
    peer_weights: Weights = field(default_factory=Weights.for_peers)
    signals: Signals = field(default_factory=Signals)
    graph: nx.Graph | None = None
    max_hops: int = 3
    _hops: dict[str, Mapping[str, int]] = field(default_factory=dict, repr=False)

    def hops_from(self, node: str) -> Mapping[str, int]:
        """Hop counts from ``node`` to every node within ``max_hops`` (cached per source)."""
        hit = self._hops.get(node)
        if hit is None:
            if self.graph is None or node not in self.graph:
                hit = {}
            else:
                hit = nx.single_source_shortest_path_length(self.graph, node, cutoff=self.max_hops)
            self._hops[node] = hit
        return hit


@dataclass(frozen=True)
class Score:
    """A score with its raw component ``values`` and weighted ``components`` (summing to it)."""

    subject: str
    candidate: str
    score: float
    values: Mapping[str, float]
    components: Mapping[str, float]


@functools.lru_cache(maxsize=65536)
def tags(items: tuple[str, ...]) -> frozenset[str]:
    """Normalised, de-duplicated tags (empty ones dropped)."""
    return frozenset(t for t in (normalize_tag(i) for i in items) if t)


def coverage(wanted: frozenset[str], offered: frozenset[str]) -> float:
    return len(wanted & offered) / len(wanted) if wanted else 0.0


def stage_fit(stage: int, served: tuple[int, ...]) -> float:
    if not served:
        return 0.0
    return 1.0 - min(abs(s - stage) for s in served) / 4.0


def track_record_value(request: RequestProfile, company: Company) -> float:
    wanted = tags(request.sectors)
    num = den = 0.0
    for t in company.track_record:
        sim = 0.5 * (1.0 - abs(t.city_stage - request.stage) / 4.0) + 0.5 * coverage(
            wanted, tags(t.sectors)
        )
        num += sim * t.outcome
        den += sim
    return num / (1.0 + den)


def proximity(ctx: ScoringContext, a: str, b: str) -> float:
    hops = ctx.hops_from(a).get(b)
    return 1.0 / hops if hops else 0.0


def request_values(
    request: RequestProfile, company: Company, ctx: ScoringContext
) -> dict[str, float]:
    """Raw component values (each in [0, 1]) of a request ↔ company pair."""
    sig = ctx.signals
    pair = (request.id, company.id)
    tag_fit = coverage(tags(request.technologies), tags(company.capabilities))
    text_fit = ctx.text.similarity(request.text, company.description)
    return {
        "sector_overlap": coverage(tags(request.sectors), tags(company.sectors)),
        "need_capability_fit": TAG_SHARE * tag_fit + (1.0 - TAG_SHARE) * text_fit,
        "stage_fit": stage_fit(request.stage, company.stages_served),
        "track_record": track_record_value(request, company),
        "shared_language": float(bool(tags(request.languages) & tags(company.languages))),
        "region": float(normalize_tag(request.region) in tags(company.regions_served)),
        "mutual_interest": 0.5 * (pair in sig.company_interest) + 0.5 * (pair in sig.city_interest),
        "network_proximity": proximity(ctx, request.city_id, company.id),
    }


def peer_values(city: City, other: City, ctx: ScoringContext) -> dict[str, float]:
    """Raw component values of ``other`` as a peer for ``city`` (not symmetric)."""
    a, b = tags(city.challenges), tags(other.challenges)
    jaccard = len(a & b) / len(a | b) if a | b else 0.0
    sa, sb = tags(city.sectors), tags(other.sectors)
    return {
        "challenge_similarity": 0.5 * jaccard + 0.5 * ctx.text.similarity(city.text, other.text),
        "complementary_strengths": len(sb - sa) / len(sa | sb) if sa | sb else 0.0,
        "shared_language": float(bool(tags(city.languages) & tags(other.languages))),
        "stage_proximity": 1.0 - abs(city.stage - other.stage) / 4.0,
    }


def combine(subject: str, candidate: str, values: Mapping[str, float], weights: Weights) -> Score:
    """Weight the values; the sum runs in component order, as in the vectorised path."""
    components = {}
    total = 0.0
    for name, w in zip(weights.names, weights.values, strict=True):
        components[name] = w * values[name]
        total += components[name]
    return Score(
        subject,
        candidate,
        min(1.0, total),
        MappingProxyType(dict(values)),
        MappingProxyType(components),
    )


def score_request_company(request: RequestProfile, company: Company, ctx: ScoringContext) -> Score:
    """Score ``company`` for ``request``; the reference the vectorised engine must agree with."""
    return combine(request.id, company.id, request_values(request, company, ctx), ctx.weights)


def score_peer(city: City, other: City, ctx: ScoringContext) -> Score:
    """Score ``other`` as a peer city for ``city``."""
    return combine(city.id, other.id, peer_values(city, other, ctx), ctx.peer_weights)


def fit_text_model(
    requests: tuple[RequestProfile, ...] | list[RequestProfile] = (),
    companies: tuple[Company, ...] | list[Company] = (),
    cities: tuple[City, ...] | list[City] = (),
) -> TextModel:
    """Fit the TF-IDF model on every text that will be compared."""
    docs = [r.text for r in requests] + [c.description for c in companies]
    return TextModel.fit(docs + [c.text for c in cities])
