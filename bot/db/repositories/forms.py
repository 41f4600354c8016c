from __future__ import annotations

from sqlalchemy import Select, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from bot.db.models import Deadline, FormDraft, Person, Submission, SubmissionVersion, Unit


class FormRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def draft(self, draft_id: int) -> FormDraft | None:
        return await self.session.scalar(_with_deadline().where(FormDraft.id == draft_id))

    async def active_draft(self, person: Person) -> FormDraft | None:
        query = (
            _with_deadline()
            .where(FormDraft.person_id == person.id, FormDraft.active.is_(True))
            .order_by(FormDraft.updated_at.desc())
            .limit(1)
        )
        return await self.session.scalar(query)

    async def own_draft(self, person: Person, unit: Unit, deadline: Deadline) -> FormDraft | None:
        return await self.session.scalar(
            select(FormDraft).where(
                FormDraft.person_id == person.id,
                FormDraft.unit_id == unit.id,
                FormDraft.deadline_id == deadline.id,
            )
        )

    async def pause_all(self, person: Person) -> int:
        result = await self.session.execute(
            update(FormDraft)
            .where(FormDraft.person_id == person.id, FormDraft.active.is_(True))
            .values(active=False)
        )
        return result.rowcount

    async def deadline(self, deadline_id: int) -> Deadline | None:
        return await self.session.get(Deadline, deadline_id)

    async def submission(self, unit_id: int, deadline_id: int) -> Submission | None:
        return await self.session.scalar(
            select(Submission).where(
                Submission.unit_id == unit_id, Submission.deadline_id == deadline_id
            )
        )

    async def latest_version(self, submission: Submission) -> SubmissionVersion | None:
        return await self.session.scalar(
            select(SubmissionVersion).where(
                SubmissionVersion.submission_id == submission.id,
                SubmissionVersion.number == submission.version,
            )
        )


def _with_deadline() -> Select[tuple[FormDraft]]:
    """A draft is always used with its deadline and plan: fetch them in the same query."""
    return select(FormDraft).options(joinedload(FormDraft.deadline).joinedload(Deadline.plan))
