"""What every channel's serving loop does around taking updates: stop on a signal, and once
the platform answers, put start-up's objects out of the garbage collector's way."""

from __future__ import annotations

import asyncio
import gc
import signal


def stop_on_signals() -> asyncio.Event:
    """Set by SIGTERM (docker stop) or SIGINT: every channel stops taking updates."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    return stop


def freeze_start_up_heap() -> None:
    """Exempt what start-up built (modules, mappers, catalogs, the plan) from the collector.

    Those objects live as long as the process, yet every full collection walked them all over
    again: some 300,000 objects, most of what the collector cost a busy bot. Only the first
    start in a process freezes: anything frozen later would include things that die, and
    cycles among frozen objects are never collected (tests start many bots in one process).
    """
    if gc.get_freeze_count() == 0:
        gc.collect()
        gc.freeze()
