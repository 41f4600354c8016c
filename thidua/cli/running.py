"""``thidua run`` and ``thidua sandbox``: the composition root, where channels meet the core."""

from __future__ import annotations

import argparse
import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from pathlib import Path

from bot.clock import ManualClock, SystemClock, parse_local
from bot.config import Settings, SettingsError
from thidua.runtime import Background, Runtime, build_runtime, stop_on_signals

# A channel's serving loop, given the background work to start once the platform answers.
Serve = Callable[[Sequence[Background]], Awaitable[None]]

SANDBOX_START = "01/10/2016 08:00"  # three weeks before the plan's first fixed deadline


def add_commands(sub: argparse._SubParsersAction) -> None:
    run = sub.add_parser(
        "run",
        help="run the bot on Telegram and/or Zalo (polling, or webhooks when their URLs are set)",
    )
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
    """Telegram, Zalo, or both in one process, by which tokens are set."""
    from scheduler import DeliveryWorker, build_scheduler

    settings.require_a_channel()
    if settings.bot_token:
        settings.require_telegram()
    if settings.zalo_bot_token:
        settings.require_zalo()
    runtime = await build_runtime(settings, SystemClock())
    stop = stop_on_signals()
    senders, serving = {}, []
    if settings.bot_token:
        serving.append(_telegram(runtime, stop, senders))
    if settings.zalo_bot_token:
        serving.append(_zalo(runtime, stop, senders))
    # The scheduler and the outbox's worker start with the first channel that answers, and
    # stop with it (its session stays open until the worker's sends in hand are recorded).
    scheduler = build_scheduler(runtime, senders)
    courier = DeliveryWorker(runtime.db, senders, runtime.clock, settings.zone)
    try:
        first, *others = serving
        await asyncio.gather(first([scheduler, courier]), *(serve([]) for serve in others))
    finally:
        await runtime.db.dispose()


def _telegram(runtime: Runtime, stop: asyncio.Event, senders: dict) -> Serve:
    from channels.telegram.runner import make_bot, run_telegram
    from channels.telegram.sender import TelegramSender

    bot = make_bot(runtime)
    senders["telegram"] = TelegramSender(bot)
    return lambda alongside: run_telegram(runtime, stop, bot=bot, alongside=alongside)


def _zalo(runtime: Runtime, stop: asyncio.Event, senders: dict) -> Serve:
    from channels.zalo.adapter import CHANNEL
    from channels.zalo.runner import make_zalo_bot, run_zalo
    from channels.zalo.sender import ZaloSender

    bot = make_zalo_bot(runtime)
    senders[CHANNEL] = ZaloSender(bot.output, runtime.settings.zalo_messages_per_second)
    return lambda alongside: run_zalo(bot, stop, alongside=alongside)


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
