"""the departments that steer pilot models: a table of them, each model's department, and a
department on steering grants and invites; a plan already loaded gets the departments of plan
941, each model linked to the one its steering text names

Revision ID: 0010
Revises: 0009
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The departments of plan 941 as its file names them when this migration was written (code,
# name, English name). A model is linked to the one whose name its steering text contains.
_DEPARTMENTS = (
    ("GDTRH", "Phòng Giáo dục Trung học", "Secondary Education Department"),
    ("CTHSSV", "Phòng Công tác học sinh, sinh viên", "Student Affairs Department"),
    ("DTBD", "Phòng Đào tạo Bồi dưỡng", "Training and Professional Development Department"),
    ("KHTC", "Phòng Kế hoạch Tài chính", "Planning and Finance Department"),
    ("CONG-DOAN", "Công đoàn Giáo dục tỉnh", "Provincial Education Trade Union"),
)
_departments = sa.table(
    "steering_departments",
    sa.column("id", sa.Integer),
    sa.column("code", sa.String),
    sa.column("name", sa.String),
    sa.column("name_en", sa.String),
)
_models = sa.table(
    "pilot_models",
    sa.column("id", sa.Integer),
    sa.column("steering", sa.String),
    sa.column("department_id", sa.Integer),
)
# The tables gaining a department, and whether the column is indexed.
_GAINING = (("pilot_models", True), ("role_grants", False), ("invite_codes", False))


def upgrade() -> None:
    op.create_table(
        "steering_departments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("name_en", sa.String(length=255), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_steering_departments")),
        sa.UniqueConstraint("code", name=op.f("uq_steering_departments_code")),
    )
    for table, indexed in _GAINING:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("department_id", sa.Integer(), nullable=True))
            batch.create_foreign_key(
                op.f(f"fk_{table}_department_id_steering_departments"),
                "steering_departments",
                ["department_id"],
                ["id"],
            )
            if indexed:
                batch.create_index(op.f(f"ix_{table}_department_id"), ["department_id"])
    _link_loaded_models()


def _link_loaded_models() -> None:
    """A database with pilot models loaded gets the plan's departments and its models' links."""
    bind = op.get_bind()
    models = bind.execute(sa.select(_models.c.id, _models.c.steering)).all()
    if not models:
        return  # loading a plan will make them
    op.bulk_insert(_departments, [{"code": c, "name": n, "name_en": e} for c, n, e in _DEPARTMENTS])
    ids = dict(bind.execute(sa.select(_departments.c.name, _departments.c.id)).all())
    for model_id, steering in models:
        named = [name for _code, name, _en in _DEPARTMENTS if name.lower() in steering.lower()]
        if named:
            bind.execute(
                _models.update().where(_models.c.id == model_id).values(department_id=ids[named[0]])
            )


def downgrade() -> None:
    for table, indexed in reversed(_GAINING):
        with op.batch_alter_table(table) as batch:
            if indexed:
                batch.drop_index(op.f(f"ix_{table}_department_id"))
            batch.drop_constraint(
                op.f(f"fk_{table}_department_id_steering_departments"), type_="foreignkey"
            )
            batch.drop_column("department_id")
    op.drop_table("steering_departments")
