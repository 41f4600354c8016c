"""the register of exemplars: the exemplars that reports already submitted name become records,
found (phát hiện), first reported by the earliest of them

Revision ID: 0009
Revises: 0008
"""

import json
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.db.models
from bot.text import fold

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

Instant = bot.db.models.AwareDateTime
# The tables of the forms that name exemplars, as they were when this migration was written.
_TABLES = {
    "phase1_report": "exemplars",
    "model_report": "selected",
    "annual_report": "exemplars",
    "nominations": "nominees",
}
_exemplars = sa.table(
    "exemplars",
    sa.column("id", sa.Integer),
    sa.column("unit_id", sa.Integer),
    sa.column("name", sa.String),
    sa.column("search_name", sa.String),
    sa.column("collective", sa.Boolean),
    sa.column("field", sa.String),
    sa.column("stage", sa.String),
    sa.column("first_submission_id", sa.Integer),
    sa.column("first_reported_at", Instant(timezone=True)),
    sa.column("updated_at", Instant(timezone=True)),
)
_events = sa.table(
    "exemplar_events",
    sa.column("exemplar_id", sa.Integer),
    sa.column("kind", sa.String),
    sa.column("at", Instant(timezone=True)),
    sa.column("actor", sa.String),
    sa.column("submission_id", sa.Integer),
    sa.column("details", sa.JSON),
)


def upgrade() -> None:
    _create_tables()
    _carry_reports_over()


def _create_tables() -> None:
    op.create_table(
        "exemplars",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("search_name", sa.String(length=255), nullable=False),
        sa.Column("collective", sa.Boolean(), nullable=False),
        sa.Column("field", sa.String(length=255), nullable=True),
        sa.Column("model_id", sa.Integer(), nullable=True),
        sa.Column(
            "stage",
            sa.Enum(
                "found",
                "fostered",
                "replicated",
                "honoured",
                name="exemplarstage",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("award_id", sa.Integer(), nullable=True),
        sa.Column("first_submission_id", sa.Integer(), nullable=True),
        sa.Column("first_reported_at", Instant(timezone=True), nullable=False),
        sa.Column("retired_at", Instant(timezone=True), nullable=True),
        sa.Column("merged_into_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", Instant(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["award_id"], ["awards.id"], name=op.f("fk_exemplars_award_id_awards")
        ),
        sa.ForeignKeyConstraint(
            ["first_submission_id"],
            ["submissions.id"],
            name=op.f("fk_exemplars_first_submission_id_submissions"),
        ),
        sa.ForeignKeyConstraint(
            ["merged_into_id"], ["exemplars.id"], name=op.f("fk_exemplars_merged_into_id_exemplars")
        ),
        sa.ForeignKeyConstraint(
            ["model_id"], ["pilot_models.id"], name=op.f("fk_exemplars_model_id_pilot_models")
        ),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name=op.f("fk_exemplars_unit_id_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exemplars")),
    )
    op.create_index(op.f("ix_exemplars_unit_id"), "exemplars", ["unit_id"])
    op.create_index(op.f("ix_exemplars_search_name"), "exemplars", ["search_name"])
    op.create_table(
        "exemplar_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("exemplar_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("at", Instant(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=128), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=True),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["exemplar_id"], ["exemplars.id"], name=op.f("fk_exemplar_events_exemplar_id_exemplars")
        ),
        sa.ForeignKeyConstraint(
            ["submission_id"],
            ["submissions.id"],
            name=op.f("fk_exemplar_events_submission_id_submissions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exemplar_events")),
    )
    op.create_index(op.f("ix_exemplar_events_exemplar_id"), "exemplar_events", ["exemplar_id"])
    op.create_index(op.f("ix_exemplar_events_submission_id"), "exemplar_events", ["submission_id"])
    op.create_table(
        "exemplar_matches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("exemplar_id", sa.Integer(), nullable=False),
        sa.Column("candidate_id", sa.Integer(), nullable=False),
        sa.Column("asked_at", Instant(timezone=True), nullable=False),
        sa.Column("answered_at", Instant(timezone=True), nullable=True),
        sa.Column("same", sa.Boolean(), nullable=True),
        sa.ForeignKeyConstraint(
            ["candidate_id"],
            ["exemplars.id"],
            name=op.f("fk_exemplar_matches_candidate_id_exemplars"),
        ),
        sa.ForeignKeyConstraint(
            ["exemplar_id"],
            ["exemplars.id"],
            name=op.f("fk_exemplar_matches_exemplar_id_exemplars"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exemplar_matches")),
    )
    op.create_index(op.f("ix_exemplar_matches_exemplar_id"), "exemplar_matches", ["exemplar_id"])


def _carry_reports_over() -> None:
    """Each row of each submission's current version, earliest submission first: a record per
    unit and name (accents and case aside), one "reported" line per report naming it."""
    bind = op.get_bind()
    reports = bind.execute(
        sa.text(
            "SELECT s.id, s.unit_id, s.first_submitted_at, d.code, d.form_code, v.answers "
            "FROM submissions s JOIN deadlines d ON d.id = s.deadline_id "
            "JOIN submission_versions v ON v.submission_id = s.id AND v.number = s.version "
            "ORDER BY s.first_submitted_at, s.id"
        ).columns(first_submitted_at=Instant(timezone=True))
    ).all()
    records: dict[tuple[int, str, bool], int] = {}
    for submission_id, unit_id, at, code, form_code, answers in reports:
        answers = json.loads(answers) if isinstance(answers, str) else answers
        table = _TABLES.get(form_code)
        named = set()
        for item in (answers or {}).get(table, []) if table else []:
            name = str(item.get("name") or "").strip()
            key = (unit_id, fold(name), item.get("kind") != "individual")
            if not name or key in named:
                continue
            named.add(key)
            if key not in records:
                records[key] = _record(bind, key, name, item, submission_id, at)
            details = {"deadline": code, "form": form_code, "name": name}
            bind.execute(
                _events.insert().values(
                    exemplar_id=records[key],
                    kind="reported",
                    at=at,
                    actor="migration",
                    submission_id=submission_id,
                    details=details,
                )
            )


def _record(bind, key, name, item, submission_id, at) -> int:
    unit_id, search_name, collective = key
    inserted = bind.execute(
        _exemplars.insert()
        .values(
            unit_id=unit_id,
            name=name,
            search_name=search_name,
            collective=collective,
            field=str(item.get("field") or "").strip() or None,
            stage="found",
            first_submission_id=submission_id,
            first_reported_at=at,
            updated_at=at,
        )
        .returning(_exemplars.c.id)
    )
    return inserted.scalar_one()


def downgrade() -> None:
    op.drop_table("exemplar_matches")
    op.drop_table("exemplar_events")
    op.drop_table("exemplars")
