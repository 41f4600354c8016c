"""The plan in the database: the active one, and writing a validated plan in place.

Updating in place keeps ids stable: submissions point at deadlines by id, and reloading an
edited plan file must not orphan them.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot import plan as plan_schema
from bot.clock import Clock
from bot.db import audit
from bot.db.models import (
    PLAN_DATA,
    AwardType,
    Deadline,
    ModelSelection,
    PilotModel,
    Plan,
    SteeringDepartment,
    Target,
)
from bot.db.repositories import PlanRepository, UnitRepository


async def ensure_a_plan(session: AsyncSession, clock: Clock) -> None:
    """A fresh database starts on the shipped plan; a loaded plan is never replaced here."""
    if await PlanRepository(session).active() is None:
        await store_plan(session, plan_schema.load_plan(), clock, actor="startup")


async def active_plan(session: AsyncSession) -> Plan | None:
    """The plan the bot runs on: the one loaded last."""
    return await PlanRepository(session).active()


async def pilot_models(session: AsyncSession, plan_id: int | None = None) -> list[PilotModel]:
    """A plan's pilot models by number: the active plan's unless ``plan_id`` names another."""
    if plan_id is None:
        active = await active_plan(session)
        if active is None:
            return []
        plan_id = active.id
    query = select(PilotModel).where(PilotModel.plan_id == plan_id).order_by(PilotModel.number)
    return list(await session.scalars(query))


async def active_plan_spec(session: AsyncSession) -> plan_schema.Plan | None:
    """The active plan as its file declared it (validated again), or None."""
    record = await active_plan(session)
    if record is None:
        return None
    await session.refresh(record, ["source"])
    return plan_schema.Plan.model_validate(record.source)


async def store_plan(
    session: AsyncSession, plan: plan_schema.Plan, clock: Clock, *, actor: str = "cli"
) -> Plan:
    now = clock.now()
    units = await _store_units(session, plan)
    record = await _plan_record(session, plan, now)
    award_types = await _store_award_types(session, record, plan)
    departments = await _store_departments(session, plan)
    await _store_models(session, record, plan, units, departments, now)
    await _store_targets(session, record, plan, award_types)
    await _store_deadlines(session, record, plan)
    await audit.record(
        session,
        at=now,
        actor=actor,
        action="plan.load",
        subject=plan.code,
        deadlines=len(plan.deadlines),
        units=len(plan.units),
    )
    return record


async def _store_units(session: AsyncSession, plan: plan_schema.Plan) -> dict[str, int]:
    repo = UnitRepository(session)
    stored = {}
    # The file lists parents before children only by convention: walk the tree from the root.
    for spec in _parents_first(plan):
        parent = stored.get(spec.parent) if spec.parent else None
        stored[spec.code] = await repo.upsert(
            code=spec.code,
            name=spec.name,
            kind=spec.kind,
            block=plan.block_of(spec.code),
            parent=parent,
        )
    return {code: unit.id for code, unit in stored.items()}


def _parents_first(plan: plan_schema.Plan) -> list[plan_schema.UnitSpec]:
    ordered, placed, pending = [], set(), list(plan.units)
    while pending:
        ready = [u for u in pending if u.parent is None or u.parent in placed]
        ordered += ready
        placed.update(u.code for u in ready)
        pending = [u for u in pending if u.code not in placed]
    return ordered


async def _plan_record(session: AsyncSession, plan: plan_schema.Plan, now) -> Plan:
    repo = PlanRepository(session)
    record = await repo.by_code(plan.code)
    if record is None:
        record = Plan(code=plan.code)
        session.add(record)
    record.title = plan.title
    record.start_year, record.end_year = plan.start_year, plan.end_year
    record.period_start, record.period_end = plan.period
    record.source = plan.model_dump(mode="json", by_alias=True)
    record.loaded_at = now
    await session.flush()
    return record


async def _store_award_types(
    session: AsyncSession, record: Plan, plan: plan_schema.Plan
) -> dict[str, int]:
    existing = await PlanRepository(session).keyed(AwardType, record, "code")
    for spec in plan.award_types:
        row = existing.get(spec.code) or AwardType(plan_id=record.id, code=spec.code)
        row.name, row.name_en, row.kind = spec.name, spec.name_en, spec.kind
        row.has_classes = spec.has_classes
        session.add(row)
        existing[spec.code] = row
    await session.flush()
    return {code: row.id for code, row in existing.items()}


async def _store_departments(session: AsyncSession, plan: plan_schema.Plan) -> dict[str, int]:
    """The plan's steering departments by code, updated in place: grants and invites point at
    them. One the file no longer names is kept, as people may still be bound to it."""
    existing = {d.code: d for d in await session.scalars(select(SteeringDepartment))}
    for spec in plan.steering_departments:
        row = existing.get(spec.code) or SteeringDepartment(code=spec.code)
        row.name, row.name_en = spec.name, spec.name_en
        session.add(row)
        existing[spec.code] = row
    await session.flush()
    return {code: row.id for code, row in existing.items()}


async def _store_models(
    session: AsyncSession,
    record: Plan,
    plan: plan_schema.Plan,
    units: dict[str, int],
    departments: dict[str, int],
    now: datetime,
) -> None:
    """The plan file's units of each model are its first school year's selection; once the
    office has changed that year's selection, reloading the file keeps the office's."""
    repo = PlanRepository(session)
    existing = await repo.keyed(PilotModel, record, "number")
    first_year = record.school_years[0]
    for spec in plan.models:
        row = existing.get(spec.number) or PilotModel(plan_id=record.id, number=spec.number)
        row.name, row.name_en = spec.name, spec.name_en
        row.steering, row.steering_en = spec.steering, spec.steering_en
        row.department_id = departments[spec.department] if spec.department else None
        session.add(row)
        await session.flush()
        selection = await repo.selection(row, first_year)
        if selection is None:
            selection = ModelSelection(model_id=row.id, school_year=first_year, made_by=PLAN_DATA)
            session.add(selection)
        if selection.made_by == PLAN_DATA:
            selection.made_at = now
            await repo.replace_assignments(row, first_year, (units[c] for c in spec.units))


async def _store_targets(
    session: AsyncSession, record: Plan, plan: plan_schema.Plan, award_types: dict[str, int]
) -> None:
    existing = await PlanRepository(session).keyed(Target, record, "award_type_id")
    for spec in plan.targets:
        award_type_id = award_types[spec.award]
        row = existing.get(award_type_id) or Target(plan_id=record.id, award_type_id=award_type_id)
        row.target, row.strive, row.split = spec.target, spec.strive, dict(spec.split)
        row.recipients = spec.recipients
        session.add(row)
    await session.flush()


async def _store_deadlines(session: AsyncSession, record: Plan, plan: plan_schema.Plan) -> None:
    zone = ZoneInfo(plan.timezone)
    existing = await PlanRepository(session).keyed(Deadline, record, "code")
    for spec in plan.deadlines:
        row = existing.get(spec.code) or Deadline(plan_id=record.id, code=spec.code)
        row.title, row.title_en = spec.title, spec.title_en
        row.form_code, row.school_year = spec.form, spec.school_year
        row.due_at = spec.due_at(zone)
        row.fixed_by_plan = spec.fixed
        row.audience, row.audience_models = spec.audience, list(spec.models)
        row.consolidates = spec.consolidates
        row.reminder_policy = spec.reminders.model_dump(mode="json")
        session.add(row)
    await session.flush()
