"""broadcasts

Revision ID: 0004
Revises: 0003
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.db.models

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "broadcasts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("author_identity_id", sa.Integer(), nullable=False),
        sa.Column("audience", sa.JSON(), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("recipients", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum("sending", "done", name="broadcaststatus", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("progress_ref", sa.String(length=64), nullable=True),
        sa.Column("created_at", bot.db.models.AwareDateTime(timezone=True), nullable=False),
        sa.Column("finished_at", bot.db.models.AwareDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["author_id"], ["people.id"], name=op.f("fk_broadcasts_author_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["author_identity_id"],
            ["channel_identities.id"],
            name=op.f("fk_broadcasts_author_identity_id_channel_identities"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_broadcasts")),
    )
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("claimed_at", bot.db.models.AwareDateTime(timezone=True), nullable=True)
        )
        # A default only for rows that exist already; the model always sets it.
        batch_op.add_column(
            sa.Column("parts_sent", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(sa.Column("broadcast_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_outbox_broadcast_id"), ["broadcast_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_outbox_broadcast_id_broadcasts"), "broadcasts", ["broadcast_id"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_outbox_broadcast_id_broadcasts"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_outbox_broadcast_id"))
        batch_op.drop_column("broadcast_id")
        batch_op.drop_column("parts_sent")
        batch_op.drop_column("claimed_at")
    op.drop_table("broadcasts")
