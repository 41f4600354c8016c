"""Awards recorded from decisions."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.models.base import Base


class Award(Base):
    """An award recorded from a decision: what quota progress counts as verified."""

    __tablename__ = "awards"
    __table_args__ = (UniqueConstraint("decision_number", "recipient_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    award_type_id: Mapped[int] = mapped_column(ForeignKey("award_types.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    recipient_name: Mapped[str] = mapped_column(String(255))
    collective: Mapped[bool] = mapped_column(Boolean)
    decision_number: Mapped[str] = mapped_column(String(64))
    decision_date: Mapped[date] = mapped_column(Date)
    # 1, 2 or 3 (hạng Nhất, Nhì, Ba) for an award type with classes; None otherwise.
    award_class: Mapped[int | None]
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    recorded_at: Mapped[datetime]
