"""No N+1 queries: the request page's proposals panel, the proposals list (HTML and API) and
my organisation's proposals cost the same number of SQL statements for 1 or 6 proposals."""

from __future__ import annotations

from contextlib import contextmanager

from pilots import proposal_support as ps
from sqlalchemy import event

from seoul_platform.db import db as _db
from seoul_platform.pilots import panels
from seoul_platform.pilots.models import InterestScore
from support import bearer, signed_in

people = ps.people  # fixture


@contextmanager
def counted():
    statements: list[str] = []

    def before(conn, cursor, statement, parameters, context, executemany):
        # Transaction bookkeeping and the token's last use (noted once a minute) are not
        # the page's work.
        head = statement.lstrip().upper()
        if not head.startswith(("SAVEPOINT", "RELEASE", "BEGIN", "UPDATE API_TOKENS")):
            statements.append(statement)

    event.listen(_db.engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        event.remove(_db.engine, "before_cursor_execute", before)


def _grow(make, pilots, req, n):
    for i in range(n):
        org = make.org("company", name=f"Grower {req.id}-{i}")
        interest = pilots.interest(req, org)
        for c in req.criteria:
            _db.session.add(InterestScore(interest_id=interest.id, criterion_id=c.id, score=5))
    _db.session.commit()


def test_fixed_queries_whatever_the_number_of_proposals(
    app, client, make, people, pilots, city, company
):
    small = pilots.request(city, "closed")
    large = pilots.request(city, "closed")
    pilots.interest(small, company)
    pilots.interest(large, company)
    _grow(make, pilots, small, 0)
    _grow(make, pilots, large, 5)
    html = signed_in(app, people.official)
    api = bearer(client, people.official)
    client.get("/api/v1/me", headers=api)  # the token's first use is noted once: not counted

    def cost(req) -> dict[str, int]:
        out = {}
        with app.test_request_context():
            _db.session.expire_all()
            with counted() as panel:
                panels.collect("request", people.official, _db.session.get(type(req), req.id))
        out["panel"] = len(panel)
        with counted() as page:
            assert html.get(f"/pilot-requests/{req.id}/proposals").status_code == 200
        out["html"] = len(page)
        with counted() as listing:
            assert (
                client.get(f"/api/v1/pilot-requests/{req.id}/interests", headers=api).status_code
                == 200
            )
        out["api"] = len(listing)
        return out

    assert cost(small) == cost(large)
