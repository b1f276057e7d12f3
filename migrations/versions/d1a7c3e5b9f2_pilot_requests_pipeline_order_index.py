"""pilot requests: an index on the pipeline's order (first submission, then id)

Revision ID: d1a7c3e5b9f2
Revises: 7c09e14f766c
Create Date: 2026-12-02 06:20:00

"""

from alembic import op

revision = "d1a7c3e5b9f2"
down_revision = "7c09e14f766c"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("pilot_requests", schema=None) as batch_op:
        batch_op.create_index(
            "ix_pilot_requests_submitted_at_id", ["submitted_at", "id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("pilot_requests", schema=None) as batch_op:
        batch_op.drop_index("ix_pilot_requests_submitted_at_id")
