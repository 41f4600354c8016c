"""units keep the name of their head, who signs the documents the bot makes; the office's own
templates of those documents

Revision ID: 0011
Revises: 0010
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.db.models

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


Instant = bot.db.models.AwareDateTime


def upgrade() -> None:
    with op.batch_alter_table("units") as batch:
        batch.add_column(sa.Column("head_name", sa.String(255), nullable=True))
    op.create_table(
        "document_templates",
        sa.Column("form_code", sa.String(64), primary_key=True),
        sa.Column("file_name", sa.String(255), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("loaded_at", Instant(timezone=True), nullable=False),
        sa.Column("loaded_by", sa.String(64), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("document_templates")
    with op.batch_alter_table("units") as batch:
        batch.drop_column("head_name")
