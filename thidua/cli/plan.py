"""``thidua plan load|show``: the plan the bot runs on (units, models, targets, calendar)."""

from __future__ import annotations

import argparse

from bot.clock import SystemClock
from bot.config import Settings
from bot.i18n import N_, Translator
from bot.plan import Plan, load_plan
from bot.services.setup.plan_store import active_plan_spec, store_plan
from bot.services.setup.units import BLOCK_NAMES
from thidua.cli import common

RECIPIENT_NAMES = {"collective": N_("(collectives only)"), "individual": N_("(individuals only)")}


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
    lines = [f"{plan.code} — {plan.title}", _("Units: {count}", count=len(plan.units)), ""]
    lines.append(_("Pilot models:"))
    lines += [f"  {m.number}. {m.name} ({m.steering}): {len(m.units)}" for m in plan.models]
    lines += ["", *_targets(plan, _), "", *_calendar(plan, _)]
    return "\n".join(lines)


def _targets(plan: Plan, _: Translator) -> list[str]:
    start, end = plan.period
    lines = [_("Targets {start}–{end}:", start=plan.start_year, end=plan.end_year)]
    for target in plan.targets:
        amount = _("strive to have") if target.strive else str(target.target)
        if target.recipients != "any":
            amount += " " + _(RECIPIENT_NAMES[target.recipients])
        split = ", ".join(f"{_(BLOCK_NAMES[block])} {n}" for block, n in target.split.items())
        lines.append(
            f"  {plan.award_type(target.award).name}: {amount}" + (f" ({split})" if split else "")
        )
    lines.append(
        _(
            "Awards count when decided from {start} to {end}; an award to the Sở itself counts "
            "toward the sector's total, in no block.",
            start=f"{start:%d/%m/%Y}",
            end=f"{end:%d/%m/%Y}",
        )
    )
    return lines


def _calendar(plan: Plan, _: Translator) -> list[str]:
    lines = [_("Calendar, by last day (* = the office's own date, not fixed by the plan):")]
    for deadline in plan.deadlines:
        marker = "" if deadline.fixed else "*"
        last_day = _.cutoff(deadline.due_at(plan.tz))
        wording = _("before {date}", date=f"{deadline.due:%d/%m/%Y}")
        rule = f" ({wording})" if deadline.due_rule == "before" else ""
        lines.append(f"  {last_day}{marker}{rule}  {deadline.title} [{deadline.code}]")
    return lines
