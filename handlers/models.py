"""/models: the pilot models, who steers them, their units and each unit's report status."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from bot.context import Context
from bot.db.models import Deadline, ModelAssignment, PilotModel, Unit
from bot.db.repositories import PlanRepository
from bot.events import Incoming, Outcome
from bot.i18n import N_
from bot.routing import SECTOR_ROLES, Router
from bot.services.obligations.owing import owing_units
from handlers.menu import menu_reply

MODELS_AUDIENCE = "models"


def register(router: Router) -> None:
    description = N_("The pilot models, their units and their reports")
    router.command("models", show, allowed=SECTOR_ROLES, description=description)
    router.button("models", show, allowed=SECTOR_ROLES)


async def show(_event: Incoming, ctx: Context) -> Outcome:
    _ = ctx.t
    repo = PlanRepository(ctx.session)
    plan = await repo.active()
    deadline = _nearest(
        [d for d in await repo.deadlines(plan) if d.audience == MODELS_AUDIENCE], ctx.clock.now()
    )
    # Owing: no submission, or one returned for revision.
    owing = await owing_units(ctx.session, deadline) if deadline is not None else set()
    lines = [_("Pilot models of the plan.")]
    if deadline is not None:
        lines.append(
            _(
                "Report status for: {title}, due {due}",
                title=deadline.title_in(_.locale),
                due=_.date(deadline.due_at),
            )
        )
    for model in await ctx.session.scalars(
        select(PilotModel).where(PilotModel.plan_id == plan.id).order_by(PilotModel.number)
    ):
        lines.append(await _model_block(model, owing, deadline is not None, ctx))
    return Outcome([menu_reply(ctx, "\n\n".join(lines))])


def _nearest(deadlines: list[Deadline], now: datetime) -> Deadline | None:
    """The next model deadline, or the last one once all have passed."""
    upcoming = [d for d in deadlines if d.due_at >= now]
    return upcoming[0] if upcoming else (deadlines[-1] if deadlines else None)


async def _model_block(model: PilotModel, owing: set[int], with_status: bool, ctx: Context) -> str:
    _ = ctx.t
    english = _.locale == "en"
    units = await ctx.session.scalars(
        select(Unit)
        .join(ModelAssignment, ModelAssignment.unit_id == Unit.id)
        .where(ModelAssignment.model_id == model.id)
        .order_by(Unit.name)
    )
    head = _(
        "{number}. {name}\n   steered by {steering}",
        number=model.number,
        name=model.name_en if english else model.name,
        steering=model.steering_en if english else model.steering,
    )
    rows = []
    for unit in units:
        mark = "" if not with_status else (" ❌" if unit.id in owing else " ✅")
        rows.append(f"   • {unit.name}{mark}")
    return "\n".join([head, *rows])
