from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Integer,
    Select,
    bindparam,
    exists,
    func,
    select,
)
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import (
    OFFICE_AUDIENCE,
    AwardType,
    Deadline,
    ModelAssignment,
    ModelSelection,
    PilotModel,
    Plan,
    Submission,
    SubmissionModel,
    SubmissionStatus,
    Target,
    Unit,
)

# A returned submission must be sent again: it does not count as submitted.
DONE_STATUSES = (SubmissionStatus.SUBMITTED, SubmissionStatus.ACCEPTED)


class PlanRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def active(self) -> Plan | None:
        """The plan the bot runs on: the one loaded last."""
        return await self.session.scalar(_ACTIVE)

    async def by_code(self, code: str) -> Plan | None:
        return await self.session.scalar(select(Plan).where(Plan.code == code))

    async def keyed(self, model: type, plan: Plan, key: str) -> dict[Any, Any]:
        """Existing rows of a plan table keyed by their natural key, for in-place updates."""
        rows = await self.session.scalars(select(model).where(model.plan_id == plan.id))
        return {getattr(row, key): row for row in rows}

    async def selection(self, model: PilotModel, school_year: str) -> ModelSelection | None:
        """The year's own selection of the model's units, if one was made for that year."""
        return await self.session.scalar(
            select(ModelSelection).where(
                ModelSelection.model_id == model.id, ModelSelection.school_year == school_year
            )
        )

    async def selected_unit_ids(self, model: PilotModel, school_year: str) -> set[int]:
        """The model's units in force in the school year (its own selection or the last one
        before it)."""
        query = select(ModelAssignment.unit_id).where(
            ModelAssignment.model_id == model.id, in_selection(school_year)
        )
        return set(await self.session.scalars(query))

    async def replace_assignments(
        self, model: PilotModel, school_year: str, unit_ids: Iterable[int]
    ) -> None:
        current = await self.session.scalars(
            select(ModelAssignment).where(
                ModelAssignment.model_id == model.id, ModelAssignment.school_year == school_year
            )
        )
        for assignment in current:
            await self.session.delete(assignment)
        # The unit of work inserts before it deletes: without this flush, a unit kept in the
        # model would clash with its own old row.
        await self.session.flush()
        self.session.add_all(
            ModelAssignment(model_id=model.id, unit_id=uid, school_year=school_year)
            for uid in unit_ids
        )
        await self.session.flush()

    async def deadlines(self, plan: Plan) -> list[Deadline]:
        return list(await self.session.scalars(_DEADLINES, {"plan_id": plan.id}))

    async def award_types(self, plan: Plan) -> list[AwardType]:
        return list(
            await self.session.scalars(select(AwardType).where(AwardType.plan_id == plan.id))
        )

    async def targets(self, plan: Plan) -> list[Target]:
        return list(await self.session.scalars(select(Target).where(Target.plan_id == plan.id)))

    async def audience_unit_ids(self, deadline: Deadline) -> set[int]:
        return set(await self.session.scalars(audience_query(deadline)))

    async def owed_by(self, unit: Unit, deadlines: Iterable[Deadline]) -> list[Deadline]:
        """The deadlines whose audience includes the unit. Deadlines share a handful of
        audiences, so the database is asked once per audience, not once per deadline, and
        never for the whole list of units."""
        answers: dict[tuple, bool] = {}
        owed = []
        for deadline in deadlines:
            audience = (
                deadline.plan_id,
                deadline.audience,
                tuple(deadline.audience_models or ()),
                deadline.school_year if deadline.for_models else None,
            )
            if audience not in answers:
                member = _membership_query(audience, deadline)
                answers[audience] = bool(await self.session.scalar(member, {"unit_id": unit.id}))
            if answers[audience]:
                owed.append(deadline)
        return owed

    async def submissions_of_unit(self, unit: Unit) -> dict[int, Submission]:
        rows = await self.session.scalars(_SUBMISSIONS_OF_UNIT, {"unit_id": unit.id})
        return {submission.deadline_id: submission for submission in rows}

    async def done_counts(self, deadlines: list[Deadline]) -> dict[int, int]:
        """Per deadline id: how many units have a submission that counts as done."""
        everyone = [d.id for d in deadlines if not d.for_models]
        query = (
            select(Submission.deadline_id, func.count())
            .where(Submission.deadline_id.in_(everyone), Submission.status.in_(DONE_STATUSES))
            .group_by(Submission.deadline_id)
        )
        counts = {deadline_id: done for deadline_id, done in await self.session.execute(query)}
        # A models' deadline is done per unit only when each of its models is covered.
        for deadline in deadlines:
            if deadline.for_models:
                done = done_query(deadline).with_only_columns(ModelAssignment.unit_id).distinct()
                counts[deadline.id] = await self.session.scalar(
                    select(func.count()).select_from(done.subquery())
                )
        return counts


# A unit's list of forms (/register, /report, /mystatus) runs these: built once, as building a
# statement costs more than running it.
_ACTIVE = select(Plan).order_by(Plan.loaded_at.desc(), Plan.id.desc()).limit(1)
# Deadlines due the same day (a report and a registration) keep the plan's order.
_DEADLINES = (
    select(Deadline)
    .where(Deadline.plan_id == bindparam("plan_id"))
    .order_by(Deadline.due_at, Deadline.id)
)
_SUBMISSIONS_OF_UNIT = select(Submission).where(Submission.unit_id == bindparam("unit_id"))

# "Is this unit in the audience?", per audience: asked whenever a unit opens its list of forms.
_membership_queries: dict[tuple, Select[tuple[bool]]] = {}
MEMBERSHIP_QUERIES_KEPT = 256


def _membership_query(audience: tuple, deadline: Deadline) -> Select[tuple[bool]]:
    if audience not in _membership_queries:
        if len(_membership_queries) >= MEMBERSHIP_QUERIES_KEPT:
            _membership_queries.clear()
        unit_id = bindparam("unit_id", type_=Integer)
        _membership_queries[audience] = select(unit_id.in_(audience_query(deadline)))
    return _membership_queries[audience]


def audience_query(deadline: Deadline) -> Select[tuple[int]]:
    """The ids of the units that owe a deadline: every unit but the root, or the units of the
    pilot models it names. A query, so callers can use it inside theirs."""
    if deadline.audience == OFFICE_AUDIENCE:  # the Sở itself, the root
        return select(Unit.id).where(Unit.parent_id.is_(None))
    if not deadline.for_models:
        return select(Unit.id).where(Unit.parent_id.is_not(None), Unit.active.is_(True))
    query = (
        select(ModelAssignment.unit_id)
        .join(PilotModel, PilotModel.id == ModelAssignment.model_id)
        .where(PilotModel.plan_id == deadline.plan_id, in_selection(deadline.school_year))
    )
    if deadline.audience_models:
        query = query.where(PilotModel.number.in_(deadline.audience_models))
    return query


def in_selection(school_year: str | BindParameter[str] | None) -> ColumnElement[bool]:
    """Whether a model assignment is in the selection in force in the school year: that
    year's own, or the latest earlier year's (None: the latest selection made)."""
    in_force = select(func.max(ModelSelection.school_year)).where(
        ModelSelection.model_id == ModelAssignment.model_id
    )
    if school_year is not None:
        in_force = in_force.where(ModelSelection.school_year <= school_year)
    return ModelAssignment.school_year == in_force.correlate(ModelAssignment).scalar_subquery()


def done_query(deadline: Deadline) -> Select[tuple[int]]:
    """The ids of the units whose submission for the deadline counts as done. For a pilot
    models' deadline, it must cover each of the unit's models in the audience."""
    if deadline.for_models:
        # Its own FROMs, not the enclosing query's: both select from the model assignments.
        uncovered = uncovered_query(deadline).with_only_columns(ModelAssignment.unit_id)
        done = audience_query(deadline).where(
            ModelAssignment.unit_id.not_in(uncovered.correlate(None))
        )
        return done.correlate(None)
    return select(Submission.unit_id).where(
        Submission.deadline_id == deadline.id, Submission.status.in_(DONE_STATUSES)
    )


def uncovered_query(deadline: Deadline) -> Select[tuple[int, int]]:
    """(unit id, pilot model id) of a models' deadline's audience that no submission which
    counts covers yet."""
    covered = (
        select(SubmissionModel.id)
        .join(Submission, Submission.id == SubmissionModel.submission_id)
        .where(
            Submission.deadline_id == deadline.id,
            Submission.status.in_(DONE_STATUSES),
            Submission.unit_id == ModelAssignment.unit_id,
            SubmissionModel.model_id == ModelAssignment.model_id,
        )
        .correlate(ModelAssignment)
    )
    return audience_query(deadline).add_columns(ModelAssignment.model_id).where(~exists(covered))
