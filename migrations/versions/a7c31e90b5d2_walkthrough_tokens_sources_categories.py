"""Token labels and last use; public-record source of organisations; award category optional

Revision ID: a7c31e90b5d2
Revises: 5c1e0a9d7b42
Create Date: 2026-12-01 23:45:00.000000

"""

import sqlalchemy as sa
from alembic import op

revision = "a7c31e90b5d2"
down_revision = "5c1e0a9d7b42"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("name", sa.String(length=80), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.alter_column("name", server_default=None)

    with op.batch_alter_table("organizations", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("public_source", sa.String(length=200), nullable=False, server_default="")
        )
    with op.batch_alter_table("organizations", schema=None) as batch_op:
        batch_op.alter_column("public_source", server_default=None)

    with op.batch_alter_table("awards", schema=None) as batch_op:
        batch_op.alter_column(
            "category",
            existing_type=sa.Enum(
                "tech_innovacity",
                "human_centricity",
                "leadership",
                "special_mention",
                name="award_category",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=True,
        )


def downgrade():
    # An award without a stated category cannot be represented before this revision.
    op.execute("DELETE FROM awards WHERE category IS NULL")
    with op.batch_alter_table("awards", schema=None) as batch_op:
        batch_op.alter_column(
            "category",
            existing_type=sa.Enum(
                "tech_innovacity",
                "human_centricity",
                "leadership",
                "special_mention",
                name="award_category",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        )
    with op.batch_alter_table("organizations", schema=None) as batch_op:
        batch_op.drop_column("public_source")
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.drop_column("last_used_at")
        batch_op.drop_column("name")
