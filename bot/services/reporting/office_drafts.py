"""What someone at the office is in the middle of: an award being recorded, the reason for a
return being typed, an announcement being composed. One at a time per person, kept in the
database like a unit's draft, so a restart loses nothing; starting another replaces it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import OfficeDraft, Person
from bot.db.repositories import OfficeDraftRepository


async def current(session: AsyncSession, person_id: int) -> OfficeDraft | None:
    """The person's draft, in progress or put aside."""
    return await OfficeDraftRepository(session).of(person_id)


async def own(
    session: AsyncSession, draft_id: int, person_id: int, kind: str
) -> OfficeDraft | None:
    """The draft a button names, only if it is the person's own and of that kind."""
    draft = await session.get(OfficeDraft, draft_id)
    if draft is None or draft.person_id != person_id or draft.kind != kind:
        return None
    return draft


async def start(
    session: AsyncSession,
    person: Person,
    *,
    kind: str,
    subject_id: int,
    now: datetime,
    form_version: int = 1,
    subject_version: int | None = None,
) -> OfficeDraft:
    """A new draft for the person, replacing whatever they had put aside."""
    return await OfficeDraftRepository(session).start(
        person,
        kind=kind,
        subject_id=subject_id,
        form_version=form_version,
        now=now,
        subject_version=subject_version,
    )


async def pause(session: AsyncSession, person_id: int) -> int:
    """Put the draft in progress aside (/cancel); how many were."""
    return await OfficeDraftRepository(session).pause(person_id)


async def discard(session: AsyncSession, draft: OfficeDraft) -> None:
    await session.delete(draft)
