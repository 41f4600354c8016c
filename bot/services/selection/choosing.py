"""Changing a model's units for a school year, and what the change does to what they owe."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.db import audit
from bot.db.models import (
    Deadline,
    ModelSelection,
    PilotModel,
    Plan,
    Submission,
    SubmissionModel,
    Unit,
)
from bot.db.repositories import PlanRepository
from bot.i18n import N_, Translator
from bot.services.messaging.notices import notify_unit
from bot.services.selection.effects import Change, Effect
from bot.services.selection.notices import selection_notice
from bot.services.setup import units
from bot.services.setup.plan_store import pilot_models

SO_DIRECT_BLOCK = "so_direct"


class SelectionError(ValueError):
    """A year outside the plan, a model or unit that is not there: ``explain`` says which in
    the person's language."""

    def __init__(self, message: str, **values: object) -> None:
        super().__init__(message.format(**values))
        self.message, self.values = message, values

    def explain(self, t: Translator) -> str:
        return t(self.message, **self.values)


def check_year(plan: Plan, school_year: str) -> None:
    if school_year not in plan.school_years:
        raise SelectionError(
            N_("{year} is not a school year of the plan ({years})."),
            year=school_year,
            years=", ".join(plan.school_years),
        )


async def selected_ids(session: AsyncSession, model: PilotModel, school_year: str) -> set[int]:
    return await PlanRepository(session).selected_unit_ids(model, school_year)


async def toggle(
    session: AsyncSession,
    clock: Clock,
    zone: ZoneInfo,
    actor: str,
    selection: tuple[PilotModel, str],
    unit: Unit,
) -> Change:
    """Selects the unit for the model's year, or takes it out."""
    model, school_year = selection
    units = await selected_ids(session, model, school_year)
    units ^= {unit.id}
    return await choose(session, clock, zone, actor, selection, units)


async def choose(
    session: AsyncSession,
    clock: Clock,
    zone: ZoneInfo,
    actor: str,
    selection: tuple[PilotModel, str],
    unit_ids: set[int],
) -> Change:
    """Makes ``unit_ids`` the model's units for the school year; tells the units that come in
    or go out."""
    model, school_year = selection
    plan = await session.get(Plan, model.plan_id)
    check_year(plan, school_year)
    before = await selected_ids(session, model, school_year)
    now = clock.now()
    await _own_selection(session, model, school_year, actor, now)
    await PlanRepository(session).replace_assignments(model, school_year, sorted(unit_ids))
    plan.selections_changed_at = now
    await audit.record(
        session,
        at=now,
        actor=actor,
        action="models.select",
        subject=f"model:{model.id}:{school_year}",
        added=sorted(unit_ids - before),
        removed=sorted(before - unit_ids),
    )
    change = Change(
        model, school_year, await _effects(session, model, school_year, before, unit_ids)
    )
    for effect in change.effects:
        key = f"selection:{model.id}:{school_year}:{effect.unit.id}:{now.isoformat()}"
        compose = _composer(change, effect)
        await notify_unit(session, effect.unit.id, key, compose, now, zone)
    return change


def _composer(change: Change, effect: Effect):
    return lambda t: selection_notice(change.model, change.school_year, effect, t)


async def _own_selection(
    session: AsyncSession, model: PilotModel, school_year: str, actor: str, now
) -> None:
    """The year gets a selection of its own, starting from the one it kept until now."""
    repo = PlanRepository(session)
    own = await repo.selection(model, school_year)
    if own is None:
        carried = await repo.selected_unit_ids(model, school_year)
        own = ModelSelection(model_id=model.id, school_year=school_year, made_at=now, made_by=actor)
        session.add(own)
        await session.flush()
        await repo.replace_assignments(model, school_year, sorted(carried))
    own.made_at, own.made_by = now, actor


async def _effects(
    session: AsyncSession, model: PilotModel, school_year: str, before: set[int], after: set[int]
) -> list[Effect]:
    moved = sorted(before ^ after)
    if not moved:
        return []
    deadlines = await model_deadlines(session, model, school_year)
    units = await session.scalars(select(Unit).where(Unit.id.in_(moved)).order_by(Unit.name))
    effects = []
    for unit in units:
        kept = [] if unit.id in after else await _sent(session, unit, model, deadlines)
        effects.append(Effect(unit, unit.id in after, deadlines, kept))
    return effects


async def model_deadlines(
    session: AsyncSession, model: PilotModel, school_year: str
) -> list[Deadline]:
    """The deadlines of the model's reports in the school year, by date."""
    rows = await session.scalars(
        select(Deadline)
        .where(Deadline.plan_id == model.plan_id, Deadline.school_year == school_year)
        .order_by(Deadline.due_at, Deadline.id)
    )
    return [
        d for d in rows if d.for_models and model.number in (d.audience_models or [model.number])
    ]


async def _sent(
    session: AsyncSession, unit: Unit, model: PilotModel, deadlines: list[Deadline]
) -> list[Submission]:
    rows = await session.scalars(
        select(Submission)
        .join(SubmissionModel, SubmissionModel.submission_id == Submission.id)
        .where(
            Submission.unit_id == unit.id,
            Submission.deadline_id.in_([d.id for d in deadlines]),
            SubmissionModel.model_id == model.id,
        )
        .order_by(Submission.first_submitted_at)
    )
    return list(rows)


ALL_AREAS, SO_DIRECT = "all", "so"  # the list's filters, besides a district office's id


async def choose_by_codes(
    session: AsyncSession,
    clock: Clock,
    zone: ZoneInfo,
    actor: str,
    selection: tuple[int, str],
    unit_codes: list[str],
) -> Change:
    """``choose`` by the model's number in the active plan and the units' codes."""
    number, school_year = selection
    model = await model_by_number(session, number)
    unit_ids = set()
    for code in unit_codes:
        unit = await units.by_code(session, code)
        if unit is None or unit.parent_id is None or not unit.active:
            raise SelectionError(N_("There is no unit {code} that can be a pilot."), code=code)
        unit_ids.add(unit.id)
    return await choose(session, clock, zone, actor, (model, school_year), unit_ids)


async def model_by_number(session: AsyncSession, number: int) -> PilotModel:
    found = {model.number: model for model in await pilot_models(session)}
    if number not in found:
        raise SelectionError(
            N_("The plan has no model {number} (its models: {numbers})."),
            number=number,
            numbers=", ".join(map(str, found)),
        )
    return found[number]


async def pilot_candidates(session: AsyncSession, area: str) -> list[Unit]:
    """The units that can be selected (every active unit but the Sở), by name: all of them,
    the Sở-direct ones, or a district office with its schools (``area`` is its id)."""
    query = select(Unit).where(Unit.parent_id.is_not(None), Unit.active.is_(True))
    if area == SO_DIRECT:
        query = query.where(Unit.block == SO_DIRECT_BLOCK)
    elif area != ALL_AREAS:
        office = int(area)
        query = query.where((Unit.parent_id == office) | (Unit.id == office))
    return list(await session.scalars(query.order_by(Unit.name)))
