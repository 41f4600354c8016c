"""``thidua models show|assign``: the pilot units of each model, school year by school year."""

from __future__ import annotations

import argparse

from bot.clock import SystemClock
from bot.config import Settings
from bot.services.obligations.models import model_units
from bot.services.selection import choosing
from bot.services.selection.notices import change_summary, model_label
from bot.services.setup.plan_store import active_plan, pilot_models
from thidua.cli import common


def add_commands(sub: argparse._SubParsersAction) -> None:
    group = common.actions(sub.add_parser("models", help="the pilot models' units per school year"))
    show = group.add_parser("show", help="each model's pilot units in a school year")
    show.add_argument("--year", required=True, help='the school year, e.g. "2017-2018"')
    show.set_defaults(command=models_show)
    assign = group.add_parser(
        "assign", help="make these units a model's pilots for a school year (the units are told)"
    )
    assign.add_argument("--year", required=True, help='the school year, e.g. "2017-2018"')
    assign.add_argument("--model", required=True, type=int, help="the model's number")
    assign.add_argument("units", nargs="*", metavar="UNIT", help="unit codes (none: no pilots)")
    assign.set_defaults(command=models_assign)


async def models_show(args: argparse.Namespace, settings: Settings) -> None:
    _ = common.translator(settings)

    async def work(session) -> list[str]:
        choosing.check_year(await active_plan(session), args.year)
        lines = []
        for model in await pilot_models(session):
            units = await model_units(session, model, args.year)
            lines.append(f"{model_label(model, _)}: {len(units)}")
            lines += [f"  {unit.code}\t{unit.name}" for unit in units]
        return lines

    try:
        print("\n".join(await common.with_database(settings, work)))
    except choosing.SelectionError as error:
        raise common.UsageError(error.explain(_)) from None


async def models_assign(args: argparse.Namespace, settings: Settings) -> None:
    _ = common.translator(settings)

    async def work(session) -> str:
        change = await choosing.choose_by_codes(
            session,
            SystemClock(),
            settings.zone,
            common.CLI_ACTOR,
            (args.model, args.year),
            args.units,
        )
        return change_summary(change, _)

    try:
        print(await common.with_database(settings, work))
    except choosing.SelectionError as error:
        raise common.UsageError(error.explain(_)) from None
