"""Which reminders are due: for each deadline, its latest reminder slot, to the members of
every unit that still owes it.

Planning is idempotent: each message goes into the outbox under the key (deadline, unit,
recipient, slot), so running the planner again, after a restart or on another replica, adds
nothing. Only a deadline's latest slot is ever planned, so a bot that was down catches up with
one reminder, not one per missed slot.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import (
    ChannelIdentity,
    Deadline,
    Person,
    Role,
    RoleGrant,
    Unit,
)
from bot.db.repositories import PlanRepository
from bot.db.repositories.plan import audience_query, done_query
from bot.events import Button, Reply
from bot.i18n import LOCALES, N_, Translator
from bot.plan.sections import ReminderPolicy
from bot.services.messaging.outbox import enqueue
from bot.services.obligations.deadlines import time_left
from bot.services.obligations.owing import models_owed
from bot.services.setup.plan_store import pilot_models


@dataclass(frozen=True)
class PlannedReminder:
    """One reminder to one account; plain values, as a province plans tens of thousands."""

    deadline: Deadline
    slot: datetime
    unit_id: int
    unit_code: str
    unit_name: str
    identity_id: int
    channel: str
    locale: str
    name: str
    # A pilot models' deadline: the unit's models still owed, "2. Xây dựng trường…", in
    # the person's language.
    models_owed: tuple[str, ...] = ()


def slots(deadline: Deadline, zone: ZoneInfo) -> list[datetime]:
    """Every reminder instant of a deadline, in UTC: days before, the due day, then overdue."""
    policy = ReminderPolicy.model_validate(deadline.reminder_policy)
    due_day = deadline.due_at.astimezone(zone).date()
    offsets = [-days for days in policy.days_before]
    offsets += range(
        policy.overdue_every_days, policy.overdue_for_days + 1, policy.overdue_every_days
    )
    return sorted(
        datetime.combine(due_day + timedelta(days=offset), policy.at, zone).astimezone(
            deadline.due_at.tzinfo
        )
        for offset in offsets
    )


def current_slot(deadline: Deadline, zone: ZoneInfo, now: datetime) -> datetime | None:
    """The latest slot not in the future, while it is still worth sending (not in quiet hours,
    not after the reminder period ends); None otherwise."""
    policy = ReminderPolicy.model_validate(deadline.reminder_policy)
    if policy.is_quiet(now.astimezone(zone).time()):
        return None
    passed = [slot for slot in slots(deadline, zone) if slot <= now]
    if not passed:
        return None
    last_slot = slots(deadline, zone)[-1]
    if passed[-1] == last_slot and now - last_slot > timedelta(days=1):
        return None  # the reminder period is over: the office's digest takes it from here
    return passed[-1]


async def plan(session: AsyncSession, now: datetime, zone: ZoneInfo) -> list[PlannedReminder]:
    """The reminders due at ``now`` (each deadline's current slot), without writing anything."""
    repo = PlanRepository(session)
    active = await repo.active()
    if active is None:
        return []
    planned = []
    for deadline in await repo.deadlines(active):
        slot = current_slot(deadline, zone, now)
        if slot is not None:
            planned += await recipients(session, deadline, slot)
    return planned


async def send_due(session: AsyncSession, now: datetime, zone: ZoneInfo) -> int:
    """Put the due reminders in the outbox; returns how many were new."""
    planned = await plan(session, now, zone)
    return await enqueue(session, rendered(planned, now, zone), now)


async def recipients(
    session: AsyncSession, deadline: Deadline, slot: datetime
) -> list[PlannedReminder]:
    """Every reachable head and member of the units that still owe the deadline: one query,
    the audience and the submissions as subqueries rather than thousands of unit ids."""
    rows = await session.execute(
        select(
            Unit.id,
            Unit.code,
            Unit.name,
            ChannelIdentity.id,
            ChannelIdentity.channel,
            Person.locale,
            Person.full_name,
        )
        .join(Person, Person.id == ChannelIdentity.person_id)
        .join(RoleGrant, RoleGrant.person_id == Person.id)
        .join(Unit, Unit.id == RoleGrant.unit_id)
        .where(
            RoleGrant.role.in_((Role.HEAD, Role.MEMBER)),
            RoleGrant.unit_id.in_(audience_query(deadline)),
            RoleGrant.unit_id.not_in(done_query(deadline)),
            ChannelIdentity.unreachable_since.is_(None),
        )
    )
    owed = await _models_owed_named(session, deadline)
    return [
        PlannedReminder(deadline, slot, *row, models_owed=owed.get((row[0], row[5]), ()))
        for row in rows
    ]


async def _models_owed_named(
    session: AsyncSession, deadline: Deadline
) -> dict[tuple[int, str], tuple[str, ...]]:
    """Per (unit id, locale): the unit's pilot models still owed, numbered and named."""
    owed = await models_owed(session, deadline)
    if not owed:
        return {}
    models = {model.number: model for model in await pilot_models(session, deadline.plan_id)}
    return {
        (unit, locale): tuple(
            f"{n}. {models[n].name_en if locale == 'en' else models[n].name}" for n in numbers
        )
        for unit, numbers in owed.items()
        for locale in LOCALES
    }


UNIT_PLACEHOLDER = "\x00unit\x00"  # cannot occur in a unit's name
NOT_SUBMITTED = N_("Not submitted yet.")
MODELS_OWED = N_("Still owed for the pilot model(s): {models}.")


def rendered(
    planned: list[PlannedReminder], now: datetime, zone: ZoneInfo
) -> list[tuple[str, int, dict]]:
    """Outbox messages (key, account, payload), keyed by (deadline, unit, account, slot).

    A province plans tens of thousands at once: the text is composed once per deadline and
    language, and members of a unit who share a language share one payload.
    """
    templates: dict[tuple[int, str], tuple[str, list]] = {}
    payloads: dict[tuple[int, int, str], dict] = {}
    slot_tags: dict[datetime, str] = {}
    messages = []
    for reminder in planned:
        deadline, locale = reminder.deadline, reminder.locale
        if (deadline.id, locale) not in templates:
            templates[deadline.id, locale] = _template(deadline, now, Translator(locale, zone))
        shared = (deadline.id, reminder.unit_id, locale)
        if shared not in payloads:
            text, buttons = templates[deadline.id, locale]
            text = text.replace(UNIT_PLACEHOLDER, reminder.unit_name) + "\n"
            if reminder.models_owed:
                owed = "; ".join(reminder.models_owed)
                text += Translator(locale, zone)(MODELS_OWED, models=owed)
            else:
                text += Translator(locale, zone)(NOT_SUBMITTED)
            payloads[shared] = {"text": text, "buttons": buttons}
        if reminder.slot not in slot_tags:
            slot_tags[reminder.slot] = reminder.slot.strftime("%Y%m%d%H%M")
        key = f"remind:{deadline.id}:{reminder.unit_id}:{reminder.identity_id}:"
        messages.append((key + slot_tags[reminder.slot], reminder.identity_id, payloads[shared]))
    return messages


def _template(deadline: Deadline, now: datetime, t: Translator) -> tuple[str, list]:
    """The reminder in one language, with a button that opens (or resumes) the form; what is
    owed, the last line, is the unit's own."""
    text = t(
        N_("⏰ Reminder: {title}\nUnit: {unit}\nLast day: {due} ({left})"),
        title=deadline.title_in(t.locale),
        unit=UNIT_PLACEHOLDER,
        due=t.cutoff(deadline.due_at),
        left=time_left(t, deadline.due_at, now),
    )
    button = Button(t(N_("📝 Fill it in now")), f"open:{deadline.id}")
    return text, Reply(text, buttons=((button,),)).to_dict()["buttons"]
