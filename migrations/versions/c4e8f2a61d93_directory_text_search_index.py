"""Directory text search through an index: FTS5 trigram table (SQLite), pg_trgm GIN (PostgreSQL)

The directory's search looks for substrings of organizations.search_text; without an index
every search reads every organisation. See seoul_platform.members.search_index for why the
index is not part of the models and how it is kept in sync.

Revision ID: c4e8f2a61d93
Revises: c4f2a8e1d9b3
Create Date: 2026-12-02 02:45:00.000000

"""

from alembic import op

revision = "c4e8f2a61d93"
down_revision = "c4f2a8e1d9b3"
branch_labels = None
depends_on = None

FTS_TABLE = "organization_search"
PG_INDEX = "ix_organizations_search_text_trgm"


def upgrade():
    # The DDL is written out here rather than imported: a migration must keep doing what it
    # did when it was written, whatever the application's code becomes.
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        op.execute(
            f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5(search_text, "
            "content='organizations', content_rowid='id', tokenize='trigram')"
        )
        op.execute(
            f"CREATE TRIGGER {FTS_TABLE}_ai AFTER INSERT ON organizations BEGIN "
            f"INSERT INTO {FTS_TABLE}(rowid, search_text) VALUES (new.id, new.search_text); END"
        )
        op.execute(
            f"CREATE TRIGGER {FTS_TABLE}_ad AFTER DELETE ON organizations BEGIN "
            f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, search_text) "
            "VALUES ('delete', old.id, old.search_text); END"
        )
        op.execute(
            f"CREATE TRIGGER {FTS_TABLE}_au AFTER UPDATE OF search_text ON organizations "
            f"BEGIN INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, search_text) "
            "VALUES ('delete', old.id, old.search_text); "
            f"INSERT INTO {FTS_TABLE}(rowid, search_text) VALUES (new.id, new.search_text); END"
        )
        op.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')")
    elif bind.dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.execute(
            f"CREATE INDEX {PG_INDEX} ON organizations USING gin (search_text gin_trgm_ops)"
        )


def downgrade():
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for suffix in ("ai", "ad", "au"):
            op.execute(f"DROP TRIGGER IF EXISTS {FTS_TABLE}_{suffix}")
        op.execute(f"DROP TABLE IF EXISTS {FTS_TABLE}")
    elif bind.dialect.name == "postgresql":
        op.execute(f"DROP INDEX IF EXISTS {PG_INDEX}")
        # pg_trgm stays: other objects may use it, and it costs nothing unused.
