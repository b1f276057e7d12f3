"""Recommendations at scale: a pre-built index scores one profile against thousands at once.

The index turns profiles into sparse incidence matrices (sectors, capabilities, languages,
regions, challenges), a TF-IDF matrix and track-record arrays, so every component of
:mod:`.scoring` becomes a few sparse products over all candidates. The scalar scorer in
:mod:`.scoring` is the reference: the tests require both to agree to 1e-9. Only the top-k are
then explained (reason and hints) with the scalar path.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import networkx as nx
import numpy as np

from .explain import Match, explain_peer, explain_request_company
from .features import Vocabularies, city_features, company_features, inverse, request_features
from .profiles import City, Company, RequestProfile, Signals
from .scoring import TAG_SHARE, ScoringContext, Weights, fit_text_model


def _top(scores: np.ndarray, ids: Sequence[str], k: int) -> list[int]:
    """Indices of the k best finite positive scores; ties broken by id, so results are stable."""
    valid = np.flatnonzero(np.isfinite(scores) & (scores > 0))
    if len(valid) > k > 0:
        kth = np.partition(scores[valid], len(valid) - k)[len(valid) - k]
        valid = valid[scores[valid] >= kth]
    return sorted(valid.tolist(), key=lambda i: (-scores[i], ids[i]))[: max(k, 0)]


class MatchIndex:
    """Requests, companies and cities prepared for fast scoring.

    Inputs: the profiles (requests should be the open ones), optional weight overrides, interest
    signals and the collaboration graph (nodes named by ``RequestProfile.city_id`` and
    ``Company.id``). Raises ``ProfileError``/``WeightsError`` for invalid input.
    """

    def __init__(
        self,
        requests: Sequence[RequestProfile] = (),
        companies: Sequence[Company] = (),
        cities: Sequence[City] = (),
        *,
        weights: Mapping[str, float] | None = None,
        peer_weights: Mapping[str, float] | None = None,
        signals: Signals | None = None,
        graph: nx.Graph | None = None,
        max_hops: int = 3,
    ) -> None:
        self.requests = tuple(requests)
        self.companies = tuple(companies)
        self.cities = tuple(cities)
        self.context = ScoringContext(
            text=fit_text_model(self.requests, self.companies, self.cities),
            weights=Weights.for_requests(weights),
            peer_weights=Weights.for_peers(peer_weights),
            signals=signals or Signals(),
            graph=graph,
            max_hops=max_hops,
        )
        cos, rqs, cts = self.companies, self.requests, self.cities
        self._vocab = Vocabularies.build(rqs, cos, cts)
        self._interested: dict[str, set[str]] = {}  # request id -> companies with any interest
        for rid, cid in self.context.signals.company_interest | self.context.signals.city_interest:
            self._interested.setdefault(rid, set()).add(cid)
        self._company_col = {c.id: i for i, c in enumerate(cos)}
        self._company_ids = [c.id for c in cos]
        self._request_ids = [r.id for r in rqs]
        self._city_ids = [c.id for c in cts]
        text = self.context.text
        self._companies_f = company_features(cos, self._vocab, text)
        self._requests_f = request_features(rqs, self._vocab, text) if rqs else None
        self._cities_f = city_features(cts, self._vocab, text) if cts else None

    # -- features ---------------------------------------------------------------------------

    # -- vectorised components --------------------------------------------------------------

    def _request_block(
        self,
        rf: Mapping[str, Any],
        req_ids: Sequence[str],
        city_ids: Sequence[str],
        cf: Mapping[str, Any],
        col_of: Mapping[str, int],
    ) -> dict[str, np.ndarray]:
        """Component values, one (requests x companies) array per component."""
        k, n = len(req_ids), cf["stage_fit"].shape[0]
        sector_hits = np.asarray(rf["sectors"] @ cf["sectors_t"])
        tag_fit = (rf["techs"] @ cf["caps_t"]).toarray() * inverse(rf["n_techs"])[:, None]
        text_fit = np.minimum((rf["text"] @ cf["text_t"]).toarray(), 1.0)
        region = np.zeros((k, n))
        known = rf["region"] >= 0
        region[known] = cf["regions"][:, rf["region"][known]].T
        out = {
            "sector_overlap": sector_hits * inverse(rf["n_sectors"])[:, None],
            "need_capability_fit": TAG_SHARE * tag_fit + (1.0 - TAG_SHARE) * text_fit,
            "stage_fit": cf["stage_fit"][:, rf["stage"] - 1].T,
            "track_record": self._track_block(rf, cf),
            "shared_language": (np.asarray(rf["langs"] @ cf["langs_t"]) > 0).astype(np.float64),
            "region": region,
            "mutual_interest": np.zeros((k, n)),
            "network_proximity": np.zeros((k, n)),
        }
        sig = self.context.signals
        for i, rid in enumerate(req_ids):
            for cid in self._interested.get(rid, ()):
                j = col_of.get(cid)
                if j is not None:
                    pair = (rid, cid)
                    out["mutual_interest"][i, j] = 0.5 * (pair in sig.company_interest) + 0.5 * (
                        pair in sig.city_interest
                    )
            for node, hops in self.context.hops_from(city_ids[i]).items():
                j = col_of.get(node)
                if j is not None and hops > 0:
                    out["network_proximity"][i, j] = 1.0 / hops
        return out

    @staticmethod
    def _track_block(rf: Mapping[str, Any], cf: Mapping[str, Any]) -> np.ndarray:
        stage = rf["stage"] - 1
        per_tag = rf["sectors"] * inverse(rf["n_sectors"])[:, None]  # ½ coverage, folded
        num = 0.5 * cf["rec_stage_out"][stage] + 0.5 * np.asarray(per_tag @ cf["rec_sector_out"])
        den = 1.0 + 0.5 * cf["rec_stage"][stage] + 0.5 * np.asarray(per_tag @ cf["rec_sector"])
        return num / den

    @staticmethod
    def _weigh(values: Mapping[str, np.ndarray], weights: Weights) -> np.ndarray:
        total = np.zeros_like(next(iter(values.values())))
        for name, w in zip(weights.names, weights.values, strict=True):
            total += w * values[name]  # same order as scoring.combine
        return np.minimum(total, 1.0)

    # -- public -----------------------------------------------------------------------------

    def company_components(self, requests: Sequence[RequestProfile]) -> dict[str, np.ndarray]:
        """Raw component values of ``requests`` (any, indexed or not) against every company."""
        rf = request_features(requests, self._vocab, self.context.text)
        return self._request_block(
            rf,
            [r.id for r in requests],
            [r.city_id for r in requests],
            self._companies_f,
            self._company_col,
        )

    def score_companies(self, requests: Sequence[RequestProfile], batch: int = 256) -> np.ndarray:
        """Scores (requests x indexed companies), computed in row batches to bound memory."""
        rows = [
            self._weigh(self.company_components(requests[i : i + batch]), self.context.weights)
            for i in range(0, len(requests), batch)
        ]
        return np.vstack(rows) if rows else np.zeros((0, len(self.companies)))

    def score_requests(self, company: Company) -> np.ndarray:
        """Scores of every indexed request for ``company`` (indexed or not)."""
        if self._requests_f is None:
            return np.zeros(0)
        cf = company_features([company], self._vocab, self.context.text)
        block = self._request_block(
            self._requests_f,
            self._request_ids,
            [r.city_id for r in self.requests],
            cf,
            {company.id: 0},
        )
        return self._weigh(block, self.context.weights)[:, 0]

    def recommend_companies(
        self, request: RequestProfile, k: int = 10, exclude: Iterable[str] = (), hint_limit: int = 5
    ) -> list[Match]:
        """The k best companies for ``request``, explained; skips "no thanks" and ``exclude``."""
        scores = self.score_companies([request])[0]
        skip = set(exclude) | {c for r, c in self.context.signals.declined if r == request.id}
        for cid in skip:
            if cid in self._company_col:
                scores[self._company_col[cid]] = -np.inf
        return [
            explain_request_company(request, self.companies[j], self.context, hint_limit)
            for j in _top(scores, self._company_ids, k)
        ]

    def recommend_requests(
        self, company: Company, k: int = 10, exclude: Iterable[str] = (), hint_limit: int = 5
    ) -> list[Match]:
        """The k best indexed (open) requests for ``company``, explained, company-side hints."""
        scores = self.score_requests(company)
        skip = set(exclude) | {r for r, c in self.context.signals.declined if c == company.id}
        for i, rid in enumerate(self._request_ids):
            if rid in skip:
                scores[i] = -np.inf
        return [
            explain_request_company(self.requests[i], company, self.context, hint_limit)
            for i in _top(scores, self._request_ids, k)
        ]

    def peer_components(self, city: City) -> dict[str, np.ndarray]:
        """Raw peer component values of every indexed city as a peer for ``city``."""
        if self._cities_f is None:
            return {}
        me = city_features([city], self._vocab, self.context.text)
        of = self._cities_f
        inter = (of["challenges"] @ me["challenges"].T).toarray()[:, 0]
        union = me["n_challenges"][0] + of["n_challenges"] - inter
        jaccard = np.where(union > 0, inter / np.where(union > 0, union, 1.0), 0.0)
        text = np.minimum((of["text"] @ me["text"].T).toarray()[:, 0], 1.0)
        s_inter = (of["sectors"] @ me["sectors"].T).toarray()[:, 0]
        s_union = me["n_sectors"][0] + of["n_sectors"] - s_inter
        extra = of["n_sectors"] - s_inter
        return {
            "challenge_similarity": 0.5 * jaccard + 0.5 * text,
            "complementary_strengths": np.where(
                s_union > 0, extra / np.where(s_union > 0, s_union, 1.0), 0.0
            ),
            "shared_language": ((of["langs"] @ me["langs"].T).toarray()[:, 0] > 0).astype(float),
            "stage_proximity": 1.0 - np.abs(of["stage"] - city.stage) / 4.0,
        }

    def score_peers(self, city: City) -> np.ndarray:
        """Peer scores of every indexed city for ``city`` (itself included; callers exclude it)."""
        values = self.peer_components(city)
        if not values:
            return np.zeros(0)
        return self._weigh(values, self.context.peer_weights)

    def recommend_peers(
        self, city: City, k: int = 10, exclude: Iterable[str] = (), hint_limit: int = 5
    ) -> list[Match]:
        """The k best peer cities for ``city``: similar challenges, different strengths."""
        scores = self.score_peers(city)
        declined = self.context.signals.peer_declined
        skip = set(exclude) | {city.id}
        skip |= {b for a, b in declined if a == city.id} | {a for a, b in declined if b == city.id}
        for i, cid in enumerate(self._city_ids):
            if cid in skip:
                scores[i] = -np.inf
        return [
            explain_peer(city, self.cities[i], self.context, hint_limit)
            for i in _top(scores, self._city_ids, k)
        ]
