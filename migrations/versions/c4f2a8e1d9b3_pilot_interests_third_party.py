"""pilots: the third partner a city names when it selects a proposal

Revision ID: c4f2a8e1d9b3
Revises: b4e8d2c6f1a9
Create Date: 2026-12-02 02:20:00

The city proposes a third partner institution with its selection; the partnership is created
only when an official approves, so until then the choice is kept on the selected proposal.
"""

import sqlalchemy as sa
from alembic import op

revision = "c4f2a8e1d9b3"
down_revision = "b4e8d2c6f1a9"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("pilot_interests", schema=None) as batch_op:
        batch_op.add_column(sa.Column("third_party_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_pilot_interests_third_party_id_organizations"),
            "organizations",
            ["third_party_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade():
    with op.batch_alter_table("pilot_interests", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_pilot_interests_third_party_id_organizations"), type_="foreignkey"
        )
        batch_op.drop_column("third_party_id")
