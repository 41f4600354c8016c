"""Platforms redeliver updates (a retried webhook, a restart before the offset was confirmed):
each update id is recorded in the same transaction as its effects, so a second delivery does
nothing, and one whose handling failed is handled again.

Platforms redeliver within hours (Telegram keeps an unconfirmed update for 24 hours), so the
record of an update is kept a week, then forgotten: the table does not grow for ever."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import bindparam, delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import ProcessedUpdate
from bot.events import Incoming

REMEMBERED_FOR = timedelta(days=7)

# Both dialects spell "insert unless it is there" the same way; one statement per update, built
# once per dialect since it runs on every update. On the table, not the ORM class: with
# parameters, an ORM insert would be a bulk insert, which reports no row count.
_RECORD = {
    name: insert(ProcessedUpdate.__table__)
    .values(channel=bindparam("channel"), update_id=bindparam("update_id"), at=bindparam("at"))
    .on_conflict_do_nothing(index_elements=["channel", "update_id"])
    for name, insert in (("sqlite", sqlite.insert), ("postgresql", postgresql.insert))
}


async def first_delivery(session: AsyncSession, event: Incoming, now: datetime) -> bool:
    if event.update_id is None:
        return True
    recorded = await session.execute(
        _RECORD[session.bind.dialect.name],
        {"channel": event.identity.channel, "update_id": event.update_id, "at": now},
    )
    return recorded.rowcount == 1


async def forget_old(session: AsyncSession, now: datetime) -> int:
    """Drop the records of updates too old to be delivered again; how many were dropped."""
    dropped = await session.execute(
        delete(ProcessedUpdate).where(ProcessedUpdate.at < now - REMEMBERED_FOR)
    )
    return dropped.rowcount
