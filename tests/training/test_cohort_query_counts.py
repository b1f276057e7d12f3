"""No N+1 queries: the training list (visitor, member with eligibility, official), the cohort
page and the API lists cost the same number of SQL statements with one programme, cohort and
session as with many."""

from __future__ import annotations

import pytest
from members.test_query_counts import count_queries

from support import bearer, signed_in


def _statements(db, client, path: str, headers=None) -> int:
    with count_queries(db.engine) as counter:
        response = client.get(path, headers=headers or {})
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return len(counter)


def _seed(training, n: int) -> None:
    for k in range(n):
        programme = training.programme(title=f"Programme {k}")
        training.cohort(programme, org_kinds=["company"], award_years=[2025])
        training.cohort(programme, status="draft")
        training.cohort(programme, quotas=[{"region": "asia", "max_seats": 2}])


@pytest.mark.parametrize("role", ["visitor", "member", "official"])
def test_the_training_list_costs_the_same(app, db, client, training, official, city_member, role):
    viewer = {"visitor": client, "member": None, "official": None}[role]
    if viewer is None:
        viewer = signed_in(app, city_member if role == "member" else official)
    _seed(training, 1)
    few = _statements(db, viewer, "/training")
    _seed(training, 6)
    many = _statements(db, viewer, "/training")
    assert few == many, (few, many)


@pytest.mark.parametrize("role", ["member", "official"])
def test_the_cohort_page_costs_the_same_with_many_sessions(
    app, db, training, official, city_member, role
):
    viewer = signed_in(app, city_member if role == "member" else official)
    small = training.cohort()
    training.session(small)
    large = training.cohort(
        quotas=[{"region": r, "max_seats": 3} for r in ("asia", "africa", "europe")]
    )
    for k in range(10):
        training.session(large, day=k % 4, hours=(k % 8, k % 8 + 1))
    assert _statements(db, viewer, f"/training/cohorts/{small.id}") == _statements(
        db, viewer, f"/training/cohorts/{large.id}"
    )


@pytest.mark.parametrize("path", ["/api/v1/cohorts", "/api/v1/programs"])
def test_the_api_lists_cost_the_same(app, db, client, training, official, path):
    headers = bearer(client, official)
    client.get(path, headers=headers)  # the token's first use writes
    _seed(training, 1)
    few = _statements(db, client, path, headers)
    _seed(training, 6)
    many = _statements(db, client, path, headers)
    assert few == many, (few, many)


def test_the_cohort_calendar_costs_the_same(app, db, client, training, city_member):
    headers = bearer(client, city_member)
    small, large = training.cohort(), training.cohort()
    training.session(small)
    for k in range(8):
        training.session(large, day=k % 4, hours=(k % 8, k % 8 + 1))
    client.get(f"/api/v1/cohorts/{small.id}/calendar.ics", headers=headers)
    assert _statements(db, client, f"/api/v1/cohorts/{small.id}/calendar.ics", headers) == (
        _statements(db, client, f"/api/v1/cohorts/{large.id}/calendar.ics", headers)
    )
