"""Mail is queued as a template, its context and a locale; rendered when it is delivered

Revision ID: b4e8d2c6f1a9
Revises: b3e8d1f4a6c2
Create Date: 2026-12-02 02:30:00.000000

Existing rows keep their rendered body and get no template: the renderer uses the stored body
when the template is null. Downgrading drops the columns; a templated message still queued
then has an empty body (its text was never stored), so drain the outbox first.
"""

import sqlalchemy as sa
from alembic import op

revision = "b4e8d2c6f1a9"
down_revision = "b3e8d1f4a6c2"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("outbound_emails", schema=None) as batch_op:
        batch_op.add_column(sa.Column("template", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("context", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("locale", sa.String(length=10), nullable=True))


def downgrade():
    with op.batch_alter_table("outbound_emails", schema=None) as batch_op:
        batch_op.drop_column("locale")
        batch_op.drop_column("context")
        batch_op.drop_column("template")
