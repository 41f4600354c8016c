"""The office's morning digest: units that missed a deadline, and people the bot cannot reach."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import ChannelIdentity, Deadline, Person, Role, RoleGrant, Unit
from bot.db.repositories import PlanRepository
from bot.events import Reply
from bot.i18n import N_, Translator
from bot.services.messaging.outbox import enqueue
from bot.services.obligations.owing import owing_units

UNITS_LISTED = 15


async def send(session: AsyncSession, now: datetime, zone: ZoneInfo) -> int:
    """One digest per office member per day (keyed by the date: sending twice is a no-op)."""
    overdue = await _overdue(session, now)
    unreachable = await _unreachable(session)
    day = now.astimezone(zone).strftime("%Y%m%d")
    messages = [
        (
            f"digest:{day}:{identity.id}",
            identity.id,
            _render(overdue, unreachable, locale, zone, now).to_dict(),
        )
        for identity, locale in await _office(session)
    ]
    return await enqueue(session, messages, now)


async def _overdue(session: AsyncSession, now: datetime) -> list[tuple[Deadline, list[str]]]:
    repo = PlanRepository(session)
    plan = await repo.active()
    if plan is None:
        return []
    missing = []
    for deadline in await repo.deadlines(plan):
        if deadline.due_at < now and (unit_ids := await owing_units(session, deadline)):
            names = await session.scalars(
                select(Unit.name).where(Unit.id.in_(unit_ids)).order_by(Unit.name)
            )
            missing.append((deadline, list(names)))
    return missing


async def _unreachable(session: AsyncSession) -> list[str]:
    names = await session.scalars(
        select(Person.full_name)
        .join(ChannelIdentity, ChannelIdentity.person_id == Person.id)
        .where(ChannelIdentity.unreachable_since.is_not(None))
        .order_by(Person.full_name)
    )
    return list(names)


async def _office(session: AsyncSession) -> list[tuple[ChannelIdentity, str]]:
    rows = await session.execute(
        select(ChannelIdentity, Person.locale)
        .join(Person, Person.id == ChannelIdentity.person_id)
        .join(RoleGrant, RoleGrant.person_id == Person.id)
        .where(RoleGrant.role == Role.OFFICE, ChannelIdentity.unreachable_since.is_(None))
        .distinct()
    )
    return [(identity, locale) for identity, locale in rows]


def _render(
    overdue: list[tuple[Deadline, list[str]]],
    unreachable: list[str],
    locale: str,
    zone: ZoneInfo,
    now: datetime,
) -> Reply:
    t = Translator(locale, zone)
    lines = [t(N_("☀️ Morning digest, {date}"), date=t.date(now))]
    if not overdue:
        lines.append(t(N_("No unit is behind on any deadline.")))
    for deadline, names in overdue:
        lines.append(
            t.plural(
                "{title} (last day {due}): {count} unit has not submitted",
                "{title} (last day {due}): {count} units have not submitted",
                len(names),
                title=deadline.title_in(locale),
                due=t.cutoff(deadline.due_at),
            )
        )
        lines += [f"  • {name}" for name in names[:UNITS_LISTED]]
        if len(names) > UNITS_LISTED:
            lines.append(
                t(N_("  … and {count} more (see /deadlines)"), count=len(names) - UNITS_LISTED)
            )
    if unreachable:
        lines.append(
            t(N_("Unreachable (they blocked the bot): {names}"), names=", ".join(unreachable))
        )
    return Reply("\n".join(lines))
