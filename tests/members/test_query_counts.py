"""No N+1 queries: the directory, a profile and the organisations API cost the same number of
SQL statements however many organisations, awards, tags and people they show."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import event

from seoul_platform.db import db as _db
from seoul_platform.members import services
from seoul_platform.members.schemas import AwardInput

SECTORS = ["mobility", "safety", "welfare", "environment", "energy", "culture", "governance"]


class Counter:
    def __init__(self) -> None:
        self.statements: list[str] = []

    def __len__(self) -> int:
        return len(self.statements)

    def report(self) -> str:
        return "\n".join(
            f"  {n}. {' '.join(s.split())[:160]}" for n, s in enumerate(self.statements, 1)
        )


@contextmanager
def count_queries(engine) -> Iterator[Counter]:
    """Count every statement the engine sends to the database inside the block."""
    counter = Counter()

    def before_cursor_execute(conn, cursor, statement, parameters, context, executemany):
        counter.statements.append(statement)

    event.listen(engine, "before_cursor_execute", before_cursor_execute)
    try:
        yield counter
    finally:
        event.remove(engine, "before_cursor_execute", before_cursor_execute)


def _get(db, client, path: str, expected_status: int = 200) -> Counter:
    # The request runs in its own app context, so its own session: nothing the test loaded
    # is reused by it.
    with count_queries(db.engine) as counter:
        response = client.get(path)
    assert response.status_code == expected_status, response.get_data(as_text=True)[:300]
    return counter


def _rich_org(make, official, n: int, *, awards: int = 2, people: int = 0):
    """An organisation with several sectors, technologies and awards (and people)."""
    org = make.org(
        "company" if n % 2 else "city",
        name=f"Query Count Org {n:03d}",
        country="KR",
        region="asia",
        sectors=SECTORS[n % 3 : n % 3 + 3],
        technologies=[f"tech {n}", "digital twin", "open data"],
        description="digital twin platform",
    )
    for k in range(awards):
        services.record_award(
            official,
            org.id,
            AwardInput(year=2023 + k % 3, category="tech_innovacity", project_title=f"P{n}-{k}"),
        )
    for _ in range(people):
        make.user(org, role="member")
    _db.session.commit()
    return org


def _grow(make, official, start: int, count: int) -> None:
    for n in range(start, start + count):
        _rich_org(make, official, n)


@pytest.mark.parametrize(
    "path",
    [
        "/directory",
        "/directory?q=digital+twin",
        "/directory?sector=welfare&award_year=2023",
        "/api/v1/organizations",
        "/api/v1/organizations?q=digital&per_page=50",
    ],
)
def test_list_pages_cost_the_same_for_5_and_20_organisations(
    db, make, official, city, member_client, path
):
    # `city` (the member's organisation) is one; four more makes five.
    _grow(make, official, 1, 4)
    _get(db, member_client, path)  # warm up anything lazily prepared once per process
    small = _get(db, member_client, path)
    _grow(make, official, 5, 15)
    large = _get(db, member_client, path)

    listed = member_client.get(path.replace("/directory", "/api/v1/organizations"))
    assert listed.get_json()["total"] >= (15 if "sector" not in path else 1)
    assert len(large) == len(small), (
        f"{path}: {len(small)} queries with 5 organisations, {len(large)} with 20\n"
        f"with 20:\n{large.report()}"
    )
    # A page is a handful of statements (session, user, count, page, eager loads).
    assert len(large) <= 15, f"{path}: {len(large)} queries\n{large.report()}"


@pytest.mark.parametrize("prefix", ["/organizations/", "/api/v1/organizations/"])
def test_profile_costs_the_same_with_many_awards_and_people(
    db, make, official, city, member_client, prefix
):
    modest = _rich_org(make, official, 1, awards=1, people=1)
    busy = _rich_org(make, official, 2, awards=12, people=15)
    _get(db, member_client, f"{prefix}{modest.id}")  # warm up
    one = _get(db, member_client, f"{prefix}{modest.id}")
    many = _get(db, member_client, f"{prefix}{busy.id}")

    page = member_client.get(f"{prefix}{busy.id}").get_data(as_text=True)
    assert page.count("P2-") == 12  # every award is shown
    assert len(many) == len(one), (
        f"{prefix}: {len(one)} queries for 1 award and 1 person, {len(many)} for 12 and 15\n"
        f"busy profile:\n{many.report()}"
    )
    assert len(many) <= 15, f"{prefix}: {len(many)} queries\n{many.report()}"
