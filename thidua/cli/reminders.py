"""``thidua remind [--preview] [--at …]``: who is due a reminder at a moment, and queueing them."""

from __future__ import annotations

import argparse

from bot.clock import SystemClock
from bot.config import Settings
from bot.services.messaging import reminders
from thidua.cli import common


def add_commands(sub: argparse._SubParsersAction) -> None:
    remind = sub.add_parser("remind", help="plan the reminders due now (or preview them)")
    remind.add_argument("--preview", action="store_true", help="only print; send nothing")
    remind.add_argument("--at", help='"DD/MM/YYYY HH:MM" in the plan\'s time zone (default: now)')
    remind.set_defaults(command=remind_due)


async def remind_due(args: argparse.Namespace, settings: Settings) -> None:
    """Who would be reminded at that moment; without --preview, also queue them for sending."""
    at = common.local_time("--at", args.at, settings.zone) if args.at else SystemClock().now()
    _ = common.translator(settings)

    async def work(session) -> None:
        planned = await reminders.plan(session, at, settings.zone)
        for item in planned:
            print(
                f"{_.datetime(item.slot)}\t{item.deadline.code}\t{item.unit_code}\t"
                f"{item.name}\t{item.channel}"
            )
        if not args.preview:
            await reminders.send_due(session, at, settings.zone)
        print(_("Reminders due at {time}: {count}", time=_.datetime(at), count=len(planned)))

    await common.with_database(settings, work)
