"""What a district office (Phòng GD&ĐT) follows of its own schools: per deadline of the school
year, which of them submitted and which still owe it, and a school's submission to read.

A district office sees the units directly under it, and only those: every lookup here checks
that the unit's parent is the office, whatever id a button carries.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Deadline, Submission, Unit
from bot.db.repositories.plan import audience_query
from bot.services.obligations.deadlines import find_deadline, plan_deadlines, school_year_of
from bot.services.obligations.owing import owing_units
from bot.services.reporting import review
from bot.services.reporting.review import QueueItem


@dataclass(frozen=True)
class SchoolLine:
    unit: Unit
    submission: Submission | None
    owes: bool  # no submission that counts (returned, or not for each of its pilot models)


async def open_deadlines(
    session: AsyncSession, office: Unit, now: datetime, zone: ZoneInfo
) -> list[Deadline]:
    """The deadlines of the school year that some of the office's schools owe."""
    year = school_year_of(now.astimezone(zone).date())
    found = []
    for deadline in await plan_deadlines(session):
        if deadline.school_year == year and await _schools(session, office, deadline):
            found.append(deadline)
    return found


async def school_lines(session: AsyncSession, office: Unit, deadline: Deadline) -> list[SchoolLine]:
    """The office's schools that owe the deadline, by name, each with its submission."""
    schools = await _schools(session, office, deadline)
    submissions = {
        s.unit_id: s
        for s in await session.scalars(
            select(Submission).where(
                Submission.deadline_id == deadline.id,
                Submission.unit_id.in_([unit.id for unit in schools]),
            )
        )
    }
    owing = await owing_units(session, deadline)
    return [SchoolLine(u, submissions.get(u.id), u.id in owing) for u in schools]


async def office_deadline(session: AsyncSession, office: Unit, deadline_id: int) -> Deadline | None:
    """The deadline a button names, if some of the office's schools owe it."""
    deadline = await find_deadline(session, deadline_id)
    if deadline is None or not await _schools(session, office, deadline):
        return None
    return deadline


async def school_submission(
    session: AsyncSession, office: Unit, submission_id: int
) -> QueueItem | None:
    """A submission of one of the office's schools; None for any other unit's."""
    found = await review.item(session, submission_id)
    return found if found is not None and found.unit.parent_id == office.id else None


async def _schools(session: AsyncSession, office: Unit, deadline: Deadline) -> list[Unit]:
    query = select(Unit).where(Unit.parent_id == office.id, Unit.id.in_(audience_query(deadline)))
    return list(await session.scalars(query.order_by(Unit.name)))
