"""the plan's facts: the period whose awards count, orders' classes, whose awards a target
counts, each deadline's rule for its date, and the pilot models each report covers

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
_submission_models = sa.table(
    "submission_models",
    sa.column("submission_id", sa.Integer),
    sa.column("model_id", sa.Integer),
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
    with op.batch_alter_table("deadlines") as batch:
        batch.add_column(sa.Column("consolidates", sa.String(length=64), nullable=True))
    _create_submission_models()
    _carry_model_answers_over()


def _create_submission_models() -> None:
    op.create_table(
        "submission_models",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("model_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["model_id"],
            ["pilot_models.id"],
            name=op.f("fk_submission_models_model_id_pilot_models"),
        ),
        sa.ForeignKeyConstraint(
            ["submission_id"],
            ["submissions.id"],
            name=op.f("fk_submission_models_submission_id_submissions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_submission_models")),
        sa.UniqueConstraint(
            "submission_id", "model_id", name=op.f("uq_submission_models_submission_id")
        ),
    )
    for column in ("model_id", "submission_id"):
        op.create_index(
            op.f(f"ix_submission_models_{column}"), "submission_models", [column], unique=False
        )


def _carry_model_answers_over() -> None:
    """A models' report already submitted covers the models its standing version names."""
    bind = op.get_bind()
    standing = bind.execute(
        sa.text(
            "SELECT s.id, d.plan_id, v.answers FROM submissions s "
            "JOIN deadlines d ON d.id = s.deadline_id "
            "JOIN submission_versions v ON v.submission_id = s.id AND v.number = s.version "
            "WHERE d.audience = 'models'"
        ).columns(sa.column("id"), sa.column("plan_id"), sa.column("answers", sa.JSON))
    )
    models = {
        (plan_id, number): model_id
        for model_id, plan_id, number in bind.execute(
            sa.text("SELECT id, plan_id, number FROM pilot_models")
        )
    }
    rows = [
        {"submission_id": submission_id, "model_id": models[plan_id, int(number)]}
        for submission_id, plan_id, answers in standing
        for number in dict.fromkeys((answers or {}).get("models", []))
        if (plan_id, int(number)) in models
    ]
    if rows:
        op.bulk_insert(_submission_models, rows)


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
    op.drop_table("submission_models")
    with op.batch_alter_table("deadlines") as batch:
        batch.drop_column("consolidates")
    with op.batch_alter_table("awards") as batch:
        batch.drop_column("award_class")
    with op.batch_alter_table("targets") as batch:
        batch.drop_column("recipients")
    with op.batch_alter_table("award_types") as batch:
        batch.drop_column("has_classes")
    with op.batch_alter_table("plans") as batch:
        batch.drop_column("period_end")
        batch.drop_column("period_start")
