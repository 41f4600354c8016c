"""Pacing sends to a platform's flood limits: so many messages a second for the bot, and a
minimum interval between two messages to one chat.

The bot's sends are evenly spaced (a token bucket holding one token): Telegram counts them over
any rolling second, so a burst of saved-up tokens would be refused. A send the platform refused
or could not take (429, 5xx) gives its slot back, as the platform did not count it.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

# Past this many chats remembered, the ones free again are forgotten.
CHATS_REMEMBERED = 10_000


class Pacer:
    def __init__(
        self,
        per_second: float,
        per_chat_seconds: float,
        *,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.interval = 1 / per_second
        self.per_chat_seconds = per_chat_seconds
        self._monotonic = monotonic
        self._sleep = sleep
        self._next_slot = 0.0
        self._chat_free_at: dict[str, float] = {}

    async def turn(self, chat_id: str) -> None:
        """Wait until the chat may get another message, then for the bot's next slot.

        Each wait reserves its time before sleeping (no await in between), so concurrent
        senders queue instead of racing for the same slot.
        """
        chat_at = max(self._monotonic(), self._chat_free_at.get(chat_id, 0.0))
        self._chat_free_at[chat_id] = chat_at + self.per_chat_seconds
        await self._until(chat_at)
        slot = max(self._monotonic(), self._next_slot)
        self._next_slot = slot + self.interval
        self._chat_free_at[chat_id] = max(self._chat_free_at[chat_id], slot + self.per_chat_seconds)
        await self._until(slot)
        self._forget_free_chats()

    def give_back(self) -> None:
        """The last slot taken was not used up: the platform refused the send."""
        self._next_slot = max(self._next_slot - self.interval, self._monotonic())

    async def _until(self, moment: float) -> None:
        wait = moment - self._monotonic()
        if wait > 0:
            await self._sleep(wait)

    def _forget_free_chats(self) -> None:
        if len(self._chat_free_at) > CHATS_REMEMBERED:
            now = self._monotonic()
            self._chat_free_at = {c: t for c, t in self._chat_free_at.items() if t > now}
