"""Broadcasts over the real aiogram bot against the fake Bot API enforcing Telegram's limits:
pacing, a kill -9 in the middle, and two processes on PostgreSQL."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
from collections import Counter
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import func, select, text

from bot.clock import SystemClock
from bot.db.database import Database
from bot.db.models import ChannelIdentity, OutboxMessage, OutboxStatus, Role
from bot.events import Reply
from bot.services.messaging import broadcast
from bot.services.messaging.broadcast import Audience
from channels.telegram.runner import make_bot
from channels.telegram.sender import TelegramSender
from scheduler import DeliveryWorker
from scheduler.leadership import SENDER_LOCK
from tests.conftest import VIETNAM
from tests.fakes.telegram_api import FakeTelegramAPI
from tests.helpers import TEST_TOKEN, bind_directly
from tests.test_telegram import _until, app_on

SCHOOL = "THPT-CHUYEN-HUNG-VUONG"
OFFICE = 700_000
ANNOUNCEMENT = "Kính gửi các đơn vị: họp tổng kết năm học lúc 8h00 ngày 15/10/2016."


@pytest.fixture
async def limited() -> AsyncIterator[FakeTelegramAPI]:
    """Telegram as it throttles: 30 messages a second for the bot, one a second per chat."""
    async with FakeTelegramAPI(
        bot_token=TEST_TOKEN, global_rate_per_s=30, per_chat_rate_per_s=1
    ) as api:
        yield api


async def announced(app, clock, fake, chats: list[int], text: str = ANNOUNCEMENT) -> int:
    """The office has sent ``text`` to the heads of ``chats``; returns the broadcast's id."""
    [author] = await bind_directly(app.db, clock.now(), Role.OFFICE, "SO", [OFFICE])
    await bind_directly(app.db, clock.now(), Role.HEAD, SCHOOL, chats)
    for user in (OFFICE, *chats):
        fake.knows_user(user)
    return await announce(app.db, author, text)


async def office_identity(db: Database) -> int:
    async with db.reading() as session:
        return await session.scalar(
            select(ChannelIdentity.id).where(ChannelIdentity.user_id == str(OFFICE))
        )


async def announce(db: Database, author_id: int, text: str) -> int:
    async with db.unit_of_work() as session:
        author = await session.get(ChannelIdentity, author_id)
        created = await broadcast.create(
            session, author, Audience("all"), Reply(text), SystemClock().now()
        )
        return created.id


class Sending:
    """A delivery worker on its own bot (and, if given, its own database connections), as a
    bot process runs one."""

    def __init__(self, fake: FakeTelegramAPI, app, db: Database | None = None) -> None:
        self.bot = make_bot(app_on(fake, app).settings)
        self.sender = CountingSender(self.bot)
        self.worker = DeliveryWorker(
            db or app.db, {"telegram": self.sender}, SystemClock(), VIETNAM
        )
        self.worker.start()

    async def stop(self) -> None:
        self.worker.shutdown()
        await self.worker.drained()
        await self.bot.session.close()


@contextlib.asynccontextmanager
async def sending(fake: FakeTelegramAPI, app) -> AsyncIterator[Sending]:
    running = Sending(fake, app)
    try:
        yield running
    finally:
        await running.stop()


class CountingSender(TelegramSender):
    """The Telegram sender, counting what this worker sent."""

    sends = 0

    async def send(self, chat_id, reply, *, from_part=0):
        self.sends += 1
        return await super().send(chat_id, reply, from_part=from_part)


def received(fake: FakeTelegramAPI, text: str) -> Counter:
    return Counter(m.chat_id for m in fake.sent if m.plain_text == text)


def reports(fake: FakeTelegramAPI) -> list[str]:
    return [m.plain_text for m in fake.sent if m.chat_id == OFFICE and "#" in m.plain_text]


async def test_a_broadcast_keeps_to_telegrams_limits_and_reaches_everyone_once(limited, app, clock):
    chats = list(range(700_001, 700_041))
    paragraphs = [f"Mục {n}:" + " nội dung thông báo" * 55 for n in range(5)]
    long_text = "\n\n".join(paragraphs)  # over 4,096 characters: two messages each
    await announced(app, clock, limited, chats, long_text)
    limited.block_user(chats[-1])
    limited.fail_next("sendMessage", 429, retry_after=1)
    limited.fail_next("sendMessage", 502)

    async with sending(limited, app):
        await _until(lambda: reports(limited), seconds=40)

    for chat in chats[:-1]:
        parts = [m.plain_text for m in limited.sent if m.chat_id == chat]
        assert "\n\n".join(parts) == long_text, chat
    assert limited.throttled_count == 1  # the one injected: the pace never hit a limit
    progress = [e.plain_text for e in limited.edits if e.chat_id == OFFICE]
    assert progress and "39/40" in progress[-1]
    [report] = reports(limited)
    assert "39" in report and f"User {chats[-1]}" in report


async def test_a_sender_killed_mid_broadcast_resumes_without_doubling_or_skipping(
    limited, app, clock, database_url, tmp_path
):
    chats = list(range(700_101, 700_141))
    broadcast_id = await announced(app, clock, limited, chats)
    limited.hold_sends_after(15)

    first = await _thidua_run(limited, database_url, tmp_path)
    # Kill when every message Telegram accepted is recorded and the next ones are still in
    # flight, not yet accepted: a kill there is what must double nothing. (A kill between
    # Telegram accepting a message and the commit recording it would send that one again: the
    # outbox's documented at-least-once window, which no platform API lets a bot close.)
    await _until(lambda: limited.held > 0, seconds=30)
    await _until_recorded(app.db, broadcast_id, limited)
    first.send_signal(signal.SIGKILL)
    await first.wait()
    await _until(lambda: limited.held == 0)  # the dead bot's requests were dropped
    limited.release_sends()

    second = await _thidua_run(limited, database_url, tmp_path)
    try:
        await _until(lambda: reports(limited), seconds=40)
    finally:
        second.send_signal(signal.SIGTERM)
        await asyncio.wait_for(second.wait(), 15)

    assert received(limited, ANNOUNCEMENT) == Counter(dict.fromkeys(chats, 1))
    assert len(reports(limited)) == 1


async def _until_recorded(db: Database, broadcast_id: int, fake: FakeTelegramAPI) -> None:
    for _ in range(200):
        async with db.reading() as session:
            recorded = await session.scalar(
                select(func.count()).where(
                    OutboxMessage.broadcast_id == broadcast_id,
                    OutboxMessage.status == OutboxStatus.SENT,
                )
            )
        if recorded == sum(received(fake, ANNOUNCEMENT).values()):
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the sends Telegram accepted were never all recorded")


async def _thidua_run(
    fake: FakeTelegramAPI, database_url: str, folder
) -> asyncio.subprocess.Process:
    env = {k: v for k, v in os.environ.items() if k != "WEBHOOK_URL"} | {
        "BOT_TOKEN": TEST_TOKEN,
        "TELEGRAM_API_URL": fake.base_url,
        "DATABASE_URL": database_url,
    }
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", env=env, cwd=folder,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
    )  # fmt: skip


POSTGRESQL_ONLY = pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL"),
    reason="SQLite serves one process by design; the election is PostgreSQL's",
)


@POSTGRESQL_ONLY
async def test_of_two_processes_on_postgresql_exactly_one_sends(limited, app, clock, settings):
    chats = list(range(700_201, 700_241))
    await announced(app, clock, limited, chats)
    other_db = Database(settings.database_url)
    running = [Sending(limited, app), Sending(limited, app, other_db)]
    try:
        await _until(lambda: reports(limited), seconds=40)
        senders = [r for r in running if r.sender.sends > 0]
        assert len(senders) == 1
        assert received(limited, ANNOUNCEMENT) == Counter(dict.fromkeys(chats, 1))

        # The sender stops (a deploy): the other takes over at its next election.
        [leader] = senders
        await leader.stop()
        running.remove(leader)
        later = "Thông báo thứ hai: lịch họp đổi sang 9h00."
        await announce(app.db, await office_identity(app.db), later)
        await _until(lambda: len(reports(limited)) == 2, seconds=40)
        assert received(limited, later) == Counter(dict.fromkeys(chats, 1))
        assert received(limited, ANNOUNCEMENT) == Counter(dict.fromkeys(chats, 1))
    finally:
        for still in running:
            await still.stop()
        await other_db.dispose()


@POSTGRESQL_ONLY
async def test_a_sender_whose_connection_drops_stops_and_one_sender_goes_on(
    limited, app, clock, settings
):
    chats = list(range(700_301, 700_321))
    author = (await bind_directly(app.db, clock.now(), Role.OFFICE, "SO", [OFFICE]))[0]
    await bind_directly(app.db, clock.now(), Role.HEAD, SCHOOL, chats)
    for user in (OFFICE, *chats):
        limited.knows_user(user)
    other_db = Database(settings.database_url)
    running = [Sending(limited, app), Sending(limited, app, other_db)]
    try:
        await _until(lambda: any(r.worker.election.holding for r in running), seconds=10)
        [leader] = [r for r in running if r.worker.election.holding]
        async with app.db.unit_of_work() as session:  # the database drops the lock's session
            await session.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_locks "
                    "WHERE locktype = 'advisory' AND objid = :key AND granted"
                ),
                {"key": SENDER_LOCK},
            )
        await _until(lambda: not leader.worker.election.holding, seconds=10)
        before = {id(r): r.sender.sends for r in running}

        await announce(app.db, author, ANNOUNCEMENT)
        await _until(lambda: reports(limited), seconds=40)

        assert received(limited, ANNOUNCEMENT) == Counter(dict.fromkeys(chats, 1))
        assert sum(r.sender.sends > before[id(r)] for r in running) == 1
    finally:
        for still in running:
            await still.stop()
        await other_db.dispose()
