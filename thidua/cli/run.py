"""``thidua run``: the bot on Telegram, Zalo, or both in one process, by which tokens are set.

Here channels meet the core: each channel is made for the core app, the outbox's worker and the
scheduler send through the channels' senders, and they all stop together on SIGTERM.
"""

from __future__ import annotations

import argparse
import asyncio

from bot.app import CoreApp
from bot.channel import Channel
from bot.clock import SystemClock
from bot.config import Settings
from thidua.runtime import build_runtime


def add_commands(sub: argparse._SubParsersAction) -> None:
    run = sub.add_parser(
        "run",
        help="run the bot on Telegram and/or Zalo (polling, or webhooks when their URLs are set)",
    )
    run.set_defaults(command=run_bot)


async def run_bot(_args: argparse.Namespace, settings: Settings) -> None:
    from channels.lifecycle import stop_on_signals
    from scheduler import DeliveryWorker, Jobs, build_scheduler

    settings.require_a_channel()
    if settings.bot_token:
        settings.require_telegram()
    if settings.zalo_bot_token:
        settings.require_zalo()
    runtime = await build_runtime(settings, SystemClock())
    stop = stop_on_signals()
    channels = _channels(runtime.app)
    senders = {channel.name: channel.sender for channel in channels}
    # The scheduler and the outbox's worker start with the first channel that answers, and
    # stop with it (its session stays open until the worker's sends in hand are recorded).
    scheduler = build_scheduler(Jobs(runtime.db, runtime.clock, settings.zone, senders))
    courier = DeliveryWorker(runtime.db, senders, runtime.clock, settings.zone)
    try:
        first, *others = channels
        await asyncio.gather(
            first.serve(stop, [scheduler, courier]), *(channel.serve(stop) for channel in others)
        )
    finally:
        await runtime.db.dispose()


def _channels(app: CoreApp) -> list[Channel]:
    """Only the platforms whose token is set; each imports its transport only when used."""
    channels: list[Channel] = []
    if app.settings.bot_token:
        from channels.telegram.runner import TelegramChannel

        channels.append(TelegramChannel(app))
    if app.settings.zalo_bot_token:
        from channels.zalo.runner import ZaloChannel

        channels.append(ZaloChannel(app))
    return channels
