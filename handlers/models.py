"""/models: the pilot models, who steers them, their units and each unit's report status."""

from __future__ import annotations

from bot.context import Context
from bot.events import Button, Incoming, Outcome, Reply
from bot.i18n import N_
from bot.routing import OFFICE_ONLY, SECTOR_ROLES, STEERING_ONLY, Router
from bot.services.obligations.models import ModelUnits, models_status
from handlers.common import menu_reply, menu_row, refused

ALLOWED = SECTOR_ROLES | STEERING_ONLY


def register(router: Router) -> None:
    description = N_("The pilot models, their units and their reports")
    router.command("models", show, allowed=ALLOWED, description=description)
    router.button("models", show, allowed=ALLOWED)


async def show(event: Incoming, ctx: Context) -> Outcome:
    _ = ctx.t
    # A steering department sees the models it steers; the office and council see them all.
    department = None if ctx.has_any(SECTOR_ROLES) else ctx.department_id
    if department is None and not ctx.has_any(SECTOR_ROLES):
        return await refused(event, ctx)
    status = await models_status(ctx.session, ctx.clock.now(), _.zone, department)
    lines = [_("Pilot models of the plan, school year {year}.", year=status.school_year)]
    if status.deadline is not None:
        lines.append(
            _(
                "Report status for: {title}, last day {due}",
                title=status.deadline.title_in(_.locale),
                due=_.cutoff(status.deadline.due_at),
            )
        )
    owed = status.owed if status.deadline is not None else None
    lines += [_model_block(entry, owed, ctx) for entry in status.models]
    text = "\n\n".join(lines)
    if not ctx.has_any(OFFICE_ONLY):
        return Outcome([menu_reply(ctx, text)])
    select = Button(_("🎯 Select the pilot units"), f"pil:{status.school_year}")
    return Outcome([Reply(text, buttons=((select,), menu_row(ctx)))])


def _model_block(entry: ModelUnits, owed: set[tuple[int, int]] | None, ctx: Context) -> str:
    """The model, then its units, each marked ❌ owing or ✅ done for this very model
    (unmarked: nothing due)."""
    _ = ctx.t
    model, english = entry.model, _.locale == "en"
    head = _(
        "{number}. {name}\n   steered by {steering}",
        number=model.number,
        name=model.name_en if english else model.name,
        steering=model.steering_en if english else model.steering,
    )
    rows = []
    for unit in entry.units:
        mark = "" if owed is None else (" ❌" if (unit.id, model.number) in owed else " ✅")
        rows.append(f"   • {unit.name}{mark}")
    return "\n".join([head, *rows])
