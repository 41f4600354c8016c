"""Platforms redeliver updates (a retried webhook, a restart before the offset was confirmed):
each update id is recorded in the same transaction as its effects, so a second delivery does
nothing, and one whose handling failed is handled again."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import ProcessedUpdate
from bot.events import Incoming


async def first_delivery(session: AsyncSession, event: Incoming, now: datetime) -> bool:
    if event.update_id is None:
        return True
    try:
        async with session.begin_nested():
            session.add(
                ProcessedUpdate(channel=event.identity.channel, update_id=event.update_id, at=now)
            )
    except IntegrityError:
        return False
    return True
