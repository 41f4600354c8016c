"""The units a steering department follows: those selected for the models it steers."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import ModelAssignment, PilotModel


async def steered_unit_ids(session: AsyncSession, department_id: int) -> set[int]:
    """Every unit selected for one of the department's models in any school year: an exemplar
    a unit found while it was a pilot stays the department's to follow."""
    units = await session.scalars(
        select(ModelAssignment.unit_id)
        .join(PilotModel, PilotModel.id == ModelAssignment.model_id)
        .where(PilotModel.department_id == department_id)
        .distinct()
    )
    return set(units)
