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
from scipy.sparse import csr_array

from .explain import Match, explain_peer, explain_request_company
from .profiles import STAGES, City, Company, PilotRequest, Signals
from .scoring import (
    TAG_SHARE,
    ScoringContext,
    Weights,
    fit_text_model,
    tags,
)
from .text import normalize_tag


def _vocab(*groups: Iterable[frozenset[str]]) -> dict[str, int]:
    terms = sorted({t for group in groups for tagset in group for t in tagset})
    return {t: i for i, t in enumerate(terms)}


def _incidence(rows: Sequence[frozenset[str]], vocab: Mapping[str, int]) -> csr_array:
    """0/1 matrix of tag sets over ``vocab``; tags outside it have no column (match nothing)."""
    indptr, indices = [0], []
    for row in rows:
        cols = sorted(vocab[t] for t in row if t in vocab)
        indices.extend(cols)
        indptr.append(len(indices))
    data = np.ones(len(indices))
    return csr_array(
        (data, np.array(indices, dtype=np.int64), np.array(indptr)), shape=(len(rows), len(vocab))
    )


def _counts(rows: Sequence[frozenset[str]]) -> np.ndarray:
    return np.array([len(r) for r in rows], dtype=np.float64)


def _inverse(totals: np.ndarray) -> np.ndarray:
    """1/total, or 0 for an empty tag set (``scoring.coverage`` is 0 then)."""
    return np.divide(1.0, totals, out=np.zeros_like(totals), where=totals > 0)


def _dense_t(profiles: Sequence[Any], attr: str, vocab: Mapping[str, int]) -> np.ndarray:
    """Dense (vocabulary x profiles) 0/1 matrix: for small vocabularies (sectors, languages)."""
    return _incidence([tags(getattr(p, attr)) for p in profiles], vocab).toarray().T


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
    signals and the collaboration graph (nodes named by ``PilotRequest.city_id`` and
    ``Company.id``). Raises ``ProfileError``/``WeightsError`` for invalid input.
    """

    def __init__(
        self,
        requests: Sequence[PilotRequest] = (),
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
        self._sector_vocab = _vocab(
            (tags(c.sectors) for c in cos),
            (tags(t.sectors) for c in cos for t in c.track_record),
            (tags(r.sectors) for r in rqs),
            (tags(c.sectors) for c in cts),
        )
        self._tag_vocab = _vocab(
            (tags(c.capabilities) for c in cos),
            (tags(r.technologies) for r in rqs),
            (tags(c.challenges) for c in cts),
        )
        self._lang_vocab = _vocab(
            (tags(c.languages) for c in cos),
            (tags(r.languages) for r in rqs),
            (tags(c.languages) for c in cts),
        )
        self._region_vocab = _vocab(tags(c.regions_served) for c in cos)
        self._company_col = {c.id: i for i, c in enumerate(cos)}
        self._company_ids = [c.id for c in cos]
        self._request_ids = [r.id for r in rqs]
        self._city_ids = [c.id for c in cts]
        self._companies_f = self._company_features(cos)
        self._requests_f = self._request_features(rqs) if rqs else None
        self._cities_f = self._city_features(cts) if cts else None

    # -- features ---------------------------------------------------------------------------

    def _company_features(self, cos: Sequence[Company]) -> dict[str, Any]:
        stage_fit = np.zeros((len(cos), len(STAGES)))
        for i, c in enumerate(cos):
            for j, stage in enumerate(STAGES):
                if c.stages_served:
                    stage_fit[i, j] = 1.0 - min(abs(s - stage) for s in c.stages_served) / 4.0
        # Track record is linear in per-record terms, so it folds into per-company sums:
        # Σ sim·outcome with sim = ½ stage_sim(request stage) + ½ sector_cov(request, record).
        records = [(i, t) for i, c in enumerate(cos) for t in c.track_record]
        to_company = csr_array(
            (
                np.ones(len(records)),
                (np.array([i for i, _ in records], dtype=np.int64), np.arange(len(records))),
            ),
            shape=(len(cos), len(records)),
        )
        rec_stage = np.array([t.city_stage for _, t in records], dtype=np.float64)
        outcome = np.array([t.outcome for _, t in records], dtype=np.float64)
        stage_sim = 1.0 - np.abs(np.array(STAGES, dtype=np.float64)[:, None] - rec_stage) / 4.0
        rec_sectors = _incidence([tags(t.sectors) for _, t in records], self._sector_vocab)
        return {
            "sectors_t": _dense_t(cos, "sectors", self._sector_vocab),
            "caps_t": _incidence([tags(c.capabilities) for c in cos], self._tag_vocab).T.tocsr(),
            "langs_t": _dense_t(cos, "languages", self._lang_vocab),
            "regions": _incidence([tags(c.regions_served) for c in cos], self._region_vocab)
            .toarray()
            .astype(bool),
            "stage_fit": stage_fit,
            "text_t": self.context.text.matrix(c.description for c in cos).T.tocsr(),
            "rec_stage_out": np.asarray(to_company @ (stage_sim * outcome).T).T,  # (5, n)
            "rec_stage": np.asarray(to_company @ stage_sim.T).T,  # (5, n)
            "rec_sector_out": np.asarray(
                (to_company @ (rec_sectors * outcome[:, None])).T.todense()
            ),
            "rec_sector": np.asarray((to_company @ rec_sectors).T.todense()),  # (S, n)
        }

    def _request_features(self, rqs: Sequence[PilotRequest]) -> dict[str, Any]:
        sectors = [tags(r.sectors) for r in rqs]
        techs = [tags(r.technologies) for r in rqs]
        return {
            "sectors": _incidence(sectors, self._sector_vocab),
            "n_sectors": _counts(sectors),
            "techs": _incidence(techs, self._tag_vocab),
            "n_techs": _counts(techs),
            "langs": _incidence([tags(r.languages) for r in rqs], self._lang_vocab),
            "region": np.array(
                [self._region_vocab.get(normalize_tag(r.region), -1) for r in rqs], dtype=np.int64
            ),
            "stage": np.array([r.stage for r in rqs], dtype=np.int64),
            "text": self.context.text.matrix(r.text for r in rqs),
        }

    def _city_features(self, cts: Sequence[City]) -> dict[str, Any]:
        challenges = [tags(c.challenges) for c in cts]
        sectors = [tags(c.sectors) for c in cts]
        return {
            "challenges": _incidence(challenges, self._tag_vocab),
            "n_challenges": _counts(challenges),
            "sectors": _incidence(sectors, self._sector_vocab),
            "n_sectors": _counts(sectors),
            "langs": _incidence([tags(c.languages) for c in cts], self._lang_vocab),
            "stage": np.array([c.stage for c in cts], dtype=np.float64),
            "text": self.context.text.matrix(c.text for c in cts),
        }

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
        tag_fit = (rf["techs"] @ cf["caps_t"]).toarray() * _inverse(rf["n_techs"])[:, None]
        text_fit = np.minimum((rf["text"] @ cf["text_t"]).toarray(), 1.0)
        region = np.zeros((k, n))
        known = rf["region"] >= 0
        region[known] = cf["regions"][:, rf["region"][known]].T
        out = {
            "sector_overlap": sector_hits * _inverse(rf["n_sectors"])[:, None],
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
            for cid in self._interest(rid):
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

    def _interest(self, request_id: str) -> set[str]:
        if not hasattr(self, "_interest_map"):
            by_req: dict[str, set[str]] = {}
            sig = self.context.signals
            for rid, cid in sig.company_interest | sig.city_interest:
                by_req.setdefault(rid, set()).add(cid)
            self._interest_map = by_req
        return self._interest_map.get(request_id, set())

    @staticmethod
    def _track_block(rf: Mapping[str, Any], cf: Mapping[str, Any]) -> np.ndarray:
        stage = rf["stage"] - 1
        per_tag = rf["sectors"] * _inverse(rf["n_sectors"])[:, None]  # ½ coverage, folded
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

    def company_components(self, requests: Sequence[PilotRequest]) -> dict[str, np.ndarray]:
        """Raw component values of ``requests`` (any, indexed or not) against every company."""
        rf = self._request_features(requests)
        return self._request_block(
            rf,
            [r.id for r in requests],
            [r.city_id for r in requests],
            self._companies_f,
            self._company_col,
        )

    def score_companies(self, requests: Sequence[PilotRequest], batch: int = 256) -> np.ndarray:
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
        cf = self._company_features([company])
        block = self._request_block(
            self._requests_f,
            self._request_ids,
            [r.city_id for r in self.requests],
            cf,
            {company.id: 0},
        )
        return self._weigh(block, self.context.weights)[:, 0]

    def recommend_companies(
        self, request: PilotRequest, k: int = 10, exclude: Iterable[str] = (), hint_limit: int = 5
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
        me = self._city_features([city])
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
