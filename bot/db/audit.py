"""The audit log: who did what, when. Written in the same unit of work as the change itself."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import AuditEntry

# On the table, built once: an entry is written with most changes, and an ORM add would also
# make the session flush everything pending at that moment, which the unit of work does anyway.
_ADD = insert(AuditEntry.__table__)


async def record(
    session: AsyncSession,
    *,
    at: datetime,
    actor: str,
    action: str,
    subject: str,
    **details: Any,
) -> None:
    entry = {"at": at, "actor": actor, "action": action, "subject": subject, "details": details}
    await session.execute(_ADD, entry)


PERSON_PREFIX = "person:"


def person_actor(person_id: int) -> str:
    return f"{PERSON_PREFIX}{person_id}"


def person_id(actor: str) -> int | None:
    """The person behind an actor written by ``person_actor``; None for "cli", "startup"…"""
    return int(actor.removeprefix(PERSON_PREFIX)) if actor.startswith(PERSON_PREFIX) else None
