"""Text similarity without models: tokens, light stemming, TF-IDF and cosine (numpy/scipy).

A :class:`TextModel` is fitted once on the texts of the population being matched (requests,
companies, cities) so that rare shared words ("twin", "flood") weigh more than common ones
("city", "data"). Scalar and vectorised scoring use the same model, so their results agree.
"""

from __future__ import annotations

import functools
import itertools
import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
from scipy.sparse import csr_array

_WORD = re.compile(r"[^\W_]+")
_STOP_TEXT = """a an and are as at be by for from has have in into is it its of on or our that the
their this to was we with will can using use used via per more most other such than these those
through within across about all any each which who how what when where while so not no"""
STOPWORDS = frozenset(_STOP_TEXT.split())


@functools.lru_cache(maxsize=131072)
def stem(token: str) -> str:
    """Strip English plural endings so "twins" meets "twin" and "cities" meets "city"."""
    if len(token) > 4 and token.endswith("ies"):
        return token[:-3] + "y"
    if len(token) > 3 and token.endswith("s") and not token.endswith(("ss", "us", "is")):
        return token[:-1]
    return token


@functools.lru_cache(maxsize=65536)  # the same few hundred tags recur across thousands of profiles
def normalize_tag(tag: str) -> str:
    """Canonical form of a tag: lower case, words stemmed, punctuation and spacing collapsed."""
    return " ".join(stem(w) for w in _WORD.findall(tag.lower()))


@functools.lru_cache(maxsize=65536)  # fitting and vectorising read the same texts
def tokenize(text: str) -> tuple[str, ...]:
    """Content words (stemmed, no stop words) plus adjacent-word bigrams ("digital twin")."""
    words = [stem(w) for w in _WORD.findall(text.lower()) if w not in STOPWORDS and len(w) > 1]
    return (*words, *(f"{a} {b}" for a, b in itertools.pairwise(words)))


@dataclass(frozen=True, eq=False)
class TextModel:
    """Vocabulary and inverse document frequencies; ``vector`` gives l2-normalised TF-IDF."""

    vocabulary: Mapping[str, int]
    idf: np.ndarray
    unseen_idf: float
    _cache: dict[str, tuple[np.ndarray, np.ndarray]] = field(
        default_factory=dict, repr=False, compare=False
    )

    @classmethod
    def fit(cls, documents: Iterable[str]) -> TextModel:
        """Learn the vocabulary (sorted, so the model is deterministic) and smoothed IDF."""
        df: Counter[str] = Counter()
        n = 0
        for doc in documents:
            n += 1
            df.update(set(tokenize(doc)))
        terms = sorted(df)
        idf = np.array([math.log((1 + n) / (1 + df[t])) + 1.0 for t in terms])
        return cls({t: i for i, t in enumerate(terms)}, idf, math.log(1 + n) + 1.0)

    def _weights(self, text: str) -> tuple[list[int], list[float]]:
        counts = Counter(tokenize(text))
        cols, vals, norm_sq = [], [], 0.0
        vocab, idf, unseen = self.vocabulary, self.idf, self.unseen_idf
        for term, tf in sorted(counts.items()):
            col = vocab.get(term)
            weight = (1.0 + math.log(tf)) * (unseen if col is None else float(idf[col]))
            norm_sq += weight * weight
            if col is not None:
                cols.append(col)
                vals.append(weight)
        norm = math.sqrt(norm_sq) if norm_sq > 0 else 1.0
        return cols, [v / norm for v in vals]

    def vector(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """(sorted column indices, weights) of ``text``; words unseen in fitting count in the norm.

        Counting unseen words keeps a long text on other subjects from looking similar.
        """
        hit = self._cache.get(text)
        if hit is not None:
            return hit
        cols, vals = self._weights(text)
        order = np.argsort(np.array(cols, dtype=np.int64), kind="stable")
        result = (np.array(cols, dtype=np.int64)[order], np.array(vals, dtype=np.float64)[order])
        if len(self._cache) > 50_000:  # bounded: a long-lived index must not grow without limit
            self._cache.clear()
        self._cache[text] = result
        return result

    def matrix(self, texts: Iterable[str]) -> csr_array:
        """Rows of :meth:`vector` as a sparse matrix (one row per text)."""
        indptr, indices, data = [0], [], []
        for text in texts:
            cols, vals = self._weights(text)
            indices.extend(cols)
            data.extend(vals)
            indptr.append(len(indices))
        m = csr_array(
            (
                np.array(data, dtype=np.float64),
                np.array(indices, dtype=np.int64),
                np.array(indptr, dtype=np.int64),
            ),
            shape=(len(indptr) - 1, len(self.vocabulary)),
        )
        m.sort_indices()
        return m

    def similarity(self, a: str, b: str) -> float:
        """Cosine similarity of two texts, in [0, 1]."""
        ia, va = self.vector(a)
        ib, vb = self.vector(b)
        common, pa, pb = np.intersect1d(ia, ib, assume_unique=True, return_indices=True)
        if len(common) == 0:
            return 0.0
        return min(1.0, float(np.dot(va[pa], vb[pb])))
