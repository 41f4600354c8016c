"""the pilot units are selected per school year: an assignment belongs to a year, a year's
selection records who made it; what was assigned before is the plan's first year's

Revision ID: 0008
Revises: 0007
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.db.models

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_selections = sa.table(
    "model_selections",
    sa.column("model_id", sa.Integer),
    sa.column("school_year", sa.String),
    sa.column("made_at", bot.db.models.AwareDateTime(timezone=True)),
    sa.column("made_by", sa.String),
)
_assignments = sa.table(
    "model_assignments",
    sa.column("model_id", sa.Integer),
    sa.column("school_year", sa.String),
)


def upgrade() -> None:
    with op.batch_alter_table("plans") as batch:
        batch.add_column(
            sa.Column(
                "selections_changed_at", bot.db.models.AwareDateTime(timezone=True), nullable=True
            )
        )
    _create_selections()
    with op.batch_alter_table("model_assignments") as batch:
        batch.add_column(sa.Column("school_year", sa.String(length=16), nullable=True))
    _carry_assignments_over()
    with op.batch_alter_table("model_assignments") as batch:
        batch.alter_column("school_year", nullable=False)
        batch.drop_constraint("uq_model_assignments_model_id", type_="unique")
        batch.create_unique_constraint(
            "uq_model_assignments_model_id", ["model_id", "unit_id", "school_year"]
        )


def _create_selections() -> None:
    op.create_table(
        "model_selections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("model_id", sa.Integer(), nullable=False),
        sa.Column("school_year", sa.String(length=16), nullable=False),
        sa.Column("made_at", bot.db.models.AwareDateTime(timezone=True), nullable=False),
        sa.Column("made_by", sa.String(length=128), nullable=False),
        sa.ForeignKeyConstraint(
            ["model_id"],
            ["pilot_models.id"],
            name=op.f("fk_model_selections_model_id_pilot_models"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_model_selections")),
        sa.UniqueConstraint("model_id", "school_year", name=op.f("uq_model_selections_model_id")),
    )
    op.create_index(
        op.f("ix_model_selections_model_id"), "model_selections", ["model_id"], unique=False
    )


def _carry_assignments_over() -> None:
    """Each model's units so far are its plan's first school year's selection, as the plan
    file made it, at the time the plan was loaded."""
    bind = op.get_bind()
    models = bind.execute(
        sa.text(
            "SELECT m.id, p.start_year, p.loaded_at FROM pilot_models m "
            "JOIN plans p ON p.id = m.plan_id"
        ).columns(
            sa.column("id"),
            sa.column("start_year"),
            sa.column("loaded_at", bot.db.models.AwareDateTime(timezone=True)),
        )
    )
    selections = []
    for model_id, start_year, loaded_at in models:
        first_year = f"{start_year}-{start_year + 1}"
        selections.append(
            {
                "model_id": model_id,
                "school_year": first_year,
                "made_at": loaded_at,
                "made_by": "plan",
            }
        )
        bind.execute(
            _assignments.update()
            .where(_assignments.c.model_id == model_id)
            .values(school_year=first_year)
        )
    if selections:
        op.bulk_insert(_selections, selections)


def downgrade() -> None:
    """Only the first year's selection can go back to the single list of before."""
    bind = op.get_bind()
    bind.execute(
        sa.text(
            "DELETE FROM model_assignments WHERE school_year <> ("
            "SELECT MIN(s.school_year) FROM model_selections s "
            "WHERE s.model_id = model_assignments.model_id)"
        )
    )
    with op.batch_alter_table("model_assignments") as batch:
        batch.drop_constraint("uq_model_assignments_model_id", type_="unique")
        batch.create_unique_constraint("uq_model_assignments_model_id", ["model_id", "unit_id"])
        batch.drop_column("school_year")
    op.drop_table("model_selections")
    with op.batch_alter_table("plans") as batch:
        batch.drop_column("selections_changed_at")
