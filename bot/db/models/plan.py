"""The plan as loaded: award types, pilot models and their units, targets, deadlines."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, ForeignKey, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.db.models.base import Base

MODELS_AUDIENCE = "models"  # Deadline.audience of the pilot models' deadlines
OFFICE_AUDIENCE = "office"  # ... and of what the Sở's office itself reports
PLAN_DATA = "plan"  # ModelSelection.made_by of the selection the plan file makes


class Plan(Base):
    __tablename__ = "plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(Text)
    start_year: Mapped[int]
    end_year: Mapped[int]
    # Awards decided in these days (inclusive) count toward the targets.
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    # The plan file as loaded, so what the bot runs on can always be shown and compared.
    # Deferred: about 20 KB of JSON that no conversation step needs.
    source: Mapped[dict[str, Any]] = mapped_column(deferred=True)
    loaded_at: Mapped[datetime]
    # When the office last changed a year's selection of pilot units: with loaded_at, the key
    # under which a process may keep what it read of the models.
    selections_changed_at: Mapped[datetime | None]

    @property
    def school_years(self) -> list[str]:
        """ "2016-2017" … "2019-2020" for a 2016–2020 plan."""
        return [f"{year}-{year + 1}" for year in range(self.start_year, self.end_year)]


class AwardType(Base):
    __tablename__ = "award_types"
    __table_args__ = (UniqueConstraint("plan_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"))
    code: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(255))
    name_en: Mapped[str] = mapped_column(String(255))
    kind: Mapped[str] = mapped_column(String(16))
    # Orders (huân chương) come in classes: hạng Nhất, Nhì, Ba.
    has_classes: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class PilotModel(Base):
    __tablename__ = "pilot_models"
    __table_args__ = (UniqueConstraint("plan_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"))
    number: Mapped[int]
    name: Mapped[str] = mapped_column(Text)
    name_en: Mapped[str] = mapped_column(Text)
    # The plan's words for who steers it; department_id the one whose people follow it.
    steering: Mapped[str] = mapped_column(String(255))
    steering_en: Mapped[str] = mapped_column(String(255))
    department_id: Mapped[int | None] = mapped_column(
        ForeignKey("steering_departments.id"), index=True
    )


class ModelSelection(Base):
    """That the units of a model were selected for a school year, by whom and when. A year
    without one keeps the latest earlier year's selection: the plan's units are the first
    year's, and the office changes a year's when it decides to."""

    __tablename__ = "model_selections"
    __table_args__ = (UniqueConstraint("model_id", "school_year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    model_id: Mapped[int] = mapped_column(ForeignKey("pilot_models.id"), index=True)
    school_year: Mapped[str] = mapped_column(String(16))
    made_at: Mapped[datetime]
    made_by: Mapped[str] = mapped_column(String(128))  # PLAN_DATA: as the plan file says


class ModelAssignment(Base):
    """A unit steered as a pilot of a model in a school year."""

    __tablename__ = "model_assignments"
    __table_args__ = (UniqueConstraint("model_id", "unit_id", "school_year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    model_id: Mapped[int] = mapped_column(ForeignKey("pilot_models.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    school_year: Mapped[str] = mapped_column(String(16))


class Target(Base):
    """A sector quota, e.g. 72 provincial flags; ``split`` holds the per-block shares."""

    __tablename__ = "targets"
    __table_args__ = (UniqueConstraint("plan_id", "award_type_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"))
    award_type_id: Mapped[int] = mapped_column(ForeignKey("award_types.id"))
    target: Mapped[int | None]
    strive: Mapped[bool] = mapped_column(Boolean, default=False)
    split: Mapped[dict[str, Any]]
    # Whose awards count: "collective", "individual" or "any" (the award type's own kind).
    recipients: Mapped[str] = mapped_column(String(16), default="any", server_default="any")


class Deadline(Base):
    __tablename__ = "deadlines"
    __table_args__ = (UniqueConstraint("plan_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"))
    code: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(Text)
    title_en: Mapped[str] = mapped_column(Text)
    form_code: Mapped[str] = mapped_column(String(64))
    school_year: Mapped[str] = mapped_column(String(16))
    due_at: Mapped[datetime] = mapped_column(index=True)
    fixed_by_plan: Mapped[bool] = mapped_column(Boolean)
    # "all" units but the root, "models": the units of the pilot models listed, or "office":
    # the root, reported by the Sở's office.
    audience: Mapped[str] = mapped_column(String(16))
    # The code of the deadline whose submissions this one's form starts from (the office's
    # consolidated review of the units' reviews), if any.
    consolidates: Mapped[str | None] = mapped_column(String(64))
    audience_models: Mapped[list[int]] = mapped_column(JSON)
    reminder_policy: Mapped[dict[str, Any]]

    plan: Mapped[Plan] = relationship()

    @property
    def for_models(self) -> bool:
        """Owed by the units of pilot models, each unit for each of its models."""
        return self.audience == MODELS_AUDIENCE

    def title_in(self, locale: str) -> str:
        """The title with its school year: yearly deadlines share a title."""
        title = self.title if locale == "vi" else self.title_en
        return f"{title} ({self.school_year})"
