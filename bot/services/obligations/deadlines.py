"""Which deadlines a unit owes and whether each is met; counts for the office."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Deadline, Submission, SubmissionStatus, Unit
from bot.db.repositories import PlanRepository
from bot.forms.catalog import form_for
from bot.i18n import N_, Translator
from bot.services.obligations.owing import models_owed

SCHOOL_YEAR_FIRST_MONTH = 9
SHOWN_UPCOMING = 5
SHOWN_OVERDUE = 5


class DeadlineState(enum.Enum):
    SUBMITTED = "submitted"
    SUBMITTED_LATE = "submitted_late"
    RETURNED = "returned"
    MISSING = "missing"
    PARTIAL = "partial"  # submitted, but not yet for each of the unit's pilot models


@dataclass(frozen=True)
class UnitDeadline:
    deadline: Deadline
    state: DeadlineState
    models_owed: tuple[int, ...] = ()  # the pilot models still to report on, by number

    @property
    def owed(self) -> bool:
        return self.state in (DeadlineState.MISSING, DeadlineState.RETURNED, DeadlineState.PARTIAL)


@dataclass(frozen=True)
class SectorDeadline:
    deadline: Deadline
    done: int
    audience: int


async def find_deadline(session: AsyncSession, deadline_id: int) -> Deadline | None:
    return await session.get(Deadline, deadline_id)


async def plan_deadlines(session: AsyncSession) -> list[Deadline]:
    """Every deadline of the active plan, soonest first."""
    repo = PlanRepository(session)
    plan = await repo.active()
    return await repo.deadlines(plan) if plan is not None else []


async def owed_deadline(session: AsyncSession, unit: Unit, deadline_id: int) -> Deadline | None:
    """The deadline a button names, only if it has a form and the unit is in its audience."""
    found = await find_deadline(session, deadline_id)
    if found is None or form_for(found.form_code) is None:
        return None
    return found if await PlanRepository(session).owed_by(unit, [found]) else None


async def unit_submissions(session: AsyncSession, unit: Unit) -> list[tuple[Submission, Deadline]]:
    """What the unit has submitted, each with its deadline, by due date."""
    rows = await session.execute(
        select(Submission, Deadline)
        .join(Deadline, Deadline.id == Submission.deadline_id)
        .where(Submission.unit_id == unit.id)
        .order_by(Deadline.due_at, Deadline.id)
    )
    return [(submission, due) for submission, due in rows]


async def unit_deadlines(session: AsyncSession, unit: Unit, now: datetime) -> list[UnitDeadline]:
    """The unit's next deadlines, and the overdue ones it still owes, soonest first."""
    repo = PlanRepository(session)
    plan = await repo.active()
    if plan is None:
        return []
    submissions = await repo.submissions_of_unit(unit)
    owed_by_unit = [
        await _unit_deadline(session, unit, d, submissions.get(d.id))
        for d in await repo.owed_by(unit, await repo.deadlines(plan))
    ]
    overdue = [item for item in owed_by_unit if item.deadline.due_at < now and item.owed]
    upcoming = [item for item in owed_by_unit if item.deadline.due_at >= now]
    return overdue[-SHOWN_OVERDUE:] + upcoming[:SHOWN_UPCOMING]


async def sector_deadlines(session: AsyncSession) -> list[SectorDeadline]:
    """Every deadline of the plan with how many units have submitted, for office and council."""
    repo = PlanRepository(session)
    plan = await repo.active()
    if plan is None:
        return []
    deadlines = await repo.deadlines(plan)
    done = await repo.done_counts(deadlines)
    return [
        SectorDeadline(d, done.get(d.id, 0), len(await repo.audience_unit_ids(d)))
        for d in deadlines
    ]


def school_year_of(day: date) -> str:
    """Vietnamese school years start in September: 05/10/2016 is in "2016-2017"."""
    first = day.year if day.month >= SCHOOL_YEAR_FIRST_MONTH else day.year - 1
    return f"{first}-{first + 1}"


async def _unit_deadline(
    session: AsyncSession, unit: Unit, deadline: Deadline, submission: Submission | None
) -> UnitDeadline:
    state = _state(submission)
    if state in (DeadlineState.MISSING, DeadlineState.RETURNED):
        return UnitDeadline(deadline, state)
    owed = (await models_owed(session, deadline, unit.id)).get(unit.id, [])
    return UnitDeadline(deadline, DeadlineState.PARTIAL if owed else state, tuple(owed))


def _state(submission: Submission | None) -> DeadlineState:
    if submission is None:
        return DeadlineState.MISSING
    if submission.status == SubmissionStatus.RETURNED:
        return DeadlineState.RETURNED
    return DeadlineState.SUBMITTED_LATE if submission.late else DeadlineState.SUBMITTED


def time_left(t: Translator, due_at: datetime, now: datetime) -> str:
    """ "19 days left", "due today", "3 days overdue": counted in calendar days, local time."""
    days = (due_at.astimezone(t.zone).date() - now.astimezone(t.zone).date()).days
    if days == 0:
        return t(N_("due today"))
    if days > 0:
        return t.plural("{count} day left", "{count} days left", days)
    return t.plural("{count} day overdue", "{count} days overdue", -days)
