"""No N+1 queries: the workspace page, /results and /results/<id> cost the same number of SQL
statements however many milestones, KPIs, values, reports and results there are."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta

from sqlalchemy import event

from seoul_platform.db import utcnow
from seoul_platform.pilots.models import Kpi, KpiValue, Milestone, ProgressReport
from tests.support import signed_in


@contextmanager
def count_queries(engine) -> Iterator[list[str]]:
    statements: list[str] = []

    def before(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", before)


def _grow(db, p, n: int) -> None:
    today = date.today()
    for i in range(n):
        kpi = Kpi(
            request_id=p.request_id,
            position=100 + i + n * 10,
            name=f"KPI {n}-{i}",
            baseline=1,
            target=2,
        )
        db.session.add(kpi)
        db.session.flush()
        for d in range(3):
            db.session.add(
                KpiValue(kpi_id=kpi.id, measured_on=today - timedelta(days=d), value=d, source="S")
            )
        db.session.add(Milestone(partnership_id=p.id, title=f"M {n}-{i}", planned_on=today))
        db.session.add(
            ProgressReport(partnership_id=p.id, period_start=today, period_end=today, summary="R")
        )
    db.session.commit()


def _count(db, client, path) -> int:
    with count_queries(db.engine) as statements:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(statements)


def test_workspace_page_query_count_is_fixed(app, db, pilots, make, city, company, institution):
    p = pilots.partnership(pilots.request(city, "draft"), company, third_party=institution)
    client = signed_in(app, make.user(company))
    _grow(db, p, 1)
    few = _count(db, client, f"/partnerships/{p.id}")
    _grow(db, p, 6)
    assert _count(db, client, f"/partnerships/{p.id}") == few


def _published(db, pilots, make, city, n: int):
    out = []
    for i in range(n):
        partner = make.org("company", name=f"Partner {n}-{i}")
        p = pilots.partnership(
            pilots.request(city, "draft", sectors=["welfare", "mobility"]),
            partner,
            status="completed",
        )
        p.request.publish_consent = True
        p.request.published_at = utcnow()
        out.append(p)
    db.session.commit()
    for p in out:
        _grow(db, p, 2)
    return out


def test_results_pages_query_counts_are_fixed(app, db, pilots, make, city):
    client = app.test_client()
    [first] = _published(db, pilots, make, city, 1)
    few_list = _count(db, client, "/results")
    few_detail = _count(db, client, f"/results/{first.id}")
    few_api = _count(db, client, "/api/v1/results")
    _published(db, pilots, make, city, 5)
    assert _count(db, client, "/results") == few_list
    assert _count(db, client, f"/results/{first.id}") == few_detail
    assert _count(db, client, "/api/v1/results") == few_api
