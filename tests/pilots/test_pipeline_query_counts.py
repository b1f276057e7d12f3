"""No N+1 queries: the pipeline, the open calls, the city's list, the request page and the
API list cost the same number of SQL statements with one row as with many (and with one
criterion and KPI as with ten)."""

from __future__ import annotations

import pytest
from members.test_query_counts import count_queries

from seoul_platform.db import db as _db
from seoul_platform.pilots.models import EvaluationCriterion, Kpi
from support import bearer, signed_in

SECTORS = ["mobility", "safety", "welfare", "environment", "energy"]


def _statements(db, client, path: str, headers=None) -> int:
    with count_queries(db.engine) as counter:
        response = client.get(path, headers=headers or {})
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return len(counter)


def _seed(pilots, city, n: int) -> None:
    for k in range(n):
        sectors = SECTORS[k % 3 : k % 3 + 3]
        pilots.request(city, "submitted", sectors=sectors, title=f"Submitted {k}")
        pilots.request(city, "open", sectors=sectors, title=f"Open {k}")


LISTS = ["/pilots/pipeline", "/pilots/calls", "/pilots/requests"]


@pytest.mark.parametrize("path", LISTS)
def test_lists_cost_the_same_with_one_or_many_rows(
    app, db, pilots, city, official, city_member, path
):
    client = signed_in(app, city_member if path == "/pilots/requests" else official)
    _seed(pilots, city, 1)
    few = _statements(db, client, path)
    _seed(pilots, city, 12)
    many = _statements(db, client, path)
    assert few == many, (few, many)


def test_the_csv_export_costs_a_query_per_batch_not_per_row(app, db, pilots, city, official):
    client = signed_in(app, official)
    _seed(pilots, city, 1)
    few = _statements(db, client, "/pilots/pipeline.csv")
    _seed(pilots, city, 12)
    many = _statements(db, client, "/pilots/pipeline.csv")
    assert few == many


def test_the_api_list_costs_the_same(app, db, client, pilots, city, official):
    headers = bearer(client, official)
    client.get("/api/v1/pilot-requests", headers=headers)  # the token's first use writes
    _seed(pilots, city, 1)
    few = _statements(db, client, "/api/v1/pilot-requests", headers)
    _seed(pilots, city, 12)
    many = _statements(db, client, "/api/v1/pilot-requests", headers)
    assert few == many


@pytest.mark.parametrize("role", ["city", "official"])
def test_the_request_page_costs_the_same_with_many_criteria_and_kpis(
    app, db, pilots, city, official, city_member, role
):
    client = signed_in(app, city_member if role == "city" else official)
    small = pilots.request(city, "submitted")
    large = pilots.request(city, "submitted", sectors=SECTORS)
    large.criteria.clear()
    large.kpis.clear()
    _db.session.flush()
    large.criteria = [
        EvaluationCriterion(position=k, name=f"Criterion {k}", weight=10) for k in range(1, 11)
    ]
    large.kpis = [Kpi(position=k, name=f"KPI {k}", unit="%", baseline=k) for k in range(1, 11)]
    _db.session.commit()
    assert _statements(db, client, f"/pilots/requests/{small.id}") == _statements(
        db, client, f"/pilots/requests/{large.id}"
    )
