"""Registration forms per second through the real aiogram bot, beside a bare aiogram echo bot.

N simulated principals (default 500), each a Telegram user of its own and an asyncio task of its
own, all at once: each binds with `/start CODE` (set-up, not measured), then sends /register and
fills in the form (tests.helpers.fill_in) until the receipt. A step is one update from the user;
its latency runs from the moment the update is queued at the fake Bot API
(tests/fakes/telegram_api.py) to the moment the bot's reply to that user reaches the fake.
Throughput is completed forms over the wall time from the first /register to the last receipt.

The baseline is the echo bot of benchmarks/echo_bot.py on the same fake, at the same load: N users
each send as many messages, one after another, as a form took steps, waiting for each echo.

Both bots run in this process, as the tests run them, so that the fake, the users and the bot
share one event loop and one core alike: the comparison is apples to apples, and no process
start-up or inter-process scheduling blurs the figures. thidua runs on a fresh SQLite database.

Usage, from the repository root: .venv/bin/python benchmarks/forms.py [--principals N] [--typed]
It prints a table, then as its last line one JSON object with every figure. It exits with 0 even
when a goal is missed (it is a measurement), and with 1 when no form at all completes.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from aiogram import Bot  # noqa: E402
from aiogram.client.session.aiohttp import AiohttpSession  # noqa: E402
from aiogram.client.telegram import TelegramAPIServer  # noqa: E402

from benchmarks.echo_bot import dispatcher as echo_dispatcher  # noqa: E402
from benchmarks.startup import TEST_TOKEN, positive_int  # noqa: E402
from bot.clock import ManualClock  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.db.models import Role  # noqa: E402
from bot.db.repositories import UnitRepository  # noqa: E402
from bot.events import FileRef, Identity  # noqa: E402
from bot.runtime import Runtime, build_runtime  # noqa: E402
from bot.services.invites import create_invite  # noqa: E402
from channels.telegram.runner import run_telegram  # noqa: E402
from tests.fakes.telegram_api import FakeTelegramAPI, SentMessage  # noqa: E402
from tests.helpers import fill_in, verbs_of  # noqa: E402

GOAL_THROUGHPUT_RATIO = 0.5  # thidua's forms/s at least half the echo bot's
GOAL_P99_RATIO = 2.0  # thidua's p99 step latency at most twice the echo bot's
FORM_TIMEOUT_SECONDS = 120.0  # a form (or an echo series) not done by then is lost
PROGRESS_EVERY_SECONDS = 10.0
# Three weeks before the plan's first deadline, as in the tests: registration is open.
BENCH_START = datetime(2016, 10, 1, 8, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
DISTRICT_OFFICE = "PGD-VIET-TRI"  # a district office of the shipped plan, parent of the schools
FIRST_USER_ID = 800_001
RECEIPT_MARK = "Mã biên nhận: TD-"
ECHO_TEXT = "Nội dung thử nghiệm đầy đủ"  # what fill_in types into free-text questions


# --------------------------------------------------------------------------- the fake, timed


class StampingFakeTelegramAPI(FakeTelegramAPI):
    """The fake Bot API, stamping the arrival of each message to a user and waking only that
    user's waiter.

    The fake's own wait_for_messages wakes every waiter on every message, and each rescans all
    the messages ever sent: at 500 users that is quadratic, and the harness, not the bot, would
    fill the shared event loop.
    """

    def __init__(self, *, bot_token: str) -> None:
        super().__init__(bot_token=bot_token)
        self._inbox: dict[int, list[tuple[float, SentMessage]]] = defaultdict(list)
        self._arrived: dict[int, asyncio.Event] = defaultdict(asyncio.Event)

    def _deliver(self, call: Any, chat: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
        message = super()._deliver(call, chat, *args, **kwargs)
        self._inbox[chat.id].append((time.perf_counter(), self.sent[-1]))
        self._arrived[chat.id].set()
        return message

    def _sent_to(self, chat_id: int) -> list[SentMessage]:
        # user_presses() looks for the button on the last message: only this chat's, please.
        return [message for _arrived_at, message in self._inbox[chat_id]]

    async def reply_after(self, chat_id: int, seen: int) -> tuple[float, SentMessage]:
        """(arrival time, message) of the bot's message to the user after the first `seen`."""
        inbox = self._inbox[chat_id]
        while len(inbox) <= seen:
            arrived = self._arrived[chat_id]
            arrived.clear()
            await arrived.wait()
        return inbox[seen]


