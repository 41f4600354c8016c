"""The pilot models (mô hình điểm) as the council follows them: who steers each, its units,
and which of them still owe the models' report, for each model."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Deadline, ModelAssignment, PilotModel, Unit
from bot.db.repositories.plan import in_selection
from bot.services.obligations.deadlines import plan_deadlines, school_year_of
from bot.services.obligations.owing import models_owed
from bot.services.setup.plan_store import pilot_models


@dataclass(frozen=True)
class ModelUnits:
    model: PilotModel
    units: list[Unit]  # by name


@dataclass(frozen=True)
class ModelsStatus:
    # The school year whose selection of units is shown: the deadline's, else today's.
    school_year: str
    # The models' deadline the status is for: the next one, or the last once all have passed.
    deadline: Deadline | None
    models: list[ModelUnits]
    # (unit id, model number) that ``deadline`` is still owed for (returned counts as owed).
    owed: set[tuple[int, int]]


async def models_status(
    session: AsyncSession, now: datetime, zone: ZoneInfo, department_id: int | None = None
) -> ModelsStatus:
    """Every model, or only those ``department_id`` steers."""
    deadline = _nearest([d for d in await plan_deadlines(session) if d.for_models], now)
    owed = await models_owed(session, deadline) if deadline is not None else {}
    year = deadline.school_year if deadline else school_year_of(now.astimezone(zone).date())
    models = [
        ModelUnits(model, await model_units(session, model, year))
        for model in await pilot_models(session)
        if department_id is None or model.department_id == department_id
    ]
    owed_pairs = {(u, n) for u, numbers in owed.items() for n in numbers}
    return ModelsStatus(year, deadline, models, owed_pairs)


def _nearest(deadlines: list[Deadline], now: datetime) -> Deadline | None:
    upcoming = [d for d in deadlines if d.due_at >= now]
    return upcoming[0] if upcoming else (deadlines[-1] if deadlines else None)


async def model_units(session: AsyncSession, model: PilotModel, school_year: str) -> list[Unit]:
    """The model's units selected for the school year, by name."""
    units = await session.scalars(
        select(Unit)
        .join(ModelAssignment, ModelAssignment.unit_id == Unit.id)
        .where(ModelAssignment.model_id == model.id, in_selection(school_year))
        .order_by(Unit.name)
    )
    return list(units)


async def steered_numbers(session: AsyncSession, department_id: int | None) -> frozenset[int]:
    """The numbers of the active plan's models the department steers (none for None)."""
    models = await pilot_models(session)
    return frozenset(m.number for m in models if department_id and m.department_id == department_id)
