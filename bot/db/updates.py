"""Platforms redeliver updates (a retried webhook, a restart before the offset was confirmed):
each update id is recorded in the same transaction as its effects, so a second delivery does
nothing, and one whose handling failed is handled again.

Platforms redeliver within hours (Telegram keeps an unconfirmed update for 24 hours), so the
record of an update is kept a week, then forgotten: the table does not grow for ever."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import bindparam, delete
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.database import DIALECT_INSERTS
from bot.db.models import ProcessedUpdate

REMEMBERED_FOR = timedelta(days=7)

# One statement per update, built once per dialect since it runs on every update. On the table,
# not the ORM class: with parameters, an ORM insert would be a bulk insert, which reports no
# row count.
_RECORD = {
    name: insert(ProcessedUpdate.__table__)
    .values(channel=bindparam("channel"), update_id=bindparam("update_id"), at=bindparam("at"))
    .on_conflict_do_nothing(index_elements=["channel", "update_id"])
    for name, insert in DIALECT_INSERTS.items()
}


async def first_delivery(
    session: AsyncSession, channel: str, update_id: str | None, now: datetime
) -> bool:
    """Whether this is the first time the platform delivers the update (no id: always)."""
    if update_id is None:
        return True
    recorded = await session.execute(
        _RECORD[session.bind.dialect.name], {"channel": channel, "update_id": update_id, "at": now}
    )
    return recorded.rowcount == 1


async def forget_old(session: AsyncSession, now: datetime) -> int:
    """Drop the records of updates too old to be delivered again; how many were dropped."""
    dropped = await session.execute(
        delete(ProcessedUpdate).where(ProcessedUpdate.at < now - REMEMBERED_FOR)
    )
    return dropped.rowcount
