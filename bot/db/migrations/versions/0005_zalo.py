"""chat options: the numbered options last shown in a chat of a channel without buttons

Revision ID: 0005
Revises: 0004
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.db.models

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "chat_options",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("chat_id", sa.String(length=64), nullable=False),
        sa.Column("payloads", sa.JSON(), nullable=False),
        sa.Column("shown_at", bot.db.models.AwareDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_chat_options")),
        sa.UniqueConstraint("channel", "chat_id", name=op.f("uq_chat_options_channel")),
    )


def downgrade() -> None:
    op.drop_table("chat_options")
