"""``thidua plan load|show``: the plan the bot runs on (units, models, targets, calendar)."""

from __future__ import annotations

import argparse
from zoneinfo import ZoneInfo

from bot.clock import SystemClock
from bot.config import Settings
from bot.i18n import Translator
from bot.plan import Plan, load_plan
from bot.services.setup.plan_store import active_plan_spec, store_plan
from thidua.cli import common


def add_commands(sub: argparse._SubParsersAction) -> None:
    actions = common.actions(
        sub.add_parser("plan", help="the plan: units, models, targets, calendar")
    )
    load = actions.add_parser("load", help="validate a plan file and make it the active plan")
    load.add_argument("file", type=common.existing_file, nargs="?", help="default: the 2016 plan")
    load.set_defaults(command=plan_load)
    show = actions.add_parser("show", help="summarise a plan file, or the active plan")
    show.add_argument("file", type=common.existing_file, nargs="?")
    show.set_defaults(command=plan_show)


async def plan_load(args: argparse.Namespace, settings: Settings) -> None:
    plan = load_plan(args.file)

    async def work(session) -> None:
        await store_plan(session, plan, SystemClock(), actor=common.CLI_ACTOR)

    await common.with_database(settings, work)
    _ = common.translator(settings)
    print(
        _(
            "Plan {code} loaded: {units} units, {deadlines} deadlines.",
            code=plan.code,
            units=len(plan.units),
            deadlines=len(plan.deadlines),
        )
    )


async def plan_show(args: argparse.Namespace, settings: Settings) -> None:
    if args.file is not None:
        plan = load_plan(args.file)
    else:
        plan = await common.with_database(settings, active_plan_spec) or load_plan()
    print(describe_plan(plan, common.translator(settings)))


def describe_plan(plan: Plan, _: Translator) -> str:
    zone = ZoneInfo(plan.timezone)
    lines = [f"{plan.code} — {plan.title}", _("Units: {count}", count=len(plan.units)), ""]
    lines.append(_("Pilot models:"))
    lines += [f"  {m.number}. {m.name} ({m.steering}): {len(m.units)}" for m in plan.models]
    lines += ["", _("Targets 2016–2020:")]
    for target in plan.targets:
        amount = _("strive to have") if target.strive else str(target.target)
        split = ", ".join(f"{block} {count}" for block, count in target.split.items())
        lines.append(
            f"  {plan.award_type(target.award).name}: {amount}" + (f" ({split})" if split else "")
        )
    lines += ["", _("Calendar (* = default date, the plan names only a period):")]
    for deadline in plan.deadlines:
        marker = "" if deadline.fixed else "*"
        due = deadline.due_at(zone).strftime("%H:%M %d/%m/%Y")
        lines.append(f"  {due}{marker}  {deadline.title} [{deadline.code}]")
    return "\n".join(lines)
