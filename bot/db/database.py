"""Engine, sessions and the unit of work.

Repositories and services only ``flush``; the unit of work commits once at the end of an update
(or a CLI command) and rolls back on any error, so a failure never leaves half a change behind.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from bot.db import inline_sqlite

# Both dialects spell "insert, unless the key is there" (ON CONFLICT) the same way.
DIALECT_INSERTS = {"sqlite": sqlite.insert, "postgresql": postgresql.insert}

# aiosqlite: writers queue behind SQLite's lock instead of failing at once under load.
_SQLITE_PATIENCE: dict[str, Any] = {"connect_args": {"timeout": 30}}


class Database:
    def __init__(self, url: str, *, echo: bool = False) -> None:
        self.url = url
        options = _engine_options(url)
        self.engine: AsyncEngine = create_async_engine(url, echo=echo, **options)
        self._inline = "async_creator" in options
        # Slow reads (an export) must not run on the event loop's thread: with inline SQLite
        # they get an engine of their own, on aiosqlite's worker thread.
        self._reader_engine = (
            create_async_engine(url, echo=echo, **_SQLITE_PATIENCE) if self._inline else self.engine
        )
        if self.is_sqlite:
            for engine in {self.engine, self._reader_engine}:
                event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        self._sessions = async_sessionmaker(self.engine, expire_on_commit=False)
        self._reader_sessions = async_sessionmaker(self._reader_engine, expire_on_commit=False)
        # SQLite has one writer at a time, and every unit of work writes. Queueing them here
        # costs nothing; letting them contend makes SQLite sleep and retry, which costs
        # seconds at the tail under load. PostgreSQL needs no such thing.
        self._one_writer = asyncio.Lock() if self.is_sqlite else contextlib.nullcontext()

    @property
    def is_sqlite(self) -> bool:
        return make_url(self.url).get_backend_name() == "sqlite"

    @property
    def safe_url(self) -> str:
        """The URL with any password masked, for logs."""
        return make_url(self.url).render_as_string(hide_password=True)

    @asynccontextmanager
    async def unit_of_work(self) -> AsyncIterator[AsyncSession]:
        async with self._one_writer, self._session() as session:
            try:
                yield session
                await session.commit()
            except BaseException:
                await session.rollback()
                raise

    def _session(self) -> contextlib.AbstractAsyncContextManager[AsyncSession]:
        session = self._sessions()
        if self._inline:
            # An inline SQLite close never waits, so nothing can cancel it halfway. The task
            # SQLAlchemy would shield it in costs three turns of the event loop, every one of
            # them while this update holds SQLite's one writer.
            return contextlib.aclosing(session)
        return session

    @asynccontextmanager
    async def reading(self) -> AsyncIterator[AsyncSession]:
        """A session for slow work that only reads (an export): it does not wait for, or hold,
        the writer's turn, and anything it changed by mistake is rolled back."""
        async with self._reader_sessions() as session:
            try:
                yield session
            finally:
                await session.rollback()

    async def dispose(self) -> None:
        await self.engine.dispose()
        await self._reader_engine.dispose()


def insert_for(session: AsyncSession) -> Any:
    """The INSERT of the session's dialect, which knows ``on_conflict_do_nothing/update``."""
    return DIALECT_INSERTS[session.bind.dialect.name]


def _engine_options(url: str) -> dict[str, Any]:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return {"pool_pre_ping": True}
    # The short transactions of updates run inline (a file database; anything unusual in the
    # URL, such as query options or :memory:, keeps plain aiosqlite).
    if parsed.database and parsed.database != ":memory:" and not parsed.query:
        return {"async_creator": inline_sqlite.connector(parsed.database)}
    return _SQLITE_PATIENCE


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()
