"""Profiles as matrices: the tag vocabularies and the per-side features the index multiplies.

Tags outside a vocabulary get no column, so they match nothing, exactly as in the scalar scorer
(a tag only the new profile has cannot be shared with an indexed one); they still count in the
denominators (``n_*``), which hold the full tag counts.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.sparse import csr_array

from .profiles import STAGES, City, Company, RequestProfile
from .scoring import tags
from .text import TextModel, normalize_tag


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


def inverse(totals: np.ndarray) -> np.ndarray:
    """1/total, or 0 for an empty tag set (``scoring.coverage`` is 0 then)."""
    return np.divide(1.0, totals, out=np.zeros_like(totals), where=totals > 0)


def _dense_t(profiles: Sequence[Any], attr: str, vocab: Mapping[str, int]) -> np.ndarray:
    """Dense (vocabulary x profiles) 0/1 matrix: for small vocabularies (sectors, languages)."""
    return _incidence([tags(getattr(p, attr)) for p in profiles], vocab).toarray().T


@dataclass(frozen=True)
class Vocabularies:
    """Column numbers of every sector, capability/technology/challenge tag, language, region."""

    sector: Mapping[str, int]
    tag: Mapping[str, int]
    lang: Mapping[str, int]
    region: Mapping[str, int]

    @classmethod
    def build(
        cls, rqs: Sequence[RequestProfile], cos: Sequence[Company], cts: Sequence[City]
    ) -> Vocabularies:
        return cls(
            sector=_vocab(
                (tags(c.sectors) for c in cos),
                (tags(t.sectors) for c in cos for t in c.track_record),
                (tags(r.sectors) for r in rqs),
                (tags(c.sectors) for c in cts),
            ),
            tag=_vocab(
                (tags(c.capabilities) for c in cos),
                (tags(r.technologies) for r in rqs),
                (tags(c.challenges) for c in cts),
            ),
            lang=_vocab(
                (tags(c.languages) for c in cos),
                (tags(r.languages) for r in rqs),
                (tags(c.languages) for c in cts),
            ),
            region=_vocab(tags(c.regions_served) for c in cos),
        )


def company_features(cos: Sequence[Company], v: Vocabularies, text: TextModel) -> dict[str, Any]:
    """Company-side matrices, transposed (vocabulary x companies) for the products."""
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
    rec_sectors = _incidence([tags(t.sectors) for _, t in records], v.sector)
    return {
        "sectors_t": _dense_t(cos, "sectors", v.sector),
        "caps_t": _incidence([tags(c.capabilities) for c in cos], v.tag).T.tocsr(),
        "langs_t": _dense_t(cos, "languages", v.lang),
        "regions": _incidence([tags(c.regions_served) for c in cos], v.region)
        .toarray()
        .astype(bool),
        "stage_fit": stage_fit,
        "text_t": text.matrix(c.description for c in cos).T.tocsr(),
        "rec_stage_out": np.asarray(to_company @ (stage_sim * outcome).T).T,  # (5, n)
        "rec_stage": np.asarray(to_company @ stage_sim.T).T,  # (5, n)
        "rec_sector_out": np.asarray((to_company @ (rec_sectors * outcome[:, None])).T.todense()),
        "rec_sector": np.asarray((to_company @ rec_sectors).T.todense()),  # (S, n)
    }


def request_features(
    rqs: Sequence[RequestProfile], v: Vocabularies, text: TextModel
) -> dict[str, Any]:
    """Request-side matrices (requests x vocabulary) and tag counts."""
    sectors = [tags(r.sectors) for r in rqs]
    techs = [tags(r.technologies) for r in rqs]
    return {
        "sectors": _incidence(sectors, v.sector),
        "n_sectors": _counts(sectors),
        "techs": _incidence(techs, v.tag),
        "n_techs": _counts(techs),
        "langs": _incidence([tags(r.languages) for r in rqs], v.lang),
        "region": np.array(
            [v.region.get(normalize_tag(r.region), -1) for r in rqs], dtype=np.int64
        ),
        "stage": np.array([r.stage for r in rqs], dtype=np.int64),
        "text": text.matrix(r.text for r in rqs),
    }


def city_features(cts: Sequence[City], v: Vocabularies, text: TextModel) -> dict[str, Any]:
    """City matrices (cities x vocabulary) for peer scoring."""
    challenges = [tags(c.challenges) for c in cts]
    sectors = [tags(c.sectors) for c in cts]
    return {
        "challenges": _incidence(challenges, v.tag),
        "n_challenges": _counts(challenges),
        "sectors": _incidence(sectors, v.sector),
        "n_sectors": _counts(sectors),
        "langs": _incidence([tags(c.languages) for c in cts], v.lang),
        "stage": np.array([c.stage for c in cts], dtype=np.float64),
        "text": text.matrix(c.text for c in cts),
    }
