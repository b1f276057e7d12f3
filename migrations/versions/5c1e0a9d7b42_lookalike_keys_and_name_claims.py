"""Look-alike keys for e-mail addresses and organisation names; only active organisations
hold their name; deleted accounts keep an unregistrable marker

users.email_key and organizations.name_skeleton hold the digest of the look-alike skeleton
(seoul_platform.text.skeleton_hash); organizations.name_claim (unique, NULL unless active)
replaces the unique name_key, so pending and declined applications reserve no name. Deleted
accounts' old "deleted-<id>@invalid.example" addresses become "deleted:<id>".

Revision ID: 5c1e0a9d7b42
Revises: 5c1f0a7e9b21
Create Date: 2026-12-01 23:59:00
"""

import sqlalchemy as sa
from alembic import op

revision = "5c1e0a9d7b42"
down_revision = "5c1f0a7e9b21"
branch_labels = None
depends_on = None


def _backfill() -> None:
    from seoul_platform.text import skeleton_hash  # pure function, no app needed

    conn = op.get_bind()
    users = sa.table(
        "users", sa.column("id"), sa.column("email"), sa.column("email_key"), sa.column("status")
    )
    orgs = sa.table(
        "organizations",
        sa.column("id"),
        sa.column("name"),
        sa.column("status"),
        sa.column("name_skeleton"),
        sa.column("name_claim"),
    )
    conn.execute(
        users.update()
        .where(users.c.status == "deleted")
        .values(email=sa.literal("deleted:") + sa.cast(users.c.id, sa.String))
    )
    for row in conn.execute(sa.select(users.c.id, users.c.email)).all():
        conn.execute(
            users.update().where(users.c.id == row.id).values(email_key=skeleton_hash(row.email))
        )
    for row in conn.execute(sa.select(orgs.c.id, orgs.c.name, orgs.c.status)).all():
        key = skeleton_hash(row.name)
        conn.execute(
            orgs.update()
            .where(orgs.c.id == row.id)
            .values(name_skeleton=key, name_claim=key if row.status == "active" else None)
        )


def upgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("email_key", sa.String(length=64), nullable=True))
    with op.batch_alter_table("organizations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("name_skeleton", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("name_claim", sa.String(length=64), nullable=True))
        batch_op.drop_constraint("uq_organizations_name_key", type_="unique")
    _backfill()
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.alter_column("email_key", existing_type=sa.String(length=64), nullable=False)
        batch_op.create_index(batch_op.f("ix_users_email_key"), ["email_key"], unique=False)
    with op.batch_alter_table("organizations", schema=None) as batch_op:
        batch_op.alter_column("name_skeleton", existing_type=sa.String(length=64), nullable=False)
        batch_op.create_index(
            batch_op.f("ix_organizations_name_skeleton"), ["name_skeleton"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_organizations_name_key"), ["name_key"], unique=False)
        batch_op.create_unique_constraint(
            batch_op.f("uq_organizations_name_claim"), ["name_claim"]
        )


def downgrade():
    # Deleted accounts keep their "deleted:<id>" marker (it is unique, which is all the old
    # schema needs). A database holding two pending applications with one name cannot go
    # back: the old unique name_key refuses them, and the downgrade fails rather than lose one.
    with op.batch_alter_table("organizations", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_organizations_name_claim"), type_="unique")
        batch_op.drop_index(batch_op.f("ix_organizations_name_key"))
        batch_op.drop_index(batch_op.f("ix_organizations_name_skeleton"))
        batch_op.create_unique_constraint("uq_organizations_name_key", ["name_key"])
        batch_op.drop_column("name_claim")
        batch_op.drop_column("name_skeleton")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_users_email_key"))
        batch_op.drop_column("email_key")
