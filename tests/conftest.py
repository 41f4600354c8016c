"""Shared fixtures. The whole suite runs on SQLite, or on PostgreSQL when TEST_DATABASE_URL is
set (``make test`` does both). A PostgreSQL server that cannot be reached is an error, not a skip.
"""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator, Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from bot.app import CoreApp
from bot.clock import ManualClock
from bot.config import Settings
from bot.db.database import Database
from bot.db.migrate import upgrade
from bot.db.models import Base
from bot.plan import load_plan
from bot.services.setup.plan_store import store_plan
from handlers import build_router
from scheduler import Jobs
from tests.helpers import TEST_TOKEN, RecordingSender

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
# Three weeks before the plan's first fixed deadline (the phase-1 report, 20/10/2016).
START = datetime(2016, 10, 1, 8, 0, tzinfo=VIETNAM)


def _postgres_url() -> str | None:
    import os

    return os.environ.get("TEST_DATABASE_URL")


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A migrated database: a SQLite file to copy per test, or the PostgreSQL URL."""
    postgres = _postgres_url()
    if postgres:
        asyncio.run(_reset_postgres(postgres))
        upgrade(postgres)
        return postgres
    template = tmp_path_factory.mktemp("db") / "template.db"
    upgrade(f"sqlite+aiosqlite:///{template}")
    return str(template)


async def _reset_postgres(url: str) -> None:
    engine = create_async_engine(url)
    async with engine.begin() as connection:
        await connection.execute(text("DROP SCHEMA public CASCADE"))
        await connection.execute(text("CREATE SCHEMA public"))
    await engine.dispose()


@pytest.fixture
def database_url(migrated_template: str, tmp_path: Path) -> Iterator[str]:
    if _postgres_url():
        asyncio.run(_truncate_all(migrated_template))
        yield migrated_template
        return
    copy = tmp_path / "test.db"
    shutil.copyfile(migrated_template, copy)
    yield f"sqlite+aiosqlite:///{copy}"


async def _truncate_all(url: str) -> None:
    tables = ", ".join(table.name for table in Base.metadata.sorted_tables)
    engine = create_async_engine(url)
    async with engine.begin() as connection:
        await connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    await engine.dispose()


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Database]:
    database = Database(database_url)
    yield database
    await database.dispose()


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


@pytest.fixture
def settings(database_url: str) -> Settings:
    # _env_file=None: a developer's own .env must not change what the tests see.
    return Settings(_env_file=None, database_url=database_url, bot_token=TEST_TOKEN)


@pytest.fixture
async def plan_db(db: Database, clock: ManualClock) -> Database:
    """The database with the shipped 2016 plan loaded."""
    async with db.unit_of_work() as session:
        await store_plan(session, load_plan(), clock)
    return db


@pytest.fixture
def app(plan_db: Database, clock: ManualClock, settings: Settings) -> CoreApp:
    return CoreApp(db=plan_db, clock=clock, settings=settings, router=build_router())


@pytest.fixture
def sender() -> RecordingSender:
    """Stands in for the platform in outbox tests: what would have been delivered, per chat."""
    return RecordingSender()


@pytest.fixture
def jobs(app: CoreApp, clock: ManualClock, settings: Settings, sender: RecordingSender) -> Jobs:
    """The scheduler's jobs, delivering to ``sender``."""
    return Jobs(app.db, clock, settings.zone, {"telegram": sender})


@pytest.fixture
def cli(database_url, monkeypatch, capsys):
    """``thidua …`` as the office types it, on the test database: (exit code, stdout, stderr)."""
    from thidua.cli import main

    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.delenv("BOT_USERNAME", raising=False)

    def run(*args: str) -> tuple[int, str, str]:
        code = main(list(args))
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return run
