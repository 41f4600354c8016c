"""Waiting out a platform that cannot be reached: exponential backoff, cut short by a stop."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from contextlib import suppress

log = logging.getLogger(__name__)

FIRST_DELAY_SECONDS = 1.0
MAX_BACKOFF_SECONDS = 60.0


async def retry_until_reachable(
    what: str,
    call: Callable[[], Awaitable[object]],
    stop: asyncio.Event,
    *,
    platform: str,
    unreachable: tuple[type[BaseException], ...],
) -> bool:
    """Retry a call until it works (True) or a stop is asked (False). Only the error's type is
    logged: a platform's message may quote the request, and its URL holds the token."""
    delay = FIRST_DELAY_SECONDS
    while not stop.is_set():
        try:
            await call()
            return True
        except unreachable as error:
            log.warning(
                "%s: %s unreachable (%s); retrying in %.0fs",
                what,
                platform,
                type(error).__name__,
                delay,
            )
        if await stopped_within(stop, delay):
            return False
        delay = next_delay(delay)
    return False


def next_delay(delay: float) -> float:
    return min(delay * 2, MAX_BACKOFF_SECONDS)


async def stopped_within(stop: asyncio.Event, seconds: float) -> bool:
    with suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), seconds)
    return stop.is_set()
