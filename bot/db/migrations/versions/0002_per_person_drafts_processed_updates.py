"""per-person drafts, processed updates

Revision ID: 0002
Revises: 0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.db.models

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "processed_updates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("update_id", sa.String(length=64), nullable=False),
        sa.Column("at", bot.db.models.AwareDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_processed_updates")),
        sa.UniqueConstraint("channel", "update_id", name=op.f("uq_processed_updates_channel")),
    )
    with op.batch_alter_table("processed_updates", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_processed_updates_at"), ["at"], unique=False)

    with op.batch_alter_table("form_drafts", schema=None) as batch_op:
        # Defaults only for rows that exist already; the models always set both.
        batch_op.add_column(
            sa.Column("cursor", sa.JSON(), nullable=False, server_default=sa.text("'{}'"))
        )
        batch_op.add_column(sa.Column("base_version", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.true())
        )
        batch_op.drop_constraint(batch_op.f("uq_form_drafts_unit_id"), type_="unique")
        batch_op.create_unique_constraint(
            batch_op.f("uq_form_drafts_unit_id"), ["unit_id", "deadline_id", "person_id"]
        )
        batch_op.create_index(batch_op.f("ix_form_drafts_person_id"), ["person_id"], unique=False)
        batch_op.drop_column("step")


def downgrade() -> None:
    with op.batch_alter_table("form_drafts", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("step", sa.VARCHAR(length=64), nullable=False, server_default="")
        )
        batch_op.drop_index(batch_op.f("ix_form_drafts_person_id"))
        batch_op.drop_constraint(batch_op.f("uq_form_drafts_unit_id"), type_="unique")
        batch_op.create_unique_constraint(
            batch_op.f("uq_form_drafts_unit_id"), ["unit_id", "deadline_id"]
        )
        batch_op.drop_column("active")
        batch_op.drop_column("base_version")
        batch_op.drop_column("cursor")

    with op.batch_alter_table("processed_updates", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_processed_updates_at"))

    op.drop_table("processed_updates")
