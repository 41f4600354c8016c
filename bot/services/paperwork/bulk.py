"""Every submitted unit's document for one deadline, one after the other, for the office's
``thidua documents export``: the plan is read once, each document made and handed on before
the next, so memory stays flat however many units there are."""

from __future__ import annotations

from collections.abc import AsyncIterator

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Deadline, Submission, Unit
from bot.services.paperwork.documents import Built, build
from bot.services.reporting.review import QueueItem
from bot.services.setup.plan_store import active_plan, active_plan_spec


async def deadline_named(session: AsyncSession, code: str) -> Deadline | None:
    """The active plan's deadline with this code."""
    plan = await active_plan(session)
    if plan is None:
        return None
    return await session.scalar(
        select(Deadline).where(Deadline.plan_id == plan.id, Deadline.code == code)
    )


async def submitted(session: AsyncSession, deadline: Deadline) -> list[QueueItem]:
    """The deadline's submissions, by unit name."""
    rows = await session.execute(
        select(Submission, Unit)
        .join(Unit, Unit.id == Submission.unit_id)
        .where(Submission.deadline_id == deadline.id)
        .order_by(Unit.name, Unit.id)
    )
    return [QueueItem(submission, unit, deadline) for submission, unit in rows]


async def documents_of(session: AsyncSession, chosen: list[QueueItem]) -> AsyncIterator[Built]:
    """Each submission's document of its standing version, in the order given."""
    plan = await active_plan_spec(session)
    for one in chosen:
        built = await build(session, one, plan=plan)
        if built is not None:
            yield built
