"""The Alembic migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from bot.db.models import Base


async def test_migrated_schema_matches_the_models(db):
    def differences(connection):
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, Base.metadata)

    async with db.engine.connect() as connection:
        assert await connection.run_sync(differences) == []


def test_the_recorded_head_is_alembics_head():
    from alembic.script import ScriptDirectory

    from bot.db.migrate import HEAD_REVISION, alembic_config

    assert ScriptDirectory.from_config(alembic_config("sqlite://")).get_heads() == [HEAD_REVISION]


async def test_a_current_database_is_recognised_and_an_empty_one_is_not(db, tmp_path):
    from bot.db.database import Database
    from bot.db.migrate import is_current

    assert await is_current(db.engine)
    empty = Database(f"sqlite+aiosqlite:///{tmp_path / 'empty.db'}")
    assert not await is_current(empty.engine)
    await empty.dispose()
