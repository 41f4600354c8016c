"""Alembic, driven from code so ``thidua db upgrade`` needs no alembic.ini next to it.

Alembic is imported only when there is something to migrate: on a restart the schema is
current, and loading Alembic would add a quarter of a second and 11 MB to every start.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

if TYPE_CHECKING:
    from alembic.config import Config
    from sqlalchemy.ext.asyncio import AsyncEngine

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
# The newest revision in migrations/versions; a test keeps it equal to Alembic's head.
HEAD_REVISION = "0011"


def alembic_config(database_url: str) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    # ConfigParser treats % as interpolation; URL-encoded passwords contain it.
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    from alembic import command

    command.upgrade(alembic_config(database_url), revision)


async def upgrade_async(database_url: str, revision: str = "head") -> None:
    # env.py runs its own event loop, so it must run outside ours.
    await asyncio.to_thread(upgrade, database_url, revision)


async def is_current(engine: AsyncEngine) -> bool:
    """Whether the schema is at the head revision (False for an empty database)."""
    try:
        async with engine.connect() as connection:
            found = await connection.scalar(text("SELECT version_num FROM alembic_version"))
    except DBAPIError:  # no alembic_version table yet
        return False
    return found == HEAD_REVISION
