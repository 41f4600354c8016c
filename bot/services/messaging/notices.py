"""Telling a unit's people about something the office did, through the outbox.

Each person reads the notice in their own language; the outbox key makes a notice that is
queued twice (a retried update) go out once.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import ChannelIdentity, Person, Role, RoleGrant
from bot.events import Reply
from bot.i18n import Translator
from bot.services.messaging.outbox import enqueue


async def notify_unit(
    session: AsyncSession,
    unit_id: int,
    key: str,
    compose: Callable[[Translator], Reply],
    now: datetime,
    zone: ZoneInfo,
) -> int:
    """Queue ``compose(t)`` for every reachable head and member of the unit; returns how many."""
    accounts = await session.execute(
        select(ChannelIdentity.id, Person.locale)
        .join(Person, Person.id == ChannelIdentity.person_id)
        .join(RoleGrant, RoleGrant.person_id == Person.id)
        .where(
            RoleGrant.unit_id == unit_id,
            RoleGrant.role.in_((Role.HEAD, Role.MEMBER)),
            ChannelIdentity.unreachable_since.is_(None),
        )
        .distinct()
    )
    payloads: dict[str, dict] = {}
    messages = []
    for identity_id, locale in accounts:
        if locale not in payloads:
            payloads[locale] = compose(Translator(locale, zone)).to_dict()
        messages.append((f"{key}:{identity_id}", identity_id, payloads[locale]))
    await enqueue(session, messages, now)
    return len(messages)
