"""What each number stood for in a chat without buttons, kept in the database.

Zalo (and the sandbox) show buttons as numbered options, and Zalo echoes nothing of what the
bot sent, so the number a person types is resolved against the options last shown in their
chat. In memory that would be lost by a restart, a deploy or the other replica between a
question and its answer; a row per chat survives all three.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.database import insert_for
from bot.db.models import ChatOptions


async def remember(
    session: AsyncSession, channel: str, chat_id: str, payloads: list[str], now: datetime
) -> None:
    insert = insert_for(session)(ChatOptions).values(
        channel=channel, chat_id=chat_id, payloads=payloads, shown_at=now
    )
    await session.execute(
        insert.on_conflict_do_update(
            index_elements=["channel", "chat_id"], set_={"payloads": payloads, "shown_at": now}
        )
    )


async def recall(session: AsyncSession, channel: str, chat_id: str) -> list[str]:
    shown = await session.scalar(
        select(ChatOptions.payloads).where(
            ChatOptions.channel == channel, ChatOptions.chat_id == chat_id
        )
    )
    return shown or []
