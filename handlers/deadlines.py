"""/deadlines: what the person's unit owes and when; for office and council, the sector's counts."""

from __future__ import annotations

from bot.context import Context
from bot.db.models import Deadline
from bot.events import Incoming, Outcome
from bot.i18n import N_
from bot.routing import ANY_ROLE, SECTOR_ROLES, Router
from bot.services.obligations.deadlines import (
    DeadlineState,
    UnitDeadline,
    sector_deadlines,
    time_left,
    unit_deadlines,
)
from handlers.common import menu_reply

STATE_LABELS = {
    DeadlineState.SUBMITTED: N_("✅ Submitted"),
    DeadlineState.SUBMITTED_LATE: N_("✅ Submitted (late)"),
    DeadlineState.RETURNED: N_("↩️ Returned for revision: please submit again"),
    DeadlineState.MISSING: N_("❌ Not submitted"),
    DeadlineState.PARTIAL: N_("🟡 Submitted, but not yet for pilot model(s) {models}"),
}


def register(router: Router) -> None:
    description = N_("Upcoming deadlines and what is still owed")
    router.command("deadlines", show, allowed=ANY_ROLE, description=description)
    router.button("deadlines", show, allowed=ANY_ROLE)


async def show(_event: Incoming, ctx: Context) -> Outcome:
    sections = []
    if ctx.unit is not None:
        sections.append(await _unit_section(ctx))
    if ctx.has_any(SECTOR_ROLES):
        sections.append(await _sector_section(ctx))
    if not sections:  # a steering department: its units' deadlines are in /status
        sections.append(
            ctx.t(
                N_(
                    "Your pilot models and their units are in /models; who has submitted "
                    "each deadline, and who has not, in /status."
                )
            )
        )
    return Outcome([menu_reply(ctx, "\n\n".join(sections))])


async def _unit_section(ctx: Context) -> str:
    _ = ctx.t
    items = await unit_deadlines(ctx.session, ctx.unit, ctx.clock.now())
    if not items:
        return _("{unit} has no upcoming deadlines.", unit=ctx.unit.name)
    lines = [_("Deadlines of {unit}:", unit=ctx.unit.name)]
    lines += [_unit_entry(number, item, ctx) for number, item in enumerate(items, 1)]
    return "\n\n".join(lines) + _footnote(ctx, [item.deadline for item in items])


def _unit_entry(number: int, item: UnitDeadline, ctx: Context) -> str:
    models = ", ".join(str(number) for number in item.models_owed)
    state = ctx.t(STATE_LABELS[item.state], models=models)
    return f"{_heading(number, item.deadline, ctx)}\n   {state}"


async def _sector_section(ctx: Context) -> str:
    _ = ctx.t
    items = await sector_deadlines(ctx.session)
    if not items:
        return _("The plan has no deadlines.")
    lines = [_("Deadlines of the sector:")]
    for number, item in enumerate(items, 1):
        counts = _(
            "Submitted: {done}/{total} units · missing: {missing}",
            done=item.done,
            total=item.audience,
            missing=item.audience - item.done,
        )
        lines.append(f"{_heading(number, item.deadline, ctx)}\n   {counts}")
    return "\n\n".join(lines) + _footnote(ctx, [item.deadline for item in items])


def _heading(number: int, deadline: Deadline, ctx: Context) -> str:
    _ = ctx.t
    title = deadline.title_in(ctx.t.locale)
    marker = "" if deadline.fixed_by_plan else "*"
    due = _("last day {time}{marker}", time=ctx.t.cutoff(deadline.due_at), marker=marker)
    return f"{number}. {title}\n   {due} · {time_left(ctx.t, deadline.due_at, ctx.clock.now())}"


def _footnote(ctx: Context, deadlines: list[Deadline]) -> str:
    if all(deadline.fixed_by_plan for deadline in deadlines):
        return ""
    _ = ctx.t
    return "\n\n" + _("* The office's own date, not one the plan fixes: the office may move it.")
