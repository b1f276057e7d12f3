"""The directory's text-search index, outside the ORM models because neither backend's form
of it is a plain table or index SQLAlchemy describes:

- SQLite: an FTS5 table with the trigram tokenizer over ``organizations.search_text``
  (external content: it stores only the index), kept in sync by triggers. A trigram phrase
  query finds any substring of three characters or more, so the search keeps its substring
  semantics ("gov" finds "governance", "twin" finds "digital twin"); shorter terms are
  still answered, by ``LIKE`` on the table.
- PostgreSQL: a pg_trgm GIN index on ``organizations.search_text``, which the planner uses
  for the same ``LIKE '%words%'`` conditions.

Created by the migration (c4e8f2a61d93) and, for databases built with ``create_all`` (tests,
benchmarks), by the DDL hooked on the organizations table below. The migrations test and
``flask db migrate`` ignore these names explicitly (`include_name`).

A batch migration of ``organizations`` on SQLite recreates the table and loses its
triggers: such a migration must call `create_sqlite_index` again afterwards.
"""

from __future__ import annotations

from sqlalchemy import column, event, select, table, text

FTS_TABLE = "organization_search"
PG_INDEX = "ix_organizations_search_text_trgm"
# The FTS5 table and the shadow tables SQLite keeps for it.
SQLITE_NAMES = frozenset(
    {FTS_TABLE, *(f"{FTS_TABLE}_{s}" for s in ("data", "idx", "content", "docsize", "config"))}
)

_SQLITE_DDL = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5(search_text, "
    "content='organizations', content_rowid='id', tokenize='trigram')",
    f"CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_ai AFTER INSERT ON organizations BEGIN "  # noqa: S608 - constant names
    f"INSERT INTO {FTS_TABLE}(rowid, search_text) VALUES (new.id, new.search_text); END",
    f"CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_ad AFTER DELETE ON organizations BEGIN "  # noqa: S608 - constant names
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); END",
    f"CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_au AFTER UPDATE OF search_text ON organizations "  # noqa: S608 - constant names
    f"BEGIN INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); "
    f"INSERT INTO {FTS_TABLE}(rowid, search_text) VALUES (new.id, new.search_text); END",
    # Index the rows already there (a migration on a populated database).
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')",  # noqa: S608 - constant names
)
_PG_DDL = (
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    f"CREATE INDEX IF NOT EXISTS {PG_INDEX} ON organizations USING gin (search_text gin_trgm_ops)",
)


def create_index(connection) -> None:
    """Create the backend's index (idempotent) on ``connection``."""
    statements = {"sqlite": _SQLITE_DDL, "postgresql": _PG_DDL}.get(connection.dialect.name, ())
    for statement in statements:
        connection.exec_driver_sql(statement)


def drop_index(connection) -> None:
    if connection.dialect.name == "sqlite":
        for suffix in ("ai", "ad", "au"):
            connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {FTS_TABLE}_{suffix}")
        connection.exec_driver_sql(f"DROP TABLE IF EXISTS {FTS_TABLE}")
    elif connection.dialect.name == "postgresql":
        connection.exec_driver_sql(f"DROP INDEX IF EXISTS {PG_INDEX}")


def include_name(name, type_, parent_names) -> bool:
    """For Alembic's comparison (env.py, tests/test_migrations.py): the search index is not
    described by the models on purpose (see the module docstring), so it is not a
    difference between the models and the database."""
    if type_ == "table":
        return name not in SQLITE_NAMES
    if type_ == "index":
        return name != PG_INDEX
    return True


def indexed_terms(terms: list[str]) -> tuple[list[str], list[str]]:
    """Split search terms into those the trigram index answers (three characters or more)
    and the shorter ones, which the caller matches with LIKE on the table itself."""
    return [t for t in terms if len(t) >= 3], [t for t in terms if len(t) < 3]


def matching_ids(terms: list[str]):
    """SQLite: the ids of the organisations whose search text contains every term (each
    three characters or more), from the FTS5 trigram index. A trigram phrase query finds
    exactly the texts holding the phrase as a substring, so this is ``LIKE '%term%'`` for
    each term, answered from the index (measured at 4,700 organisations: 0.1 ms for a rare
    word, about as fast as a scan for a word in a third of them; ``LIKE`` on the FTS table
    checks every candidate row and is twice slower than a scan for common words). Terms
    are words of letters and digits joined by single spaces (services.search_terms): they
    hold no quote or wildcard to escape."""
    fts = table(FTS_TABLE, column("rowid"))
    phrase = " ".join(f'"{t}"' for t in terms)  # phrases side by side: all of them
    return (
        select(fts.c.rowid)
        .where(text(f"{FTS_TABLE} MATCH :search_phrase"))
        .params(search_phrase=phrase)
    )


def install(organizations_table) -> None:
    """Hook the index's creation and removal on the organizations table's DDL."""
    event.listen(organizations_table, "after_create", lambda t, conn, **kw: create_index(conn))
    event.listen(organizations_table, "before_drop", lambda t, conn, **kw: drop_index(conn))
