"""SQLite driven on the event loop's own thread, for the short transactions of chat updates.

aiosqlite runs every call (execute, fetch, commit) on a worker thread and wakes the event loop
for each result. On a busy bot that hand-off costs some 100 µs a call plus a fight for the GIL,
while the SQLite work itself, on an indexed lookup, takes a few microseconds: the hand-offs were
most of the time a form step took. Here the same calls run inline.

Running inline is only safe because nothing here ever waits on SQLite's lock: the connection is
opened with a zero busy timeout, and a "database is locked" answer is retried after an
``asyncio.sleep``, so other chats are served meanwhile. Slow reads (an export) keep aiosqlite,
see :class:`bot.db.database.Database`.

The objects below offer the part of aiosqlite's interface that SQLAlchemy 2.1's aiosqlite dialect
uses, so the dialect (type handling, pooling, error mapping) stays SQLAlchemy's own. (2.0's
dialect awaits ``cursor()``; hence the pin in pyproject.toml.)
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

T = TypeVar("T")
# As long as aiosqlite's `timeout=30` would have waited for another process's write.
BUSY_GIVE_UP_SECONDS = 30.0
FIRST_BUSY_PAUSE = 0.001
LONGEST_BUSY_PAUSE = 0.05


async def _patiently(call: Callable[[], T]) -> T:
    """``call()``, retried while another connection holds the write lock."""
    pause = FIRST_BUSY_PAUSE
    give_up_at = time.monotonic() + BUSY_GIVE_UP_SECONDS
    while True:
        try:
            return call()
        except sqlite3.OperationalError as error:
            if not _is_busy(error) or time.monotonic() >= give_up_at:
                raise
        await asyncio.sleep(pause)
        pause = min(pause * 2, LONGEST_BUSY_PAUSE)


def _is_busy(error: sqlite3.OperationalError) -> bool:
    return getattr(error, "sqlite_errorcode", None) in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)


class InlineCursor:
    def __init__(self, cursor: sqlite3.Cursor) -> None:
        self._cursor = cursor

    async def __aenter__(self) -> InlineCursor:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.close()

    @property
    def description(self) -> Any:
        return self._cursor.description

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount

    @property
    def lastrowid(self) -> int | None:
        return self._cursor.lastrowid

    @property
    def arraysize(self) -> int:
        return self._cursor.arraysize

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        self._cursor.arraysize = value

    async def execute(self, sql: str, parameters: Sequence[Any] | None = None) -> InlineCursor:
        await _patiently(lambda: self._cursor.execute(sql, parameters or ()))
        return self

    async def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> InlineCursor:
        rows = list(rows)  # a retry must see them all again
        await _patiently(lambda: self._cursor.executemany(sql, rows))
        return self

    async def fetchone(self) -> Any:
        return self._cursor.fetchone()

    async def fetchmany(self, size: int | None = None) -> list[Any]:
        return self._cursor.fetchmany(size or self._cursor.arraysize)

    async def fetchall(self) -> list[Any]:
        return self._cursor.fetchall()

    async def close(self) -> None:
        self._cursor.close()


class InlineConnection:
    def __init__(self, connection: sqlite3.Connection) -> None:
        self._connection: sqlite3.Connection | None = connection
        # SQLAlchemy's dialect changes the isolation level through aiosqlite's private queue.
        self._conn = connection
        self._tx = _RunNow()

    @property
    def isolation_level(self) -> str | None:
        return self._conn.isolation_level

    def cursor(self) -> InlineCursor:
        return InlineCursor(self._conn.cursor())

    async def execute(self, sql: str, parameters: Sequence[Any] | None = None) -> InlineCursor:
        return await self.cursor().execute(sql, parameters)

    async def create_function(self, *args: Any, **kwargs: Any) -> None:
        self._conn.create_function(*args, **kwargs)

    async def commit(self) -> None:
        await _patiently(self._conn.commit)

    async def rollback(self) -> None:
        self._conn.rollback()

    async def close(self) -> None:
        self.stop()

    def stop(self) -> None:
        """Close now (SQLAlchemy's terminate): nothing runs elsewhere to wait for."""
        if self._connection is not None:
            self._connection = None
            self._conn.close()


class _RunNow:
    """Stands in for aiosqlite's queue to its worker thread: runs the call at once."""

    def put_nowait(self, item: tuple[asyncio.Future, Callable[[], Any]]) -> None:
        future, function = item
        try:
            future.set_result(function())
        except Exception as error:  # handed to the awaiting caller, as aiosqlite does
            future.set_exception(error)


def connector(path: str) -> Callable[[], Any]:
    """An ``async_creator`` for SQLAlchemy: a new inline connection to the SQLite file."""

    async def connect() -> InlineConnection:
        # check_same_thread=False: the pool may close a connection from the garbage
        # collector's thread; every use is on the event loop's thread.
        return InlineConnection(sqlite3.connect(path, timeout=0, check_same_thread=False))

    return connect
