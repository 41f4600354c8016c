"""``thidua run`` and ``thidua sandbox``: the composition root, where channels meet the core."""

from __future__ import annotations

import argparse
import logging
from datetime import datetime
from pathlib import Path

from bot.clock import ManualClock, SystemClock, parse_local
from bot.config import Settings, SettingsError
from bot.runtime import build_runtime

SANDBOX_START = "01/10/2016 08:00"  # three weeks before the plan's first fixed deadline


def add_commands(sub: argparse._SubParsersAction) -> None:
    run = sub.add_parser("run", help="run the bot on Telegram (polling, or webhook if WEBHOOK_URL)")
    run.set_defaults(command=run_bot)
    sandbox = sub.add_parser("sandbox", help="talk to the bot in this terminal (no network)")
    sandbox.add_argument(
        "--db",
        type=Path,
        default=Path(".sandbox/thidua-sandbox.db"),
        help="SQLite file (kept between runs; delete it to start over)",
    )
    sandbox.add_argument(
        "--date", default=SANDBOX_START, help="simulated start, DD/MM/YYYY [HH:MM]"
    )
    sandbox.add_argument(
        "--unit", help="unit code of the principal you play (default: first school)"
    )
    sandbox.set_defaults(command=run_sandbox)


async def run_bot(_args: argparse.Namespace, settings: Settings) -> None:
    from channels.telegram.runner import make_bot, run_telegram
    from channels.telegram.sender import TelegramSender
    from scheduler import DeliveryWorker, build_scheduler

    settings.require_telegram()
    runtime = await build_runtime(settings, SystemClock())
    bot = make_bot(runtime)
    senders = {"telegram": TelegramSender(bot)}
    scheduler = build_scheduler(runtime, senders)
    courier = DeliveryWorker(runtime.db, senders, runtime.clock, settings.zone)
    try:
        await run_telegram(runtime, bot=bot, alongside=[scheduler, courier])
    finally:
        await runtime.db.dispose()


async def run_sandbox(args: argparse.Namespace, settings: Settings) -> None:
    from bot.db.models import Role
    from channels.sandbox import CHANNEL, Persona, Sandbox, first_school
    from scheduler import Jobs

    # The terminal is the chat here: log lines would interleave with the conversation.
    logging.getLogger().setLevel(logging.WARNING)
    args.db.parent.mkdir(parents=True, exist_ok=True)
    settings = settings.model_copy(update={"database_url": f"sqlite+aiosqlite:///{args.db}"})
    clock = ManualClock(_start(args.date, settings))
    runtime = await build_runtime(settings, clock)
    try:
        unit = (args.unit or await first_school(runtime.app)).upper()
        sandbox = Sandbox(runtime.app, clock, Persona(f"head:{unit}", Role.HEAD, unit))
        sandbox.catch_up = Jobs(runtime, {CHANNEL: sandbox}).catch_up
        await sandbox.run()
    finally:
        await runtime.db.dispose()


def _start(text: str, settings: Settings) -> datetime:
    try:
        return parse_local(text, settings.zone)
    except ValueError as error:
        raise SettingsError(f"--date: {error}") from None
