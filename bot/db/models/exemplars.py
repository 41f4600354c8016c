"""The register of exemplars (điển hình tiên tiến): each collective or person a unit names as an
exemplar in its reports, followed through the plan's years, with every change kept."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.models.base import Base, enum_column


class ExemplarStage(enum.StrEnum):
    """Where an exemplar stands in the plan, in its order: found, fostered (in a pilot model
    or checked by the office), replicated, honoured (an award decision names it)."""

    FOUND = "found"
    FOSTERED = "fostered"
    REPLICATED = "replicated"
    HONOURED = "honoured"


class Exemplar(Base):
    __tablename__ = "exemplars"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    name: Mapped[str] = mapped_column(String(255))
    # Accent-free lower-case name: how a later report's row is matched, and search.
    search_name: Mapped[str] = mapped_column(String(255), index=True)
    collective: Mapped[bool]
    field: Mapped[str | None] = mapped_column(String(255))
    model_id: Mapped[int | None] = mapped_column(ForeignKey("pilot_models.id"))
    stage: Mapped[ExemplarStage] = mapped_column(enum_column(ExemplarStage))
    # The award decision that honoured it.
    award_id: Mapped[int | None] = mapped_column(ForeignKey("awards.id"))
    first_submission_id: Mapped[int | None] = mapped_column(ForeignKey("submissions.id"))
    first_reported_at: Mapped[datetime]
    # Set when the unit says it is no longer an exemplar (the reason is in its history).
    retired_at: Mapped[datetime | None]
    # Set when the unit merged it into another record, which carries its history on.
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("exemplars.id"))
    updated_at: Mapped[datetime]


class ExemplarEvent(Base):
    """One line of an exemplar's history: reported in a report, renamed, merged, a stage
    changed, a note, retired. ``details`` holds what the kind needs (before/after, reason…)."""

    __tablename__ = "exemplar_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    exemplar_id: Mapped[int] = mapped_column(ForeignKey("exemplars.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(128))
    submission_id: Mapped[int | None] = mapped_column(ForeignKey("submissions.id"), index=True)
    details: Mapped[dict[str, Any]]
    note: Mapped[str | None] = mapped_column(Text)


class ExemplarMatch(Base):
    """A question to the unit: is the exemplar just reported the same as an earlier one?

    The new row became a record of its own; "the same" merges it into the earlier one."""

    __tablename__ = "exemplar_matches"

    id: Mapped[int] = mapped_column(primary_key=True)
    exemplar_id: Mapped[int] = mapped_column(ForeignKey("exemplars.id"), index=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("exemplars.id"))
    asked_at: Mapped[datetime]
    answered_at: Mapped[datetime | None]
    same: Mapped[bool | None]
