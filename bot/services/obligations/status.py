"""Who has submitted a deadline and who has not, for the office, the council and district offices.

A district office follows its own schools; the office and council see the whole sector. Both can
narrow the view to a block, a district or a pilot model's units.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import (
    Deadline,
    ModelAssignment,
    PilotModel,
    Submission,
    SubmissionStatus,
    Unit,
)
from bot.db.repositories.plan import audience_query


@dataclass(frozen=True)
class Scope:
    """Which units a view covers: ``within`` a district office's schools (None: the sector),
    narrowed by ``block``, ``district`` (a district office's id) or pilot ``model`` number."""

    within: int | None = None
    block: str | None = None
    district: int | None = None
    model: int | None = None


@dataclass
class DeadlineStatus:
    deadline: Deadline
    submitted: int = 0
    late: int = 0
    returned: int = 0
    missing: list[Unit] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.submitted + self.late + self.returned + len(self.missing)


async def deadline_status(
    session: AsyncSession, deadline: Deadline, scope: Scope
) -> DeadlineStatus:
    units = list(await session.scalars(_units(deadline, scope).order_by(Unit.name)))
    submissions = {
        s.unit_id: s
        for s in await session.scalars(
            select(Submission).where(
                Submission.deadline_id == deadline.id,
                Submission.unit_id.in_([unit.id for unit in units]),
            )
        )
    }
    status = DeadlineStatus(deadline)
    for unit in units:
        submission = submissions.get(unit.id)
        if submission is None:
            status.missing.append(unit)
        elif submission.status == SubmissionStatus.RETURNED:
            status.returned += 1
        elif submission.late:
            status.late += 1
        else:
            status.submitted += 1
    return status


def _units(deadline: Deadline, scope: Scope):
    query = select(Unit).where(Unit.id.in_(audience_query(deadline)))
    if scope.within is not None:
        query = query.where(Unit.parent_id == scope.within)
    if scope.block is not None:
        query = query.where(Unit.block == scope.block)
    if scope.district is not None:
        query = query.where((Unit.parent_id == scope.district) | (Unit.id == scope.district))
    if scope.model is not None:
        in_model = (
            select(ModelAssignment.unit_id)
            .join(PilotModel, PilotModel.id == ModelAssignment.model_id)
            .where(PilotModel.number == scope.model, PilotModel.plan_id == deadline.plan_id)
        )
        query = query.where(Unit.id.in_(in_model))
    return query
