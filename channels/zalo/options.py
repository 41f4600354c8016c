"""What each number stood for in a chat, kept in the database.

Zalo echoes nothing of what the bot sent, so the numbers a person types are resolved against the
options last shown in their chat. In memory that would be lost by a restart, a deploy or the
other replica between a question and its answer; a row per chat survives all three.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from bot.db.database import Database
from bot.db.models import ChatOptions

INSERTS = {"sqlite": sqlite.insert, "postgresql": postgresql.insert}


async def remember(db: Database, channel: str, chat_id: str, payloads: list[str], now: datetime):
    async with db.unit_of_work() as session:
        insert = INSERTS[session.bind.dialect.name](ChatOptions).values(
            channel=channel, chat_id=chat_id, payloads=payloads, shown_at=now
        )
        await session.execute(
            insert.on_conflict_do_update(
                index_elements=["channel", "chat_id"],
                set_={"payloads": payloads, "shown_at": now},
            )
        )


async def recall(db: Database, channel: str, chat_id: str) -> list[str]:
    async with db.reading() as session:
        shown = await session.scalar(
            select(ChatOptions.payloads).where(
                ChatOptions.channel == channel, ChatOptions.chat_id == chat_id
            )
        )
    return shown or []
