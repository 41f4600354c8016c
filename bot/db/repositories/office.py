from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import OfficeDraft, Person


class OfficeDraftRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def of(self, person_id: int) -> OfficeDraft | None:
        return await self.session.scalar(
            select(OfficeDraft).where(OfficeDraft.person_id == person_id)
        )

    async def start(
        self,
        person: Person,
        *,
        kind: str,
        subject_id: int,
        form_version: int,
        now: datetime,
        subject_version: int | None = None,
    ) -> OfficeDraft:
        """A new draft for the person, replacing whatever they had put aside."""
        await self.session.execute(delete(OfficeDraft).where(OfficeDraft.person_id == person.id))
        draft = OfficeDraft(
            person_id=person.id,
            kind=kind,
            subject_id=subject_id,
            subject_version=subject_version,
            form_version=form_version,
            answers={},
            cursor={},
            active=True,
            updated_at=now,
        )
        self.session.add(draft)
        await self.session.flush()
        return draft

    async def pause(self, person_id: int) -> int:
        result = await self.session.execute(
            update(OfficeDraft)
            .where(OfficeDraft.person_id == person_id, OfficeDraft.active.is_(True))
            .values(active=False)
        )
        return result.rowcount
