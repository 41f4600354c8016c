"""The register of exemplars as reports fill it: each exemplar a unit names becomes one record,
found again in its later reports whatever the case or accents, with its history across them;
a name only close to an earlier one is a question for the unit; an award decision honours it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date, datetime
from typing import Any

import pytest
from sqlalchemy import select

from bot.db import audit
from bot.db.models import (
    Deadline,
    Exemplar,
    ExemplarEvent,
    ExemplarMatch,
    ExemplarStage,
    FormDraft,
    Person,
    PilotModel,
    Role,
    Submission,
    Unit,
)
from bot.forms.catalog import form_for
from bot.i18n import Translator
from bot.services.awards.register import AwardEntry, record_award
from bot.services.exemplars import changes, register, wording
from bot.services.reporting import submissions
from tests.conftest import VIETNAM
from tests.fakes.telegram_api import FakeTelegramAPI
from tests.helpers import TEST_TOKEN, a_pdf, issue_code
from tests.test_telegram import TelegramChat, app_on, button_data, running

SCHOOL = "THPT-CHUYEN-HUNG-VUONG"  # in pilot models 1 and 6
OTHER = "THPT-VIET-TRI"
ENGLISH = Translator("en", VIETNAM)  # the register's wording: msgids are the English text
MODEL_TERM = datetime(2016, 12, 5, 9, 0, tzinfo=VIETNAM)
ANNUAL_2017 = datetime(2017, 5, 20, 9, 0, tzinfo=VIETNAM)
NOMINATION_TIME = datetime(2020, 1, 6, 9, 0, tzinfo=VIETNAM)


def row(name: str, kind: str = "collective", **more: str) -> dict[str, str]:
    return {"name": name, "kind": kind, "field": "Giảng dạy", "achievements": "Nhiều giải"} | more


def answers_for(form_code: str, rows: list[dict[str, str]], models: list[str]) -> dict[str, Any]:
    """A form's answers as the chat stores them, with the exemplars in the form's table."""
    if form_code == "phase1_report":
        return {"programme": "Chương trình", "plan_signed_on": "2016-10-05", "exemplars": rows}
    if form_code == "model_report":
        return {"models": models, "selected": rows, "progress": "Đang triển khai"}
    if form_code == "annual_report":
        return {"carried_out": "Đầy đủ", "new_exemplars": len(rows), "exemplars": rows}
    return {"nominees": rows}


async def submit(
    app, clock, unit_code: str, deadline_code: str, rows, models: list[str] = ()
) -> submissions.Receipt:
    """The unit's head saves the report (or its next version) with these exemplars, as the
    chat saves a confirmed draft."""
    async with app.db.unit_of_work() as session:
        unit = await session.scalar(select(Unit).where(Unit.code == unit_code))
        deadline = await session.scalar(select(Deadline).where(Deadline.code == deadline_code))
        person = Person(full_name=f"Hiệu trưởng {unit.name}", locale="vi", created_at=clock.now())
        session.add(person)
        existing = await session.scalar(
            select(Submission).where(
                Submission.unit_id == unit.id, Submission.deadline_id == deadline.id
            )
        )
        await session.flush()
        draft = FormDraft(
            unit_id=unit.id,
            deadline_id=deadline.id,
            person_id=person.id,
            form_code=deadline.form_code,
            form_version=form_for(deadline.form_code).version,
            answers=answers_for(deadline.form_code, list(rows), list(models)),
            cursor={},
            base_version=existing.version if existing else None,
            updated_at=clock.now(),
        )
        session.add(draft)
        await session.flush()
        return await submissions.submit(session, clock, draft, deadline, person)


async def records_of(app, unit_code: str) -> list[Exemplar]:
    """The unit's records, merged ones too, in the order they were made."""
    async with app.db.unit_of_work() as session:
        found = await session.scalars(
            select(Exemplar).join(Unit).where(Unit.code == unit_code).order_by(Exemplar.id)
        )
        return list(found)


async def live(app, unit_code: str) -> dict[tuple[str, bool], Exemplar]:
    """The unit's records still standing, by name and collective."""
    return {
        (r.name, r.collective): r for r in await records_of(app, unit_code) if not r.merged_into_id
    }


async def history(app, record_id: int) -> list[tuple[str, str | None]]:
    """The record's history: each line's kind, and the report of a "reported" line."""
    async with app.db.unit_of_work() as session:
        events = await session.scalars(
            select(ExemplarEvent)
            .where(ExemplarEvent.exemplar_id == record_id)
            .order_by(ExemplarEvent.at, ExemplarEvent.id)
        )
        return [(e.kind, e.details.get("deadline")) for e in events]


async def card(app, record_id: int) -> str:
    """The record's page, as the register shows it."""
    async with app.db.unit_of_work() as session:
        record = await session.get(Exemplar, record_id)
        return wording.card(await register.story(session, record), ENGLISH)


async def model_id(app, number: int) -> int:
    async with app.db.unit_of_work() as session:
        return await session.scalar(select(PilotModel.id).where(PilotModel.number == number))


# -- the phase-1 report, by a principal over Telegram --------------------------------------


@pytest.fixture
async def telegram(app) -> AsyncIterator[FakeTelegramAPI]:
    async with FakeTelegramAPI(bot_token=TEST_TOKEN) as fake, running(app_on(fake, app)):
        yield fake


async def phase1_over_telegram(app, clock, fake, rows: list[tuple[str, bool]]) -> str:
    """The school's principal fills in and sends the phase-1 report in Telegram, naming
    ``rows`` (name, collective) as its exemplars; what the bot answered last."""
    chat = TelegramChat(fake, 557_001)
    await chat.says(f"/start {await issue_code(app.db, clock, Role.HEAD, SCHOOL)}")
    await chat.says("/report")
    [phase1] = [data for label, data in button_data(chat.last).items() if "giai đoạn 1" in label]
    await chat.presses(phase1)
    await chat.says("Chương trình phát hiện, bồi dưỡng điển hình của nhà trường")
    await chat.says("05/10/2016")
    for name, collective in rows:
        await chat.presses(chat.verbs()["add"])
        await chat.says(name)
        await chat.presses(chat.verbs()["option0" if collective else "option1"])
        await chat.says("Giảng dạy")
        await chat.says("Nhiều học sinh giỏi cấp tỉnh")
    await chat.presses(chat.verbs()["done"])
    await chat.sends_file(a_pdf())
    await chat.presses(chat.verbs()["submit"])
    await chat.presses(chat.verbs()["yes"])
    return chat.text


async def test_an_exemplar_is_one_record_across_the_phase1_model_report_and_nominations(
    app, clock, telegram
):
    receipt = await phase1_over_telegram(
        app, clock, telegram, [("Tổ Toán", True), ("Nguyễn Văn An", False)]
    )
    assert "Đã nhận" in receipt
    await submit(app, clock, OTHER, "phase1-report", [row("Tổ Toán")])

    clock.set(MODEL_TERM)
    model_report = await submit(
        app,
        clock,
        SCHOOL,
        "model-report",
        [row("tổ toán"), row("TO TOAN"), row("NGUYEN VAN AN", "individual")],
        models=["1"],
    )
    clock.set(NOMINATION_TIME)
    nominations = await submit(
        app,
        clock,
        SCHOOL,
        "nominations",
        [row("Nguyễn Văn An", "individual", proposed_award="chien_si_thi_dua_cap_tinh")],
    )

    assert model_report.questions == () and nominations.questions == ()
    school = await live(app, SCHOOL)
    assert set(school) == {("Tổ Toán", True), ("Nguyễn Văn An", False)}  # as first written
    maths, an = school[("Tổ Toán", True)], school[("Nguyễn Văn An", False)]
    assert maths.stage is ExemplarStage.FOSTERED and maths.model_id == await model_id(app, 1)
    assert an.stage is ExemplarStage.FOSTERED  # named in the model report too
    assert maths.first_reported_at == an.first_reported_at < MODEL_TERM
    assert await history(app, maths.id) == [
        ("reported", "phase1-report"),
        ("reported", "model-report"),  # once, though the report names it twice
        ("stage", None),
    ]
    assert await history(app, an.id) == [
        ("reported", "phase1-report"),
        ("reported", "model-report"),
        ("stage", None),
        ("reported", "nominations"),
    ]
    page = await card(app, maths.id)
    assert "Stage: fostered" in page and "Pilot model 1." in page
    assert "First reported in: Phase-1 report" in page
    assert "reported in Phase-1 report: programme and measures" in page
    assert "as “Tổ Toán”" in page and "as “tổ toán”" in page  # each report's own spelling
    assert "stage found → fostered" in page

    [other] = (await live(app, OTHER)).values()  # another school's maths group
    assert other.id != maths.id and other.stage is ExemplarStage.FOUND
    assert other.model_id is None
    assert await history(app, other.id) == [("reported", "phase1-report")]
