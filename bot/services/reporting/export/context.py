"""What every sheet refers to, loaded once (the plan, its units and deadlines, the labels of
its choices), and how each kind of cell is shown."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Deadline, PilotModel, Plan, Unit
from bot.db.repositories import PlanRepository
from bot.forms.fields import Choice
from bot.i18n import N_, Translator
from bot.services.reporting.drafts import FormEnv
from bot.services.reporting.export.columns import BLOCK_NAMES


@dataclass(frozen=True)
class ExportContext:
    """What every sheet refers to, loaded once, and how to show it."""

    t: Translator
    now: datetime
    plan: Plan | None
    units: dict[int, Unit]  # by id, in the order of their codes
    deadlines: list[Deadline]  # by due date
    env: FormEnv  # to show stored answers as the forms show them

    def local(self, instant: datetime) -> datetime:
        """Plan-zone wall time: Excel has no time zones, and the office reads Vietnam time."""
        return instant.astimezone(self.t.zone).replace(tzinfo=None)

    def yes_no(self, value: bool) -> str:
        return self.t(N_("Yes")) if value else self.t(N_("No"))

    def deadline_cells(self, deadline: Deadline) -> tuple[Any, ...]:
        title = in_locale(self.t, deadline.title, deadline.title_en)
        return title, deadline.school_year, self.local(deadline.due_at).date()

    def unit_cells(self, unit_id: int) -> tuple[Any, ...]:
        unit = self.units[unit_id]
        parent = self.units.get(unit.parent_id)
        block = self.t(BLOCK_NAMES[unit.block]) if unit.block in BLOCK_NAMES else None
        return unit.code, unit.name, block, parent.name if parent else None


async def load_context(session: AsyncSession, now: datetime, t: Translator) -> ExportContext:
    repo = PlanRepository(session)
    plan = await repo.active()
    units = {unit.id: unit for unit in await session.scalars(select(Unit).order_by(Unit.code))}
    if plan is None:
        return ExportContext(t, now, None, units, [], FormEnv(t, awards={}, models=[], due_at=None))
    deadlines = await repo.deadlines(plan)
    return ExportContext(t, now, plan, units, deadlines, await _form_env(session, plan, t))


async def _form_env(session: AsyncSession, plan: Plan, t: Translator) -> FormEnv:
    """The plan's award and model labels, as the forms show them. Every model of the plan: a
    unit's submission names only its own, and the labels are the same."""
    award_types = await PlanRepository(session).award_types(plan)
    models = await session.scalars(
        select(PilotModel).where(PilotModel.plan_id == plan.id).order_by(PilotModel.number)
    )
    return FormEnv(
        t=t,
        awards={a.code: in_locale(t, a.name, a.name_en) for a in award_types},
        models=[Choice(str(m.number), in_locale(t, m.name, m.name_en)) for m in models],
        due_at=None,  # shown only while filling a form in
    )


def in_locale(t: Translator, vietnamese: str, english: str) -> str:
    """Plan data carries both languages."""
    return vietnamese if t.locale == "vi" else english
