"""The Alembic migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from datetime import date

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import JSON, bindparam, make_url, text
from sqlalchemy.ext.asyncio import create_async_engine

from bot.db.models import Base
from bot.db.models.base import AwareDateTime


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


@pytest.fixture
async def empty_database_url(tmp_path) -> AsyncIterator[str]:
    """A database of its own, empty, for a migration to run on step by step: a SQLite file, or
    a fresh database on the PostgreSQL server the suite runs on."""
    server = os.environ.get("TEST_DATABASE_URL")
    if not server:
        yield f"sqlite+aiosqlite:///{tmp_path / 'steps.db'}"
        return
    url = make_url(server)
    admin = create_async_engine(url, isolation_level="AUTOCOMMIT")
    name = f"{url.database}_migration_steps"
    async with admin.connect() as connection:
        await connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        await connection.execute(text(f'CREATE DATABASE "{name}"'))
    yield url.set(database=name).render_as_string(hide_password=False)
    async with admin.connect() as connection:
        await connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    await admin.dispose()


async def test_a_plan_loaded_before_0007_keeps_its_dates_and_gains_its_period(
    empty_database_url, clock
):
    from bot.db.database import Database
    from bot.db.migrate import upgrade_async
    from bot.plan import Plan, load_plan
    from bot.services.setup.plan_store import active_plan_spec

    await upgrade_async(empty_database_url, "0006")
    # The shipped plan as a 0006 database stored it: no rule for its dates, no period.
    source = load_plan().model_dump(
        mode="json", by_alias=True, exclude={"period_start", "period_end"}
    )
    for deadline in source["deadlines"]:
        del deadline["due_rule"]
    database = Database(empty_database_url)
    async with database.engine.begin() as connection:
        await connection.execute(
            text(
                "INSERT INTO plans (code, title, start_year, end_year, source, loaded_at) "
                "VALUES ('941', 'Kế hoạch', 2016, 2020, :source, :at)"
            ).bindparams(bindparam("source", type_=JSON), bindparam("at", type_=AwareDateTime)),
            {"source": source, "at": clock.now()},
        )

    await upgrade_async(empty_database_url)

    async with database.unit_of_work() as session:
        plan: Plan = await active_plan_spec(session)
        period = await session.execute(text("SELECT period_start, period_end FROM plans"))
    await database.dispose()
    # What it meant then: due by the end of the day written; awards of its whole years count.
    assert plan.deadline("phase1-report").last_day == date(2016, 10, 20)
    assert [str(day) for day in period.one()] == ["2016-01-01", "2020-12-31"]


async def test_units_assigned_before_0008_are_the_plans_first_years_selection(
    empty_database_url, clock
):
    from bot.db.database import Database
    from bot.db.migrate import upgrade_async

    await upgrade_async(empty_database_url, "0007")
    database = Database(empty_database_url)
    at = bindparam("at", type_=AwareDateTime)
    async with database.engine.begin() as connection:
        await connection.execute(
            text(
                "INSERT INTO plans (id, code, title, start_year, end_year, source, loaded_at, "
                "period_start, period_end) VALUES (1, '941', 'Kế hoạch', 2016, 2020, '{}', :at, "
                "'2016-01-01', '2020-12-31')"
            ).bindparams(at),
            {"at": clock.now()},
        )
        await connection.execute(
            text(
                "INSERT INTO units (id, code, name, search_name, kind, active) VALUES "
                "(1, 'A', 'A', 'a', 'school', true), (2, 'B', 'B', 'b', 'school', true)"
            )
        )
        await connection.execute(
            text(
                "INSERT INTO pilot_models (id, plan_id, number, name, name_en, steering, "
                "steering_en) VALUES (1, 1, 1, 'M', 'M', 'P', 'P')"
            )
        )
        await connection.execute(
            text("INSERT INTO model_assignments (model_id, unit_id) VALUES (1, 1), (1, 2)")
        )

    await upgrade_async(empty_database_url)

    async with database.engine.connect() as connection:
        years = await connection.execute(
            text("SELECT unit_id, school_year FROM model_assignments ORDER BY unit_id")
        )
        selections = await connection.execute(
            text("SELECT model_id, school_year, made_by FROM model_selections")
        )
        assert [tuple(row) for row in years] == [(1, "2016-2017"), (2, "2016-2017")]
        assert [tuple(row) for row in selections] == [(1, "2016-2017", "plan")]
    await database.dispose()


async def test_models_loaded_before_0010_are_linked_to_the_departments_steering_them(
    empty_database_url, clock
):
    from bot.db.database import Database
    from bot.db.migrate import upgrade_async

    await upgrade_async(empty_database_url, "0009")
    database = Database(empty_database_url)
    async with database.engine.begin() as connection:
        await connection.execute(
            text(
                "INSERT INTO plans (id, code, title, start_year, end_year, source, loaded_at, "
                "period_start, period_end) VALUES (1, '941', 'Kế hoạch', 2016, 2020, '{}', :at, "
                "'2016-01-01', '2020-12-31')"
            ).bindparams(bindparam("at", type_=AwareDateTime)),
            {"at": clock.now()},
        )
        await connection.execute(
            text(
                "INSERT INTO pilot_models (id, plan_id, number, name, name_en, steering, "
                "steering_en) VALUES "
                "(1, 1, 1, 'M', 'M', 'Phòng Giáo dục Trung học', 'P'), "
                "(4, 1, 4, 'M', 'M', 'Văn phòng Sở phối hợp với Công đoàn Giáo dục tỉnh', 'P'), "
                "(9, 1, 9, 'M', 'M', 'Văn phòng Sở', 'P')"
            )
        )

    await upgrade_async(empty_database_url)

    async with database.engine.connect() as connection:
        links = await connection.execute(
            text(
                "SELECT m.number, d.code FROM pilot_models m LEFT JOIN steering_departments d "
                "ON d.id = m.department_id ORDER BY m.number"
            )
        )
        assert [tuple(row) for row in links] == [(1, "GDTRH"), (4, "CONG-DOAN"), (9, None)]
        count = await connection.scalar(text("SELECT count(*) FROM steering_departments"))
        assert count == 5
    await database.dispose()
