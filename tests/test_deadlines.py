"""/deadlines: a unit sees what it owes and when, in Vietnam time; office and council see counts."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from bot.db.models import Role, Submission, SubmissionStatus, Unit
from tests.conftest import VIETNAM
from tests.helpers import Person, fill_in, issue_code, open_deadline, record_submission

SCHOOL = "THPT-CHUYEN-HUNG-VUONG"  # in pilot models 1 and 6
NOT_IN_A_MODEL = "PGD-HA-HOA"  # the plan puts it in no pilot model


async def bound(app, clock, role: Role, unit: str | None = None, language: str = "vi") -> Person:
    person = Person.new(app, language=language)
    await person.says(f"/start {await issue_code(app.db, clock, role, unit)}")
    return person


async def test_before_20_october_shows_the_last_day_19_october(app, clock):
    principal = await bound(app, clock, Role.HEAD, SCHOOL)

    await principal.taps("Hạn nộp")

    text = principal.text
    assert "Hạn nộp của Trường THPT Chuyên Hùng Vương" in text
    assert "hạn chót 19/10/2016 ·" in text  # "trước ngày 20/10/2016"
    assert "còn 18 ngày" in text
    assert "❌ Chưa nộp" in text


async def test_a_submitted_report_shows_as_submitted(app, clock):
    principal = await bound(app, clock, Role.HEAD, SCHOOL)
    await record_submission(app.db, clock, SCHOOL, "phase1_report")

    await principal.says("/deadlines")

    entry = _entry(principal.text, "19/10/2016")
    assert "✅ Đã nộp" in entry


async def test_a_returned_report_is_still_owed(app, clock):
    principal = await bound(app, clock, Role.HEAD, SCHOOL)
    await record_submission(app.db, clock, SCHOOL, "phase1_report", SubmissionStatus.RETURNED)

    await principal.says("/deadlines")

    assert "nộp lại" in _entry(principal.text, "19/10/2016")


async def test_an_overdue_report_stays_listed_until_submitted(app, clock):
    principal = await bound(app, clock, Role.HEAD, SCHOOL)
    clock.set(datetime(2016, 10, 23, 9, 0, tzinfo=VIETNAM))

    await principal.says("/deadlines")

    assert "quá hạn 4 ngày" in _entry(principal.text, "19/10/2016")


async def test_pilot_model_deadlines_only_for_model_units(app, clock):
    in_model = await bound(app, clock, Role.HEAD, SCHOOL)
    outside = await bound(app, clock, Role.HEAD, NOT_IN_A_MODEL)
    clock.set(datetime(2016, 12, 1, 8, 0, tzinfo=VIETNAM))

    await in_model.says("/deadlines")
    await outside.says("/deadlines")

    assert "15/01/2017" in in_model.text
    assert "15/01/2017" not in outside.text


async def test_the_cut_off_is_vietnam_time_not_utc(app, clock):
    principal = await bound(app, clock, Role.HEAD, SCHOOL)
    # 17:30 UTC on 19/10 is still 19/10 in London but 00:30 on 20/10 in Vietnam: overdue.
    clock.set(datetime(2016, 10, 19, 17, 30, tzinfo=UTC))

    await principal.says("/deadlines")

    assert "quá hạn 1 ngày" in _entry(principal.text, "19/10/2016")


async def test_dates_read_dd_mm_yyyy_in_english_too(app, clock):
    principal = await bound(app, clock, Role.HEAD, SCHOOL, language="en")

    await principal.says("/deadlines")

    assert "last day 19/10/2016" in principal.text
    assert "18 days left" in principal.text


async def test_office_sees_how_many_units_submitted(app, clock):
    clerk = await bound(app, clock, Role.OFFICE)
    await record_submission(app.db, clock, SCHOOL, "phase1_report")

    await clerk.says("/deadlines")

    entry = _entry(clerk.text, "19/10/2016")
    audience = await _units_but_root(app)
    assert f"Đã nộp: 1/{audience} đơn vị · còn thiếu: {audience - 1}" in entry


async def test_default_dates_are_marked(app, clock):
    principal = await bound(app, clock, Role.HEAD, SCHOOL)
    clock.set(datetime(2016, 12, 1, 8, 0, tzinfo=VIETNAM))

    await principal.says("/deadlines")

    assert "15/01/2017*" in principal.text  # the plan only says "end of semester I"
    assert "04/06/2017*" in principal.text  # the plan fixes no annual report in 2017
    assert "hạn chót 04/06/2018 ·" in principal.text  # it fixes 2018's: no mark
    assert "Ngày do Văn phòng Sở đặt" in principal.text


async def _units_but_root(app) -> int:
    async with app.db.unit_of_work() as session:
        return len(list(await session.scalars(select(Unit.id).where(Unit.parent_id.is_not(None)))))


def _entry(text: str, due: str) -> str:
    """The block of the listing that mentions ``due``."""
    blocks = [block for block in text.split("\n\n") if due in block]
    assert blocks, f"nothing due {due} in:\n{text}"
    return blocks[0]


async def test_each_unit_owes_exactly_the_deadlines_whose_audience_lists_it(app):
    """The one-question-per-audience check that /register, /report and /deadlines use agrees
    with the audience lists that reminders and the office's counts use, for every unit."""
    from bot.db.repositories import PlanRepository

    async with app.db.unit_of_work() as session:
        repo = PlanRepository(session)
        deadlines = await repo.deadlines(await repo.active())
        audiences = {d.id: await repo.audience_unit_ids(d) for d in deadlines}
        for unit in await session.scalars(select(Unit)):
            owed = {d.id for d in await repo.owed_by(unit, deadlines)}
            assert owed == {d.id for d in deadlines if unit.id in audiences[d.id]}, unit.code
    assert any(audiences[d.id] != audiences[deadlines[0].id] for d in deadlines)


@pytest.mark.parametrize(
    ("handed_in", "late"),
    [
        (datetime(2016, 10, 19, 22, 0, tzinfo=VIETNAM), False),  # the last day, late evening
        (datetime(2016, 10, 20, 8, 0, tzinfo=VIETNAM), True),  # "trước ngày 20/10": late
    ],
)
async def test_lateness_is_marked_by_the_last_day(app, clock, handed_in, late):
    principal = await bound(app, clock, Role.HEAD, SCHOOL)
    await open_deadline(app, principal, "phase1_report")
    clock.set(handed_in)

    await fill_in(principal)

    assert ("Nộp sau hạn (19/10/2016)" in principal.text) is late
    async with app.db.unit_of_work() as session:
        [submission] = await session.scalars(select(Submission))
    assert submission.late is late
