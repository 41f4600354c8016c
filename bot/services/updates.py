"""Platforms redeliver updates (a retried webhook, a restart before the offset was confirmed):
each update id is recorded in the same transaction as its effects, so a second delivery does
nothing, and one whose handling failed is handled again."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import ProcessedUpdate
from bot.events import Incoming

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
