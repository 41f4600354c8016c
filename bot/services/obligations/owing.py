"""Who still owes a deadline: the units of its audience without a submission that counts.

A submission the office returned for revision does not count; for a pilot models' deadline, a
unit owes it until its submissions cover each of its models (``models_owed`` says which). The
digest, a broadcast to the units missing a deadline, /models and the export ask this query;
reminders join its two pieces (the audience, the submissions that count) into their own.
"""

from __future__ import annotations

from sqlalchemy import Select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Deadline, ModelAssignment, PilotModel, Unit
from bot.db.repositories.plan import audience_query, done_query, uncovered_query


def owing_query(deadline: Deadline) -> Select[tuple[int]]:
    """The ids of the units in the deadline's audience without a submission that counts
    (returned = owing), as a query other queries can use."""
    return audience_query(deadline).where(_unit_id(deadline).not_in(done_query(deadline)))


async def owing_units(session: AsyncSession, deadline: Deadline) -> set[int]:
    return set(await session.scalars(owing_query(deadline)))


def _unit_id(deadline: Deadline):
    """The unit-id column of the audience query (Unit.id, or the model assignment's)."""
    return Unit.id if not deadline.for_models else ModelAssignment.unit_id


async def models_owed(
    session: AsyncSession, deadline: Deadline, unit_id: int | None = None
) -> dict[int, list[int]]:
    """For a pilot models' deadline: per unit id, the numbers of its models no submission that
    counts covers yet (all units, or ``unit_id``'s). Empty for any other deadline."""
    if not deadline.for_models:
        return {}
    query = (
        uncovered_query(deadline)
        .with_only_columns(ModelAssignment.unit_id, PilotModel.number)
        .order_by(PilotModel.number)
    )
    if unit_id is not None:
        query = query.where(ModelAssignment.unit_id == unit_id)
    owed: dict[int, list[int]] = {}
    for unit, number in await session.execute(query):
        owed.setdefault(unit, []).append(number)
    return owed
