"""Wiring shared by every way of running the bot: settings, database, plan, core app."""

from __future__ import annotations

import asyncio
import gc
import signal
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from bot.app import CoreApp
from bot.clock import Clock
from bot.config import Settings
from bot.db.database import Database
from bot.db.migrate import is_current, upgrade_async
from bot.db.repositories import PlanRepository
from bot.i18n import check_catalogs
from handlers import build_router


class Background(Protocol):
    """Work that runs while the bot serves (the scheduler): started once a platform answers."""

    def start(self) -> None: ...
    def shutdown(self, wait: bool = True) -> None: ...


@runtime_checkable
class Draining(Protocol):
    """Background work with sends in hand (the outbox's worker): the platform's session stays
    open until they are done and recorded."""

    async def drained(self) -> None: ...


@asynccontextmanager
async def running_alongside(work: Sequence[Background]) -> AsyncIterator[None]:
    """The background work runs for the block; leaving it stops the work and waits for the
    sends in hand, so the channel closes its session only after them."""
    started: list[Background] = []
    try:
        for item in work:
            item.start()
            started.append(item)
        yield
    finally:
        for item in started:
            item.shutdown(wait=False)
        await asyncio.gather(*(item.drained() for item in started if isinstance(item, Draining)))


@dataclass
class Runtime:
    settings: Settings
    clock: Clock
    db: Database
    app: CoreApp


async def open_database(settings: Settings) -> Database:
    """Connect, migrating first when the schema is not at the latest revision."""
    db = Database(settings.database_url)
    if not await is_current(db.engine):
        await upgrade_async(settings.database_url)
    return db


async def ensure_plan(db: Database, clock: Clock) -> None:
    """A fresh database starts on the shipped plan; a loaded plan is never replaced here."""
    async with db.unit_of_work() as session:
        if await PlanRepository(session).active() is not None:
            return
        # Only a first start needs the plan's schema and loader.
        from bot.plan import load_plan
        from bot.services.setup.plan_store import store_plan

        await store_plan(session, load_plan(), clock, actor="startup")


async def build_runtime(settings: Settings, clock: Clock) -> Runtime:
    check_catalogs()
    db = await open_database(settings)
    await ensure_plan(db, clock)
    app = CoreApp(db=db, clock=clock, settings=settings, router=build_router())
    return Runtime(settings=settings, clock=clock, db=db, app=app)


def freeze_start_up_heap() -> None:
    """Exempt what start-up built (modules, mappers, catalogs, the plan) from the collector.

    Those objects live as long as the process, yet every full collection walked them all over
    again: some 300,000 objects, most of what the collector cost a busy bot. Only the first
    start in a process freezes: anything frozen later would include things that die, and
    cycles among frozen objects are never collected (tests start many bots in one process).
    """
    if gc.get_freeze_count() == 0:
        gc.collect()
        gc.freeze()


def stop_on_signals() -> asyncio.Event:
    """Set by SIGTERM (docker stop) or SIGINT: every channel stops taking updates."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    return stop
