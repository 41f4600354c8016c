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


async def test_exemplars_reported_before_0009_become_records_of_their_earliest_report(
    empty_database_url,
):
    """Each exemplar the current versions of submitted reports name becomes one record per
    unit, name (accents and case aside) and kind, found, first reported by the earliest
    report naming it, with a "reported" line for each report naming it."""
    from datetime import datetime, timedelta

    from sqlalchemy import select

    from bot.db.database import Database
    from bot.db.migrate import upgrade_async
    from bot.db.models import Exemplar, ExemplarEvent, ExemplarStage
    from tests.conftest import VIETNAM

    await upgrade_async(empty_database_url, "0008")
    tables = Base.metadata.tables
    at = datetime(2016, 10, 5, 9, 0, tzinfo=VIETNAM)
    phase1_at, model_at = at, datetime(2016, 12, 5, 9, 0, tzinfo=VIETNAM)

    def row(name: str, kind: str = "collective") -> dict[str, str]:
        return {"name": name, "kind": kind, "field": "Giảng dạy", "achievements": "Giỏi"}

    def deadline(id_: int, code: str, form: str) -> dict:
        return {
            "id": id_,
            "plan_id": 1,
            "code": code,
            "title": code,
            "title_en": code,
            "form_code": form,
            "school_year": "2016-2017",
            "due_at": at + timedelta(days=100),
            "fixed_by_plan": False,
            "audience": "all",
            "audience_models": [],
            "reminder_policy": {},
        }

    def submission(id_: int, unit: int, deadline_id: int, when: datetime, version: int) -> dict:
        return {
            "id": id_,
            "reference": f"TD-{id_}",
            "unit_id": unit,
            "deadline_id": deadline_id,
            "status": "submitted",
            "version": version,
            "late": False,
            "first_submitted_at": when,
            "updated_at": when,
        }

    def version(id_: int, submission_id: int, number: int, answers: dict) -> dict:
        return {
            "id": id_,
            "submission_id": submission_id,
            "number": number,
            "form_version": 1,
            "answers": answers,
            "changed_fields": {},
            "author_person_id": 1,
            "created_at": at,
        }

    database = Database(empty_database_url)
    async with database.engine.begin() as connection:
        for table, rows in [
            (
                "plans",
                [
                    {
                        "id": 1,
                        "code": "941",
                        "title": "Kế hoạch",
                        "start_year": 2016,
                        "end_year": 2020,
                        "period_start": date(2016, 1, 1),
                        "period_end": date(2020, 12, 31),
                        "source": {},
                        "loaded_at": at,
                    }
                ],
            ),
            (
                "units",
                [
                    {"id": 1, "code": "A", "name": "A", "search_name": "a", "kind": "school"},
                    {"id": 2, "code": "B", "name": "B", "search_name": "b", "kind": "school"},
                ],
            ),
            ("people", [{"id": 1, "full_name": "Hiệu trưởng", "locale": "vi", "created_at": at}]),
            (
                "deadlines",
                [
                    deadline(1, "model-report", "model_report"),
                    deadline(2, "phase1-report", "phase1_report"),
                    deadline(3, "registration-2016", "registration"),
                ],
            ),
            (
                "submissions",
                [
                    # The model report has the lower id: the earlier report is by its date.
                    submission(1, 1, 1, model_at, 1),
                    submission(2, 1, 2, phase1_at, 2),
                    submission(3, 2, 2, phase1_at + timedelta(days=1), 1),
                    submission(4, 1, 3, phase1_at, 1),
                ],
            ),
            (
                "submission_versions",
                [
                    version(
                        1,
                        1,
                        1,
                        {
                            "models": ["1"],
                            "selected": [
                                row("TO TOAN"),
                                row("NGUYỄN VĂN AN", "individual"),
                                row("Nguyễn Văn An"),  # a collective of the same name
                            ],
                        },
                    ),
                    # Only the current version counts: the first one's row was taken out.
                    version(2, 2, 1, {"exemplars": [row("Tổ Văn")]}),
                    version(
                        3,
                        2,
                        2,
                        {
                            "exemplars": [
                                row("Tổ Toán"),
                                row("Nguyễn Văn An", "individual"),
                                row("tổ  toán"),  # twice in one report
                            ]
                        },
                    ),
                    version(4, 3, 1, {"exemplars": [row("Tổ Toán")]}),
                    version(5, 4, 1, {"individuals": [{"full_name": "Nguyễn Văn An"}]}),
                ],
            ),
        ]:
            await connection.execute(tables[table].insert(), rows)

    await upgrade_async(empty_database_url)

    async with database.unit_of_work() as session:
        records = list(await session.scalars(select(Exemplar).order_by(Exemplar.id)))
        events = list(await session.scalars(select(ExemplarEvent).order_by(ExemplarEvent.id)))
    await database.dispose()
    assert {
        (r.unit_id, r.name, r.collective, r.first_submission_id, r.first_reported_at)
        for r in records
    } == {
        (1, "Tổ Toán", True, 2, phase1_at),
        (1, "Nguyễn Văn An", False, 2, phase1_at),
        (1, "Nguyễn Văn An", True, 1, model_at),
        (2, "Tổ Toán", True, 3, phase1_at + timedelta(days=1)),
    }
    assert {r.stage for r in records} == {ExemplarStage.FOUND}
    assert all(r.search_name in ("to toan", "nguyen van an") for r in records)
    names = {r.id: (r.unit_id, r.name, r.collective) for r in records}
    reported = sorted(
        (names[e.exemplar_id], e.kind, e.submission_id, e.details["deadline"], e.at) for e in events
    )
    assert reported == sorted(
        [
            ((1, "Tổ Toán", True), "reported", 2, "phase1-report", phase1_at),
            ((1, "Tổ Toán", True), "reported", 1, "model-report", model_at),
            ((1, "Nguyễn Văn An", False), "reported", 2, "phase1-report", phase1_at),
            ((1, "Nguyễn Văn An", False), "reported", 1, "model-report", model_at),
            ((1, "Nguyễn Văn An", True), "reported", 1, "model-report", model_at),
            ((2, "Tổ Toán", True), "reported", 3, "phase1-report", phase1_at + timedelta(days=1)),
        ]
    )


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
