"""Alembic: one head; upgrade builds exactly the models' schema; downgrade works."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect, make_url, text

from seoul_platform.app import create_app
from seoul_platform.config import TestConfig
from seoul_platform.db import db
from seoul_platform.members import search_index

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def _alembic_config() -> Config:
    config = Config(str(MIGRATIONS / "alembic.ini"))
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def test_single_head():
    heads = ScriptDirectory.from_config(_alembic_config()).get_heads()
    assert len(heads) == 1


def _separate_postgres_database(url: str) -> str:
    """A sibling database for this test, so that dropping tables here cannot touch the
    database the rest of the suite is using."""
    main = make_url(url)
    name = f"{main.database}_migrations"
    engine = create_engine(main, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        exists = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name})
        if exists.scalar() is None:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    engine.dispose()
    return main.set(database=name).render_as_string(hide_password=False)


@pytest.fixture
def empty_app(tmp_path):
    if os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"):
        url = _separate_postgres_database(os.environ["TEST_DATABASE_URL"])
    else:
        url = f"sqlite:///{tmp_path / 'migrations.db'}"

    class Config_(TestConfig):
        SQLALCHEMY_DATABASE_URI = url

    app = create_app(Config_)
    with app.app_context():
        db.drop_all()
        with db.engine.begin() as conn:
            conn.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
    yield app, url
    with app.app_context():
        db.session.remove()
        db.drop_all()
        with db.engine.begin() as conn:
            conn.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
        db.engine.dispose()


def test_upgrade_matches_models_and_downgrade_works(empty_app):
    from flask_migrate import downgrade, upgrade

    app, url = empty_app
    with app.app_context():
        upgrade(directory=str(MIGRATIONS))
        engine = create_engine(url)
        with engine.connect() as conn:
            # The search index (FTS5 table / pg_trgm index) is outside the models by design
            # (members/search_index.py); it is checked by tests/members/test_search_index.py.
            opts = {"compare_type": True, "include_name": search_index.include_name}
            context = MigrationContext.configure(conn, opts=opts)
            diff = compare_metadata(context, db.metadata)
        assert diff == [], diff
        with engine.connect() as conn:  # the search index the comparison leaves out exists
            if conn.dialect.name == "sqlite":
                names = set(inspect(conn).get_table_names())
                assert search_index.FTS_TABLE in names
            else:
                indexes = {i["name"] for i in inspect(conn).get_indexes("organizations")}
                assert search_index.PG_INDEX in indexes
        downgrade(directory=str(MIGRATIONS), revision="base")
        remaining = set(inspect(engine).get_table_names()) - {"alembic_version"}
        engine.dispose()
        assert remaining == set()
