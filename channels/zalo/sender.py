"""Core replies out to a Zalo chat, for answers (the runner) and for the outbox (reminders,
digests, broadcasts), which is told what Zalo said."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import replace

from bot.app import CoreApp
from bot.channel import Delivery, SendResult
from bot.events import Reply
from channels.numbered import number_options
from channels.zalo.adapter import CHANNEL, Outgoing, outgoing
from channels.zalo.client import ZaloClient, ZaloError, ZaloUnreachable
from channels.zalo.photos import ChartLinks

# Errors that say something about the chat (gone, blocked, never existed), not about Zalo now.
ABOUT_THE_CHAT = {400, 403, 404}


class ZaloOutput:
    def __init__(self, client: ZaloClient, app: CoreApp, charts: ChartLinks | None) -> None:
        self.client = client
        self.app = app
        self.charts = charts

    async def send(self, chat_id: str, replies: Sequence[Reply], *, attempts: int = 1) -> None:
        """Raises ZaloError or ZaloUnreachable once ``attempts`` tries of one message failed;
        what was already sent is not sent again."""
        for message in await self.messages(chat_id, replies):
            await _retrying(lambda m=message: self.send_one(chat_id, m), attempts)

    async def messages(self, chat_id: str, replies: Sequence[Reply]) -> list[Outgoing]:
        """The Zalo messages that show the replies; the numbers of their options are
        remembered for the chat, so that a typed number finds its button after a restart."""
        numbered = number_options(replies)
        if numbered.replaces_options:
            await self.app.remember_options(CHANNEL, chat_id, numbered.payloads)
        # Only notes of the channel itself are translated here, in the deployment's language.
        t = self.app.translator(self.app.settings.default_locale)
        return [
            message
            for reply, text in zip(replies, numbered.texts, strict=True)
            for message in outgoing(reply, text, t, self._photo_url)
        ]

    async def send_one(self, chat_id: str, message: Outgoing) -> None:
        if message.photo_url:
            await self.client.send_photo(chat_id, message.photo_url, message.text)
        else:
            await self.client.send_message(chat_id, message.text)

    def _photo_url(self, png: bytes) -> str | None:
        return self.charts.url_for(png) if self.charts else None


class ZaloSender:
    """The outbox's sender for Zalo, paced to ``ZALO_MESSAGES_PER_SECOND``."""

    # Zalo cannot edit a message it delivered: a broadcast's office gets the final report only.
    can_edit = False

    def __init__(self, output: ZaloOutput, per_second: float) -> None:
        self.output = output
        self._interval = 1 / per_second
        self._next_at = 0.0

    async def send(self, chat_id: str, reply: Reply, *, from_part: int = 0) -> SendResult:
        """Sends the messages of the reply from ``from_part`` on (a long text is several);
        the result says how many are out in all, so a retry does not send one twice."""
        parts_sent = from_part
        for message in (await self.output.messages(chat_id, [reply]))[from_part:]:
            await self._pace()
            try:
                await self.output.send_one(chat_id, message)
            except ZaloError as error:
                return replace(_result_of(error), parts_sent=parts_sent)
            except ZaloUnreachable as error:
                return SendResult(Delivery.RETRY, error=str(error), parts_sent=parts_sent)
            parts_sent += 1
        return SendResult(Delivery.SENT, parts_sent=parts_sent)

    async def _pace(self) -> None:
        now = time.monotonic()
        wait = self._next_at - now
        self._next_at = max(now, self._next_at) + self._interval
        if wait > 0:
            await asyncio.sleep(wait)


async def _retrying(call: Callable[[], Awaitable[None]], attempts: int) -> None:
    """Back off on a flood (429), a server error or the network; an error about the chat
    itself (blocked, gone) will not get better by trying again."""
    for attempt in range(1, attempts + 1):
        try:
            return await call()
        except ZaloError as error:
            if error.code in ABOUT_THE_CHAT or attempt == attempts:
                raise
        except ZaloUnreachable:
            if attempt == attempts:
                raise
        await asyncio.sleep(2 ** (attempt - 1))


def _result_of(error: ZaloError) -> SendResult:
    if error.code in ABOUT_THE_CHAT:
        return SendResult(Delivery.BLOCKED, error=str(error))
    # 429, 5xx, and a refused token (an operator's mistake, not the person's): try again later.
    return SendResult(Delivery.RETRY, error=str(error))
