"""The matching engine: a pure library (stdlib, numpy, scipy, networkx; no Flask, no database).

Modules, by task:

- ``profiles``: typed inputs (``RequestProfile``, ``Company``, ``City``, ``TrackRecord``,
  ``Signals``)
- ``scoring``: named, weighted score components (``Weights``, ``ScoringContext``,
  ``score_request_company``, ``score_peer``); ``text``: TF-IDF similarity
- ``explain``: reasons and re-scored hints (``explain_request_company``, ``explain_peer``)
- ``engine``: ``MatchIndex``, vectorised top-k recommendations
- ``assignment``: matching rounds (``solve_assignment``); ``flow``, ``validation``,
  ``diagnostics`` behind it; ``cli``: ``python -m seoul_platform.matching assign``
- ``pairing``: cohort peer pairing (``pair_cohort``)
- ``graph`` and ``graph_svg``: the collaboration graph, its exports and picture

Nothing is imported here, so ``import seoul_platform.matching.assignment`` stays light.
"""
