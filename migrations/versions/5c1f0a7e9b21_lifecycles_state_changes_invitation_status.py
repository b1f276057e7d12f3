"""Lifecycles: shared state_changes history, invitation status, declined applicants

Adds the one history table every feature with states writes through lifecycle.transition();
gives invitations an explicit status (open / accepted / revoked / expired, backfilled from the
timestamps); and lets a person's status be "declined" (an applicant whose join request was
declined, previously stored as "disabled" and so wrongly re-enable-able).

Revision ID: 5c1f0a7e9b21
Revises: 3f6c2a9d41b7
Create Date: 2026-12-01 23:45:00.000000

"""

import sqlalchemy as sa
from alembic import op

revision = "5c1f0a7e9b21"
down_revision = "3f6c2a9d41b7"
branch_labels = None
depends_on = None

OLD_USER_STATUSES = ("pending", "active", "disabled", "deleted")
NEW_USER_STATUSES = ("pending", "active", "disabled", "declined", "deleted")
INVITATION_STATUSES = ("open", "accepted", "revoked", "expired")


def _in(column: str, values) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def upgrade():
    op.create_table(
        "state_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subject_type", sa.String(length=40), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("from_state", sa.String(length=20), nullable=False),
        sa.Column("to_state", sa.String(length=20), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["users.id"],
            name=op.f("fk_state_changes_actor_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_state_changes")),
    )
    with op.batch_alter_table("state_changes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_state_changes_actor_id"), ["actor_id"], unique=False)
        batch_op.create_index(
            "ix_state_changes_subject", ["subject_type", "subject_id", "id"], unique=False
        )

    with op.batch_alter_table("invitations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("status", sa.String(length=20), nullable=True))
    op.execute(
        "UPDATE invitations SET status = CASE "
        "WHEN accepted_at IS NOT NULL THEN 'accepted' "
        "WHEN revoked_at IS NOT NULL THEN 'revoked' "
        "ELSE 'open' END"
    )
    with op.batch_alter_table("invitations", schema=None) as batch_op:
        batch_op.alter_column("status", existing_type=sa.String(length=20), nullable=False)
        batch_op.create_check_constraint(
            op.f("ck_invitations_invitation_status"), _in("status", INVITATION_STATUSES)
        )
        batch_op.create_index(
            "ix_invitations_invited_by_id_status", ["invited_by_id", "status"], unique=False
        )

    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_users_user_status"), type_="check")
        batch_op.create_check_constraint(
            op.f("ck_users_user_status"), _in("status", NEW_USER_STATUSES)
        )
    # Applicants declined before this revision were stored as disabled.
    op.execute(
        "UPDATE users SET status = 'declined' WHERE status = 'disabled' AND id IN "
        "(SELECT applicant_id FROM join_requests WHERE status = 'declined' "
        "AND applicant_id IS NOT NULL)"
    )


def downgrade():
    op.execute("UPDATE users SET status = 'disabled' WHERE status = 'declined'")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_users_user_status"), type_="check")
        batch_op.create_check_constraint(
            op.f("ck_users_user_status"), _in("status", OLD_USER_STATUSES)
        )

    with op.batch_alter_table("invitations", schema=None) as batch_op:
        batch_op.drop_index("ix_invitations_invited_by_id_status")
        batch_op.drop_constraint(op.f("ck_invitations_invitation_status"), type_="check")
        batch_op.drop_column("status")

    with op.batch_alter_table("state_changes", schema=None) as batch_op:
        batch_op.drop_index("ix_state_changes_subject")
        batch_op.drop_index(batch_op.f("ix_state_changes_actor_id"))
    op.drop_table("state_changes")
