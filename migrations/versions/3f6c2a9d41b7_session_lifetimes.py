"""Session lifetimes: user_sessions.last_seen_at and remember

Browser sessions now expire server-side after an idle and an absolute lifetime; the
session loader needs when each session was last seen and whether "keep me signed in" was
ticked. Existing sessions count as last seen when they were created.

Revision ID: 3f6c2a9d41b7
Revises: 5c1a7e9d3b42
Create Date: 2026-12-01 23:50:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3f6c2a9d41b7'
down_revision = "5c1a7e9d3b42"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user_sessions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(
            sa.Column('remember', sa.Boolean(), nullable=False, server_default=sa.false())
        )
    op.execute("UPDATE user_sessions SET last_seen_at = created_at")
    with op.batch_alter_table('user_sessions', schema=None) as batch_op:
        batch_op.alter_column(
            'last_seen_at', existing_type=sa.DateTime(timezone=True), nullable=False
        )
        batch_op.alter_column(
            'remember', existing_type=sa.Boolean(), server_default=None, existing_nullable=False
        )


def downgrade():
    with op.batch_alter_table('user_sessions', schema=None) as batch_op:
        batch_op.drop_column('remember')
        batch_op.drop_column('last_seen_at')
