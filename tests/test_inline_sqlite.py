"""SQLite on the event loop's thread (bot.db.inline_sqlite): waiting for another process's write
lock must not stall the bot's other chats, and the write must still happen."""

from __future__ import annotations

import asyncio
import sqlite3
import time

import pytest
from sqlalchemy import text

from bot.db.database import Database


@pytest.fixture
def shared_file(tmp_path, database_url):
    if not database_url.startswith("sqlite"):
        pytest.skip("about the SQLite driver only")
    path = tmp_path / "shared.db"
    with sqlite3.connect(path) as setup:
        setup.execute("PRAGMA journal_mode=WAL")
        setup.execute("CREATE TABLE notes (body TEXT)")
    return path


async def test_a_write_waits_for_another_process_without_stalling_the_bot(shared_file):
    other_process = sqlite3.connect(shared_file, isolation_level=None)
    other_process.execute("BEGIN IMMEDIATE")  # e.g. `thidua units import` in the middle of a write
    other_process.execute("INSERT INTO notes VALUES ('from the CLI')")
    db = Database(f"sqlite+aiosqlite:///{shared_file}")

    async def bot_writes() -> None:
        async with db.unit_of_work() as session:
            await session.execute(text("INSERT INTO notes VALUES ('from the bot')"))

    write = asyncio.create_task(bot_writes())
    started = time.monotonic()
    await asyncio.sleep(0.2)  # another chat's work: it runs on time
    assert time.monotonic() - started < 1.0
    assert not write.done()

    other_process.execute("COMMIT")
    await asyncio.wait_for(write, timeout=5)
    async with db.reading() as session:
        rows = (await session.execute(text("SELECT body FROM notes ORDER BY rowid"))).scalars()
        assert list(rows) == ["from the CLI", "from the bot"]
    await db.dispose()
    other_process.close()
