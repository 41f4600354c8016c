"""The steering departments' weekly digest: what the units of the models each department steers
still owe on the pilot models' deadlines, open or overdue. A department whose units owe nothing
gets nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import ChannelIdentity, Deadline, Person, Role, RoleGrant, Unit
from bot.events import Reply
from bot.i18n import N_, Translator
from bot.services.messaging.outbox import enqueue
from bot.services.obligations.deadlines import plan_deadlines, school_year_of, time_left
from bot.services.obligations.models import steered_numbers
from bot.services.obligations.owing import models_owed

UNITS_LISTED = 15


@dataclass(frozen=True)
class Owed:
    """One deadline of the department's models and its units still owing it, by name, each
    with the numbers of its models (the department's) not yet reported on."""

    deadline: Deadline
    units: list[tuple[str, list[int]]]


async def send(session: AsyncSession, now: datetime, zone: ZoneInfo) -> int:
    """One digest per steering person per week (keyed by the ISO week: sending twice that week
    adds nothing)."""
    week = now.astimezone(zone).strftime("%G-W%V")
    owed_by: dict[int, list[Owed]] = {}
    messages = []
    for identity_id, locale, department_id in await _recipients(session):
        if department_id not in owed_by:
            owed_by[department_id] = await owed(session, department_id, now, zone)
        if owed_by[department_id]:
            reply = _render(owed_by[department_id], Translator(locale, zone), now)
            messages.append((f"steering:{week}:{identity_id}", identity_id, reply.to_dict()))
    return await enqueue(session, messages, now)


async def owed(
    session: AsyncSession, department_id: int, now: datetime, zone: ZoneInfo
) -> list[Owed]:
    """The department's models' deadlines of this school year still ahead, and the overdue
    ones, with the units that owe each (returned counts as owing)."""
    steered = await steered_numbers(session, department_id)
    if not steered:
        return []
    year = school_year_of(now.astimezone(zone).date())
    found = []
    for deadline in await plan_deadlines(session):
        covers = set(deadline.audience_models or ()) or steered
        due = deadline.due_at < now or deadline.school_year == year
        if deadline.for_models and due and covers & steered:
            units = await _owing(session, deadline, steered)
            if units:
                found.append(Owed(deadline, units))
    return found


async def _owing(
    session: AsyncSession, deadline: Deadline, numbers: frozenset[int]
) -> list[tuple[str, list[int]]]:
    owed_models = {
        unit: [n for n in models if n in numbers]
        for unit, models in (await models_owed(session, deadline)).items()
    }
    owed_models = {unit: models for unit, models in owed_models.items() if models}
    names = await session.execute(
        select(Unit.id, Unit.name).where(Unit.id.in_(owed_models)).order_by(Unit.name)
    )
    return [(name, owed_models[unit]) for unit, name in names]


async def _recipients(session: AsyncSession) -> list[tuple[int, str, int]]:
    """(identity id, locale, department id) of every reachable steering person's app."""
    rows = await session.execute(
        select(ChannelIdentity.id, Person.locale, RoleGrant.department_id)
        .join(Person, Person.id == ChannelIdentity.person_id)
        .join(RoleGrant, RoleGrant.person_id == Person.id)
        .where(
            RoleGrant.role == Role.STEERING,
            RoleGrant.department_id.is_not(None),
            ChannelIdentity.unreachable_since.is_(None),
        )
        .order_by(ChannelIdentity.id)
    )
    return [tuple(row) for row in rows]


def _render(owed: list[Owed], t: Translator, now: datetime) -> Reply:
    lines = [
        t(N_("🧭 Weekly digest, {date}: what your pilot models' units still owe"), date=t.date(now))
    ]
    for entry in owed:
        deadline = entry.deadline
        lines.append(
            "\n"
            + t(
                N_("{title}, last day {due} ({left}):"),
                title=deadline.title_in(t.locale),
                due=t.cutoff(deadline.due_at),
                left=time_left(t, deadline.due_at, now),
            )
        )
        for name, numbers in entry.units[:UNITS_LISTED]:
            models = ", ".join(str(n) for n in numbers)
            lines.append(
                "  • " + t(N_("{unit} (pilot model(s) {models})"), unit=name, models=models)
            )
        if len(entry.units) > UNITS_LISTED:
            more = len(entry.units) - UNITS_LISTED
            lines.append(t(N_("  … and {count} more (see /status)"), count=more))
    lines.append("\n" + t(N_("Who has submitted, and who has not: /status")))
    return Reply("\n".join(lines))
