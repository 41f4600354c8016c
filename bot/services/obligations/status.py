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
from bot.db.repositories.plan import audience_query, in_selection
from bot.services.obligations.owing import models_owed


@dataclass(frozen=True)
class Scope:
    """Which units a view covers: ``within`` a district office's schools, or the units of the
    ``steered`` pilot models (by number) and only for those models (None: the sector),
    narrowed by ``block``, ``district`` (a district office's id) or pilot ``model`` number."""

    within: int | None = None
    block: str | None = None
    district: int | None = None
    model: int | None = None
    steered: frozenset[int] | None = None


@dataclass
class DeadlineStatus:
    deadline: Deadline
    submitted: int = 0
    late: int = 0
    returned: int = 0
    missing: list[Unit] = field(default_factory=list)
    # Units among ``missing`` that submitted, but not yet for these pilot models (by number).
    models_owed: dict[int, list[int]] = field(default_factory=dict)

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
    owed = await _models_owed(session, deadline, scope)
    for unit in units:
        submission = submissions.get(unit.id)
        if submission is None:
            status.missing.append(unit)
        elif submission.status != SubmissionStatus.RETURNED and unit.id in owed:
            status.missing.append(unit)
            status.models_owed[unit.id] = owed[unit.id]
        elif submission.status == SubmissionStatus.RETURNED:
            status.returned += 1
        elif submission.late:
            status.late += 1
        else:
            status.submitted += 1
    return status


async def _models_owed(
    session: AsyncSession, deadline: Deadline, scope: Scope
) -> dict[int, list[int]]:
    """Per unit, the models still owed; narrowed to a pilot model, only that one counts."""
    owed = await models_owed(session, deadline)
    counted = {scope.model} if scope.model is not None else scope.steered
    if counted is None:
        return owed
    narrowed = {unit: [n for n in numbers if n in counted] for unit, numbers in owed.items()}
    return {unit: numbers for unit, numbers in narrowed.items() if numbers}


def _units(deadline: Deadline, scope: Scope):
    query = select(Unit).where(Unit.id.in_(audience_query(deadline)))
    if scope.within is not None:
        query = query.where(Unit.parent_id == scope.within)
    if scope.block is not None:
        query = query.where(Unit.block == scope.block)
    if scope.district is not None:
        query = query.where((Unit.parent_id == scope.district) | (Unit.id == scope.district))
    for numbers in ({scope.model} if scope.model is not None else None, scope.steered):
        if numbers is not None:
            query = query.where(Unit.id.in_(_in_models(deadline, numbers)))
    return query


def _in_models(deadline: Deadline, numbers: set[int] | frozenset[int]):
    """The units of these pilot models in the deadline's school year."""
    return (
        select(ModelAssignment.unit_id)
        .join(PilotModel, PilotModel.id == ModelAssignment.model_id)
        .where(
            PilotModel.number.in_(numbers),
            PilotModel.plan_id == deadline.plan_id,
            in_selection(deadline.school_year),
        )
    )
