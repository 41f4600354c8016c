"""Subcommands for the office's awards: record them from a file of decisions, and list them."""

from __future__ import annotations

import argparse

from bot.clock import SystemClock
from bot.config import Settings
from bot.i18n import N_
from bot.services.awards.importing import import_awards
from bot.services.awards.register import list_awards
from bot.services.setup import units
from thidua.cli import common


def add_commands(sub: argparse._SubParsersAction) -> None:
    actions = common.actions(sub.add_parser("awards", help="awards recorded from decisions"))
    load = actions.add_parser("import", help="record the awards of a CSV or XLSX file of decisions")
    load.add_argument("file", type=common.existing_file)
    load.set_defaults(command=awards_import)
    listing = actions.add_parser("list", help="recorded awards, oldest decision first")
    listing.add_argument("--unit", help="only this unit's awards (its code)")
    listing.set_defaults(command=awards_list)


async def awards_import(args: argparse.Namespace, settings: Settings) -> None:
    _ = common.translator(settings)

    async def work(session):
        return await import_awards(session, SystemClock(), args.file, _, actor=common.CLI_ACTOR)

    summary = await common.with_database(settings, work)
    print(summary.describe(_))


async def awards_list(args: argparse.Namespace, settings: Settings) -> None:
    _ = common.translator(settings)

    async def work(session) -> None:
        unit_id = None
        if args.unit:
            unit = await units.by_code(session, args.unit.upper())
            if unit is None:
                raise common.UsageError(N_("unknown unit {unit}"), unit=args.unit)
            unit_id = unit.id
        for award, award_type, unit in await list_awards(session, unit_id):
            kind = _(N_("collective")) if award.collective else _(N_("individual"))
            print(
                f"{award.decision_date:%d/%m/%Y}\t{award.decision_number}\t{award_type.code}\t"
                f"{unit.code}\t{kind}\t{award.recipient_name}"
            )

    await common.with_database(settings, work)
