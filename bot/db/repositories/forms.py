from __future__ import annotations

from sqlalchemy import bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import contains_eager

from bot.db.models import Deadline, FormDraft, Person, Submission, SubmissionVersion, Unit


class FormRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def draft(self, draft_id: int) -> FormDraft | None:
        return await self.session.scalar(_DRAFT, {"draft_id": draft_id})

    async def active_draft(self, person_id: int) -> FormDraft | None:
        return await self.session.scalar(_ACTIVE_DRAFT, {"person_id": person_id})

    async def own_draft(self, person: Person, unit: Unit, deadline: Deadline) -> FormDraft | None:
        return await self.session.scalar(
            select(FormDraft).where(
                FormDraft.person_id == person.id,
                FormDraft.unit_id == unit.id,
                FormDraft.deadline_id == deadline.id,
            )
        )

    async def pause_all(self, person_id: int) -> int:
        result = await self.session.execute(
            update(FormDraft)
            .where(FormDraft.person_id == person_id, FormDraft.active.is_(True))
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


# A draft is always used with its deadline and plan: fetched in the same query. Both queries
# run on every form step, so they are built once (see PeopleRepository.identity).
_WITH_DEADLINE = (
    select(FormDraft)
    .join(FormDraft.deadline)
    .join(Deadline.plan)
    .options(contains_eager(FormDraft.deadline).contains_eager(Deadline.plan))
)
_DRAFT = _WITH_DEADLINE.where(FormDraft.id == bindparam("draft_id"))
_ACTIVE_DRAFT = (
    _WITH_DEADLINE.where(FormDraft.person_id == bindparam("person_id"), FormDraft.active.is_(True))
    .order_by(FormDraft.updated_at.desc())
    .limit(1)
)
