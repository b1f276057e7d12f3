"""The directory's text search goes through an index (members/search_index.py): the FTS5
trigram table on SQLite, the pg_trgm GIN index on PostgreSQL; and the SQLite index follows
every insert, update and delete of an organisation."""

from __future__ import annotations

from sqlalchemy import func, insert, select, text

from seoul_platform.members import search_index, services
from seoul_platform.members.models import Organization
from seoul_platform.members.schemas import DirectoryQuery, OrganizationPatch


def _plan(db, stmt) -> str:
    """The database's plan of ``stmt`` as one string."""
    conn = db.session.connection()
    compiled = stmt.compile(dialect=conn.dialect, compile_kwargs={"render_postcompile": True})
    if conn.dialect.name == "sqlite":
        params = tuple(compiled.params[name] for name in compiled.positiontup)
        rows = conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}", params).all()
        return "\n".join(str(row[-1]) for row in rows)
    # Whether the index CAN answer the conditions: at a few thousand rows the planner may
    # still prefer to scan (bench/bench_scale.py prints its own choice at 100x the demo).
    conn.exec_driver_sql("SET LOCAL enable_seqscan = off")
    rows = conn.exec_driver_sql(f"EXPLAIN {compiled}", dict(compiled.params)).all()
    return "\n".join(row[0] for row in rows)


def _filler(n: int) -> dict:
    words = ("harbour", "energy", "mobility", "welfare", "sensor", "platform", "river")
    return {
        "kind": "city",
        "name": f"Filler {n}",
        "name_key": f"filler {n}",
        "name_skeleton": f"{n:064d}",
        "country": "KR",
        "region": "asia",
        "search_text": f"filler {n} {words[n % 7]} {words[(n * 3) % 7]} city korea",
    }


def test_the_text_search_uses_the_index(db, make, official):
    make.org("company", name="Twin Works", technologies=["digital twin"])
    if db.engine.dialect.name == "postgresql":
        # Enough rows, with statistics, that the other indexes are no cheap way round.
        db.session.execute(insert(Organization), [_filler(n) for n in range(3000)])
        db.session.commit()
        db.session.execute(text("ANALYZE organizations"))
    # As an official searches (every status but declined): on PostgreSQL the text is then the
    # only indexed condition, while a member's "status = active" could also use an index.
    stmt = services._directory_filter(official, DirectoryQuery(q='"digital twin" works'))
    plan = _plan(db, stmt)
    if db.engine.dialect.name == "sqlite":
        assert "VIRTUAL TABLE INDEX" in plan and search_index.FTS_TABLE in plan, plan
    else:
        assert search_index.PG_INDEX in plan, plan
    assert [o.name for o in db.session.scalars(stmt)] == ["Twin Works"]


def _fts_rows(db, word: str) -> list[int]:
    return list(
        db.session.scalars(
            text(f"SELECT rowid FROM {search_index.FTS_TABLE} WHERE search_text LIKE :p"),  # noqa: S608
            {"p": f"%{word}%"},
        )
    )


def test_the_sqlite_index_follows_inserts_updates_and_deletes(db, make, official):
    if db.engine.dialect.name != "sqlite":
        return  # PostgreSQL's index is a plain index on the column: nothing to keep in sync
    org = make.org("city", name="Aarhus Harbour", description="ferries and bridges")
    assert _fts_rows(db, "ferries") == [org.id]

    services.update_organization(official, org.id, OrganizationPatch(description="tramways"))
    db.session.commit()
    assert _fts_rows(db, "ferries") == []
    assert _fts_rows(db, "tramways") == [org.id]

    db.session.delete(db.session.get(Organization, org.id))
    db.session.commit()
    assert _fts_rows(db, "tramways") == []
    # The index holds exactly the rows of the table (an FTS5 integrity check).
    fts = search_index.FTS_TABLE
    db.session.execute(text(f"INSERT INTO {fts}({fts}) VALUES ('integrity-check')"))  # noqa: S608


def test_short_and_korean_terms_are_still_found(db, make, city_member):
    """Terms under three characters cannot use trigrams; they are answered all the same."""
    make.org("city", name="Ulsan AI Hub", country="KR", sectors=["safety"])
    make.org("city", name="Quiet Town", country="DK")
    for q in ("ai", "안전", "대한민국", "ulsan ai"):
        stmt = services._directory_filter(city_member, DirectoryQuery(q=q))
        assert [o.name for o in db.session.scalars(stmt)] == ["Ulsan AI Hub"], q
    assert db.session.scalar(select(func.count()).select_from(Organization)) >= 2
