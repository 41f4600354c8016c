"""Pacing sends to a platform's flood limits: at most so many messages in any rolling second
for the bot, and a minimum interval between two messages to one chat.

A send holds one of the bot's ``per_second`` permits from the moment it starts until one
second after its answer came back. The platform counted the message somewhere between those
two moments, so a permit reused a second after the answer can never put more than
``per_second`` messages into any second the platform measures, whatever the network's delays.
A chat's next message likewise starts no sooner than ``per_chat_seconds`` after the answer to
its previous one. A send the platform did not count (429, 5xx) gives its permit back at once.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

WINDOW_SECONDS = 1.0
CHAT_CHECK_SECONDS = 0.05
# Past this many chats remembered, the ones free again are forgotten.
CHATS_REMEMBERED = 10_000


class Turn:
    """One send's place in the pace; tell it when the platform did not count the send."""

    counted = True

    def not_counted(self) -> None:
        self.counted = False


class Pacer:
    def __init__(self, per_second: int, per_chat_seconds: float) -> None:
        self._permits = asyncio.Semaphore(per_second)
        self.per_chat_seconds = per_chat_seconds
        self._chat_free_at: dict[str, float] = {}
        self._chats_in_flight: set[str] = set()

    @asynccontextmanager
    async def turn(self, chat_id: str) -> AsyncIterator[Turn]:
        """Wait for the chat, then for one of the bot's permits (not holding a permit while
        a chat makes it wait), and hold both for the send."""
        await self._chat_turn(chat_id)
        turn = Turn()
        try:
            await self._permits.acquire()
            try:
                yield turn
            finally:
                self._release_permit(turn.counted)
        finally:
            self._chats_in_flight.discard(chat_id)
            if turn.counted:
                self._chat_free_at[chat_id] = time.monotonic() + self.per_chat_seconds
            self._forget_free_chats()

    async def _chat_turn(self, chat_id: str) -> None:
        while True:
            wait = self._chat_free_at.get(chat_id, 0.0) - time.monotonic()
            if wait <= 0 and chat_id not in self._chats_in_flight:
                break
            await asyncio.sleep(max(wait, CHAT_CHECK_SECONDS))
        self._chats_in_flight.add(chat_id)

    def _release_permit(self, counted: bool) -> None:
        if counted:
            asyncio.get_running_loop().call_later(WINDOW_SECONDS, self._permits.release)
        else:
            self._permits.release()

    def _forget_free_chats(self) -> None:
        if len(self._chat_free_at) > CHATS_REMEMBERED:
            now = time.monotonic()
            self._chat_free_at = {c: t for c, t in self._chat_free_at.items() if t > now}
