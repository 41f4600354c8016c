"""Wiring shared by every way of running the bot: settings, database, plan, core app."""

from __future__ import annotations

from dataclasses import dataclass

from bot.app import CoreApp
from bot.clock import Clock
from bot.config import Settings
from bot.db.database import Database
from bot.db.migrate import is_current, upgrade_async
from bot.i18n import check_catalogs
from bot.services.setup.plan_store import ensure_a_plan
from handlers import build_router


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


async def build_runtime(settings: Settings, clock: Clock) -> Runtime:
    check_catalogs()
    db = await open_database(settings)
    async with db.unit_of_work() as session:
        await ensure_a_plan(session, clock)
    app = CoreApp(db=db, clock=clock, settings=settings, router=build_router())
    return Runtime(settings=settings, clock=clock, db=db, app=app)
