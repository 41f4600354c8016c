"""A broadcast to 2,000 recipients against the fake Bot API enforcing Telegram's limits (30
messages a second for the bot, one a second per chat) and failing on purpose: 2% of sends
answered 429 (retry after 1 s), 1% answered 502.

The bot's delivery worker sends it from the outbox; then a naive loop sends the same to the
same chats one after another, trusting every send. Prints messages per second against the 30/s
limit, lost and doubled messages for both, then one JSON line. Goal: the worker at 95% of the
limit or better, nothing lost, nothing doubled. (The naive loop's rate is a burst: Telegram
takes 30 in any second, then refuses the rest, which that loop loses.)

    .venv/bin/python benchmarks/broadcast.py [--recipients 2000] [--database-url URL]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import random
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import TelegramAPIError

from bot.clock import ManualClock, SystemClock
from bot.config import Settings
from bot.db.models import ChannelIdentity, Role
from bot.events import Reply
from bot.services.messaging import broadcast
from channels.telegram.sender import TelegramSender
from scheduler import DeliveryWorker
from tests.fakes.telegram_api import FakeTelegramAPI, TelegramApiError, too_many_requests
from tests.helpers import TEST_TOKEN, bind_directly
from thidua.runtime import build_runtime

LIMIT_PER_SECOND = 30
GOAL_SHARE = 0.95
THROTTLED_SHARE, BAD_GATEWAY_SHARE = 0.02, 0.01
FIRST_CHAT = 800_001
OFFICE_CHAT = 800_000
TEXT = "📣 Kính gửi các đơn vị: Sở tổ chức hội nghị tổng kết thi đua lúc 8h00 ngày 15/6/2020."
START = datetime(2020, 6, 1, tzinfo=UTC)


class FlakyTelegram(FakeTelegramAPI):
    """The fake Bot API, with sends failing at random as Telegram's sometimes do."""

    def __init__(self, seed: int) -> None:
        super().__init__(bot_token=TEST_TOKEN, global_rate_per_s=30, per_chat_rate_per_s=1)
        self.random = random.Random(seed)
        self.injected_429 = 0

    def _raise_injected_failure(self, method: str) -> None:
        super()._raise_injected_failure(method)
        if method != "sendMessage":
            return
        roll = self.random.random()
        if roll < THROTTLED_SHARE:
            self.injected_429 += 1
            raise too_many_requests(1)
        if roll < THROTTLED_SHARE + BAD_GATEWAY_SHARE:
            raise TelegramApiError(502, "Bad Gateway")


async def main(recipients: int, database_url: str | None) -> dict:
    chats = list(range(FIRST_CHAT, FIRST_CHAT + recipients))
    with tempfile.TemporaryDirectory() as folder:
        url = database_url or f"sqlite+aiosqlite:///{folder}/b.db"
        settings = Settings(_env_file=None, database_url=url, bot_token=TEST_TOKEN)
        runtime = await build_runtime(settings, ManualClock(START))
        paced = await _with_the_worker(runtime, chats)
        await runtime.db.dispose()
    naive = await _naive_loop(chats)
    return {
        "recipients": recipients,
        "limit_per_s": LIMIT_PER_SECOND,
        "worker": paced,
        "naive": naive,
    }


async def _with_the_worker(runtime, chats: list[int]) -> dict:
    async with FlakyTelegram(seed=6) as fake:
        for chat in (OFFICE_CHAT, *chats):
            fake.knows_user(chat)
        await _announce(runtime.db, chats)
        bot = _bot(fake)
        worker = DeliveryWorker(
            runtime.db, {"telegram": TelegramSender(bot)}, SystemClock(), runtime.settings.zone
        )
        started = time.perf_counter()
        worker.start()
        while len(_delivered(fake)) < len(chats):  # noqa: ASYNC110 -- the fake has no event for it
            await asyncio.sleep(0.01)
        elapsed = time.perf_counter() - started
        worker.shutdown()
        await worker.drained()
        await bot.session.close()
        progress_edits = sum(1 for edit in fake.edits if edit.chat_id == OFFICE_CHAT)
        return _figures(fake, chats, elapsed, extra_messages=progress_edits)


async def _announce(db, chats: list[int]) -> None:
    [office] = await bind_directly(db, START, Role.OFFICE, "SO", [OFFICE_CHAT])
    await bind_directly(db, START, Role.HEAD, "THPT-VIET-TRI", chats)
    async with db.unit_of_work() as session:
        author = await session.get(ChannelIdentity, office)
        await broadcast.create(session, author, broadcast.Audience("all"), Reply(TEXT), START)


async def _naive_loop(chats: list[int]) -> dict:
    """Each chat in turn, once, as fast as the answers come: whatever fails is lost."""
    async with FlakyTelegram(seed=6) as fake:
        for chat in chats:
            fake.knows_user(chat)
        bot = _bot(fake)
        started = time.perf_counter()
        for chat in chats:
            with contextlib.suppress(TelegramAPIError):
                await bot.send_message(chat, TEXT)
        elapsed = time.perf_counter() - started
        await bot.session.close()
        return _figures(fake, chats, elapsed)


def _bot(fake: FakeTelegramAPI) -> Bot:
    return Bot(TEST_TOKEN, session=AiohttpSession(api=TelegramAPIServer.from_base(fake.base_url)))


def _delivered(fake: FakeTelegramAPI) -> list[int]:
    return [m.chat_id for m in fake.sent if m.plain_text == TEXT]


def _figures(
    fake: FakeTelegramAPI, chats: list[int], elapsed: float, extra_messages: int = 0
) -> dict:
    per_chat = Counter(_delivered(fake))
    delivered = sum(per_chat.values())
    # Everything Telegram accepted counts against its limit: the progress edits too.
    accepted = len(fake.sent) + len(fake.edits)
    return {
        "seconds": round(elapsed, 2),
        "delivered": delivered,
        "messages_per_s": round(accepted / elapsed, 2),
        "recipients_per_s": round(delivered / elapsed, 2),
        "share_of_limit": round(accepted / elapsed / LIMIT_PER_SECOND, 3),
        "lost": sum(1 for chat in chats if per_chat[chat] == 0),
        "doubled": sum(1 for count in per_chat.values() if count > 1),
        "answered_429": fake.throttled_count,
        # 429s for going over the limits, apart from the ones drawn at random.
        "over_the_limit_429": fake.throttled_count - fake.injected_429,
        "progress_edits": extra_messages,
    }


def report(figures: dict) -> None:
    print(
        f"{figures['recipients']} recipients, Telegram's limit {figures['limit_per_s']}/s for the "
        f"bot and 1/s per chat; {THROTTLED_SHARE:.0%} of sends answered 429, "
        f"{BAD_GATEWAY_SHARE:.0%} answered 502"
    )
    print(
        f"  {'':18}{'seconds':>9}{'msg/s':>8}{'of limit':>10}{'lost':>7}{'doubled':>9}"
        f"{'429s':>7}{'over limit':>12}"
    )
    for name, label in (("worker", "outbox worker"), ("naive", "naive loop")):
        row = figures[name]
        print(
            f"  {label:18}{row['seconds']:>9.1f}{row['messages_per_s']:>8.1f}"
            f"{row['share_of_limit']:>10.0%}{row['lost']:>7}{row['doubled']:>9}"
            f"{row['answered_429']:>7}{row['over_the_limit_429']:>12}"
        )
    worker = figures["worker"]
    met = worker["share_of_limit"] >= GOAL_SHARE and not worker["lost"] and not worker["doubled"]
    print(
        f"  goal: ≥ {GOAL_SHARE:.0%} of the limit, none lost, none doubled: "
        f"{'met' if met else 'MISSED'} (msg/s counts the {worker['progress_edits']} progress "
        f"edits; recipients alone: {worker['recipients_per_s']:.1f}/s)"
    )
    print(json.dumps(figures | {"goal_met": met}))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recipients", type=int, default=2000)
    parser.add_argument("--database-url", help="default: a SQLite file in a temporary folder")
    options = parser.parse_args()
    report(asyncio.run(main(options.recipients, options.database_url)))
