from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Deadline, FormDraft, Person, Plan, Submission, SubmissionVersion, Unit


@dataclass
class DraftRow:
    """A unit's form draft as plain values, with what a step needs of its deadline and plan.

    Read on every form step, where loading the draft, its deadline and its plan as ORM objects
    cost more than the rest of the step; the rare step that submits loads the ORM objects.
    """

    id: int
    person_id: int
    unit_id: int
    deadline_id: int
    form_code: str
    form_version: int
    answers: dict[str, Any]
    cursor: dict[str, Any]
    base_version: int | None
    active: bool
    updated_at: datetime
    due_at: datetime
    school_year: str
    plan_id: int
    plan_loaded_at: datetime
    plan_selections_changed_at: datetime | None


class FormRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def draft(self, draft_id: int) -> DraftRow | None:
        return await self._draft_row(_DRAFT, {"draft_id": draft_id})

    async def active_draft(self, person_id: int) -> DraftRow | None:
        return await self._draft_row(_ACTIVE_DRAFT, {"person_id": person_id})

    async def _draft_row(self, query: Select, parameters: dict[str, int]) -> DraftRow | None:
        row = (await self.session.execute(query, parameters)).first()
        return DraftRow(**row._mapping) if row else None

    async def own_draft(self, person: Person, unit: Unit, deadline: Deadline) -> FormDraft | None:
        parameters = {"person_id": person.id, "unit_id": unit.id, "deadline_id": deadline.id}
        return await self.session.scalar(_OWN_DRAFT, parameters)

    async def pause_all(self, person_id: int) -> int:
        result = await self.session.execute(_PAUSE_ALL, {"pausing": person_id})
        return result.rowcount

    async def deadline(self, deadline_id: int) -> Deadline | None:
        return await self.session.get(Deadline, deadline_id)

    async def submission(self, unit_id: int, deadline_id: int) -> Submission | None:
        return await self.session.scalar(
            _SUBMISSION, {"unit_id": unit_id, "deadline_id": deadline_id}
        )

    async def latest_version(self, submission: Submission) -> SubmissionVersion | None:
        return await self.session.scalar(
            select(SubmissionVersion).where(
                SubmissionVersion.submission_id == submission.id,
                SubmissionVersion.number == submission.version,
            )
        )


# Opening a form runs these: built once, as building a statement costs more than running it.
_OWN_DRAFT = select(FormDraft).where(
    FormDraft.person_id == bindparam("person_id"),
    FormDraft.unit_id == bindparam("unit_id"),
    FormDraft.deadline_id == bindparam("deadline_id"),
)
_PAUSE_ALL = (
    update(FormDraft.__table__)
    # (A column's own name is the UPDATE's to use, hence "pausing".)
    .where(FormDraft.person_id == bindparam("pausing"), FormDraft.active.is_(True))
    .values(active=False)
)
_SUBMISSION = select(Submission).where(
    Submission.unit_id == bindparam("unit_id"), Submission.deadline_id == bindparam("deadline_id")
)

# These run on every form step: on the tables, as a query of plain columns skips the ORM's
# loading machinery.
_drafts, _deadlines, _plans = FormDraft.__table__, Deadline.__table__, Plan.__table__
_WITH_DEADLINE = (
    select(
        *(_drafts.c[name] for name in DraftRow.__dataclass_fields__ if name in _drafts.c),
        _deadlines.c.due_at,
        _deadlines.c.school_year,
        _deadlines.c.plan_id,
        _plans.c.loaded_at.label("plan_loaded_at"),
        _plans.c.selections_changed_at.label("plan_selections_changed_at"),
    )
    .join(_deadlines, _deadlines.c.id == _drafts.c.deadline_id)
    .join(_plans, _plans.c.id == _deadlines.c.plan_id)
)
_DRAFT = _WITH_DEADLINE.where(_drafts.c.id == bindparam("draft_id"))
_ACTIVE_DRAFT = (
    _WITH_DEADLINE.where(_drafts.c.person_id == bindparam("person_id"), _drafts.c.active.is_(True))
    .order_by(_drafts.c.updated_at.desc())
    .limit(1)
)
