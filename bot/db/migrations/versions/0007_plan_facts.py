"""the plan's facts: the period whose awards count, orders' classes, whose awards a target
counts, and each deadline's rule for its date

Revision ID: 0007
Revises: 0006
"""

from collections.abc import Sequence
from datetime import date

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_plans = sa.table(
    "plans",
    sa.column("id", sa.Integer),
    sa.column("start_year", sa.Integer),
    sa.column("end_year", sa.Integer),
    sa.column("period_start", sa.Date),
    sa.column("period_end", sa.Date),
    sa.column("source", sa.JSON),
)


def upgrade() -> None:
    with op.batch_alter_table("plans") as batch:
        batch.add_column(sa.Column("period_start", sa.Date(), nullable=True))
        batch.add_column(sa.Column("period_end", sa.Date(), nullable=True))
    _carry_plans_over()
    with op.batch_alter_table("plans") as batch:
        batch.alter_column("period_start", nullable=False)
        batch.alter_column("period_end", nullable=False)
    with op.batch_alter_table("award_types") as batch:
        batch.add_column(
            sa.Column("has_classes", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    with op.batch_alter_table("targets") as batch:
        batch.add_column(
            sa.Column("recipients", sa.String(length=16), server_default="any", nullable=False)
        )
    with op.batch_alter_table("awards") as batch:
        batch.add_column(sa.Column("award_class", sa.Integer(), nullable=True))


def _carry_plans_over() -> None:
    """A plan loaded before: its period is its years, whole, as the schema's default; its
    stored file gains what the schema now requires, meaning what it meant then (a deadline
    due by the end of its day)."""
    bind = op.get_bind()
    for row in bind.execute(sa.select(_plans)).mappings():
        source = dict(row["source"])
        source["deadlines"] = [
            {"due_rule": "by", **deadline} for deadline in source.get("deadlines", [])
        ]
        bind.execute(
            _plans.update()
            .where(_plans.c.id == row["id"])
            .values(
                period_start=date(row["start_year"], 1, 1),
                period_end=date(row["end_year"], 12, 31),
                source=source,
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("awards") as batch:
        batch.drop_column("award_class")
    with op.batch_alter_table("targets") as batch:
        batch.drop_column("recipients")
    with op.batch_alter_table("award_types") as batch:
        batch.drop_column("has_classes")
    with op.batch_alter_table("plans") as batch:
        batch.drop_column("period_end")
        batch.drop_column("period_start")
