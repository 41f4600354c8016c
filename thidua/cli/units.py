"""``thidua units import|list``: the unit tree from the office's spreadsheet, and the list."""

from __future__ import annotations

import argparse

from bot.clock import SystemClock
from bot.config import Settings
from bot.services.reporting.export.columns import BLOCK_NAMES, KIND_NAMES
from bot.services.setup.units import all_units
from bot.services.setup.units_import import import_units, read_units
from thidua.cli import common


def add_commands(sub: argparse._SubParsersAction) -> None:
    actions = common.actions(sub.add_parser("units", help="the unit list"))
    load = actions.add_parser("import", help="add or update units from a CSV or XLSX file")
    load.add_argument("file", type=common.existing_file)
    load.set_defaults(command=units_import)
    actions.add_parser("list", help="every unit with its block and parent").set_defaults(
        command=units_list
    )


async def units_import(args: argparse.Namespace, settings: Settings) -> None:
    rows = read_units(args.file)

    async def work(session):
        return await import_units(session, rows, SystemClock(), actor=common.CLI_ACTOR)

    summary = await common.with_database(settings, work)
    _ = common.translator(settings)
    print(
        _(
            "Units imported: {created} new, {updated} updated, {unchanged} unchanged.",
            created=summary.created,
            updated=summary.updated,
            unchanged=summary.unchanged,
        )
    )


async def units_list(_args: argparse.Namespace, settings: Settings) -> None:
    _ = common.translator(settings)

    async def work(session) -> None:
        for unit in await all_units(session):
            parent = unit.parent.code if unit.parent else "-"
            kind = _(KIND_NAMES[unit.kind]) if unit.kind in KIND_NAMES else unit.kind
            block = _(BLOCK_NAMES[unit.block]) if unit.block in BLOCK_NAMES else "-"
            print(f"{unit.code}\t{kind}\t{block}\t{parent}\t{unit.name}")

    await common.with_database(settings, work)
