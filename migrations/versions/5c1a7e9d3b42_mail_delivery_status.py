"""Mail delivery status: queued/sending/sent/failed, next attempt, claim for one sender

Revision ID: 5c1a7e9d3b42
Revises: 506ced3b7abb
Create Date: 2026-12-01 23:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5c1a7e9d3b42'
down_revision = '506ced3b7abb'
branch_labels = None
depends_on = None

STATUSES = ('queued', 'sending', 'sent', 'failed')


def upgrade():
    # Added nullable, filled from the existing rows, then made NOT NULL: portable to
    # SQLite (batch mode) and PostgreSQL without a server default left behind.
    with op.batch_alter_table('outbound_emails', schema=None) as batch_op:
        batch_op.add_column(sa.Column('status', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('claim_token', sa.String(length=32), nullable=True))

    op.execute(
        "UPDATE outbound_emails SET next_attempt_at = created_at, status = CASE"
        " WHEN sent_at IS NOT NULL THEN 'sent' WHEN attempts >= 5 THEN 'failed'"
        " ELSE 'queued' END"
    )

    with op.batch_alter_table('outbound_emails', schema=None) as batch_op:
        batch_op.alter_column('status', existing_type=sa.String(length=20), nullable=False)
        # The models' str_enum: VARCHAR plus a named CHECK, created explicitly (alter_column
        # does not add an Enum's CHECK on PostgreSQL).
        batch_op.create_check_constraint(
            op.f('ck_outbound_emails_mail_status'),
            sa.column('status').in_(STATUSES),
        )
        batch_op.alter_column('next_attempt_at', existing_type=sa.DateTime(timezone=True), nullable=False)
        batch_op.create_index('ix_outbound_emails_status_next_attempt_at', ['status', 'next_attempt_at'], unique=False)


def downgrade():
    with op.batch_alter_table('outbound_emails', schema=None) as batch_op:
        batch_op.drop_index('ix_outbound_emails_status_next_attempt_at')
        batch_op.drop_constraint(op.f('ck_outbound_emails_mail_status'), type_='check')
        batch_op.drop_column('claim_token')
        batch_op.drop_column('claimed_at')
        batch_op.drop_column('next_attempt_at')
        batch_op.drop_column('status')
