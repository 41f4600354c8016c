"""The audit log: who did what, when. Written in the same unit of work as the change itself."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import AuditEntry


async def record(
    session: AsyncSession,
    *,
    at: datetime,
    actor: str,
    action: str,
    subject: str,
    **details: Any,
) -> None:
    session.add(AuditEntry(at=at, actor=actor, action=action, subject=subject, details=details))
    await session.flush()


PERSON_PREFIX = "person:"


def person_actor(person_id: int) -> str:
    return f"{PERSON_PREFIX}{person_id}"


def person_id(actor: str) -> int | None:
    """The person behind an actor written by ``person_actor``; None for "cli", "startup"…"""
    return int(actor.removeprefix(PERSON_PREFIX)) if actor.startswith(PERSON_PREFIX) else None
