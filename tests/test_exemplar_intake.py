"""The register of exemplars as reports fill it: each exemplar a unit names becomes one record,
found again in its later reports whatever the case or accents, with its history across them;
a name only close to an earlier one is a question for the unit; an award decision honours it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date, datetime
from typing import Any

import pytest
from sqlalchemy import select

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


async def test_a_collective_and_an_individual_of_the_same_name_stay_apart(app, clock):
    await submit(app, clock, SCHOOL, "phase1-report", [row("Hoàng Hoa Thám")])
    clock.set(ANNUAL_2017)
    await submit(app, clock, SCHOOL, "annual-report-2017", [row("hoàng hoa thám", "individual")])

    school = await live(app, SCHOOL)
    assert set(school) == {("Hoàng Hoa Thám", True), ("hoàng hoa thám", False)}
    collective, person = school[("Hoàng Hoa Thám", True)], school[("hoàng hoa thám", False)]
    assert await history(app, collective.id) == [("reported", "phase1-report")]
    assert await history(app, person.id) == [("reported", "annual-report-2017")]


async def test_a_new_version_of_a_report_adds_no_second_line_nor_record(app, clock):
    await submit(app, clock, SCHOOL, "phase1-report", [row("Tổ Toán"), row("Tổ Ngữ văn")])
    clock.set(datetime(2016, 10, 10, 9, 0, tzinfo=VIETNAM))
    second = await submit(
        app,
        clock,
        SCHOOL,
        "phase1-report",
        [row("TỔ TOÁN"), row("Tổ Ngữ văn"), row("Đoàn Thị Mai", "individual")],
    )
    clock.set(MODEL_TERM)
    for _version in range(2):
        await submit(app, clock, SCHOOL, "model-report", [row("Tổ Toán")], models=["1"])

    assert second.version.number == 2 and second.questions == ()
    school = await live(app, SCHOOL)
    assert len(await records_of(app, SCHOOL)) == len(school) == 3
    maths = school[("Tổ Toán", True)]
    assert await history(app, maths.id) == [
        ("reported", "phase1-report"),
        ("reported", "model-report"),
        ("stage", None),  # fostered once
    ]
    assert await history(app, school[("Đoàn Thị Mai", False)].id) == [("reported", "phase1-report")]
    # The one added by the second version was first reported when that version was saved.
    assert school[("Đoàn Thị Mai", False)].first_reported_at > maths.first_reported_at


async def questions_of(app, unit_code: str) -> list[tuple[str, str, bool | None, bool]]:
    """The unit's questions: the new name, the earlier one, the answer, whether answered."""
    async with app.db.unit_of_work() as session:
        names = dict((await session.execute(select(Exemplar.id, Exemplar.name))).all())
        unit_id = await session.scalar(select(Unit.id).where(Unit.code == unit_code))
        matches = await session.scalars(
            select(ExemplarMatch)
            .join(Exemplar, Exemplar.id == ExemplarMatch.exemplar_id)
            .where(Exemplar.unit_id == unit_id)
            .order_by(ExemplarMatch.id)
        )
        return [
            (names[m.exemplar_id], names[m.candidate_id], m.same, m.answered_at is not None)
            for m in matches
        ]


async def answer(app, clock, match_id: int, same: bool) -> Exemplar:
    async with app.db.unit_of_work() as session:
        match = await session.get(ExemplarMatch, match_id)
        return await changes.answer(session, match, same, "person:1", clock.now())


async def test_a_near_name_is_asked_about_and_yes_joins_it_to_the_earlier_record(app, clock):
    first = await submit(app, clock, SCHOOL, "phase1-report", [row("Tổ Toán - Tin")])
    clock.set(MODEL_TERM)
    receipt = await submit(app, clock, SCHOOL, "model-report", [row("Tổ Toán Tin")], models=["1"])

    [question] = receipt.questions
    earlier, later = (await records_of(app, SCHOOL))[:2]
    assert (question.exemplar_id, question.candidate_id) == (later.id, earlier.id)
    assert later.stage is ExemplarStage.FOSTERED and earlier.stage is ExemplarStage.FOUND
    asked = wording.question_text(later, earlier, ENGLISH)
    assert "Is “Tổ Toán Tin” the same exemplar as “Tổ Toán - Tin”, first reported on" in asked

    clock.set(datetime(2016, 12, 6, 9, 0, tzinfo=VIETNAM))
    standing = await answer(app, clock, question.id, same=True)

    assert standing.id == earlier.id
    assert set(await live(app, SCHOOL)) == {("Tổ Toán - Tin", True)}
    [joined] = (await live(app, SCHOOL)).values()
    assert joined.stage is ExemplarStage.FOSTERED and joined.model_id == await model_id(app, 1)
    assert joined.first_reported_at == earlier.first_reported_at < MODEL_TERM
    assert joined.first_submission_id == first.submission.id
    assert await history(app, joined.id) == [
        ("reported", "phase1-report"),
        ("reported", "model-report"),
        ("stage", None),  # fostered in the model report, as the later record was
        ("stage", None),  # and so the joined record is now
        ("merged", None),
    ]
    assert await history(app, later.id) == []
    assert await questions_of(app, SCHOOL) == [("Tổ Toán Tin", "Tổ Toán - Tin", True, True)]
    async with app.db.unit_of_work() as session:
        scope = register.Scope(None)
        assert (await register.record_in(session, scope, later.id)).id == earlier.id
        assert (await register.page(session, scope, 0, "toán")).total == 1
    page = await card(app, earlier.id)
    assert "as “Tổ Toán - Tin”" in page and "as “Tổ Toán Tin”" in page
    assert "merged with “Tổ Toán Tin”" in page
    with pytest.raises(changes.ChangeRefused):
        await answer(app, clock, question.id, same=False)

    clock.set(ANNUAL_2017)  # the next report writes it as the later one did
    again = await submit(app, clock, SCHOOL, "annual-report-2017", [row("Tổ Toán Tin")])
    assert again.questions == ()
    assert set(await live(app, SCHOOL)) == {("Tổ Toán - Tin", True)}
    assert (await history(app, earlier.id))[-1] == ("reported", "annual-report-2017")


async def test_a_typo_the_unit_says_is_someone_else_keeps_both_and_is_not_asked_again(app, clock):
    await submit(app, clock, SCHOOL, "phase1-report", [row("Nguyễn Văn An", "individual")])
    clock.set(ANNUAL_2017)
    receipt = await submit(
        app, clock, SCHOOL, "annual-report-2017", [row("Nguyen Van Anh", "individual")]
    )
    [question] = receipt.questions

    standing = await answer(app, clock, question.id, same=False)

    assert standing.name == "Nguyen Van Anh" and not standing.merged_into_id
    assert set(await live(app, SCHOOL)) == {("Nguyễn Văn An", False), ("Nguyen Van Anh", False)}
    assert await questions_of(app, SCHOOL) == [("Nguyen Van Anh", "Nguyễn Văn An", False, True)]
    clock.set(datetime(2018, 5, 20, 9, 0, tzinfo=VIETNAM))
    again = await submit(
        app, clock, SCHOOL, "annual-report-2018", [row("Nguyễn Văn Anh", "individual")]
    )
    assert again.questions == ()  # the record the unit kept apart, with its accents now
    anh = (await live(app, SCHOOL))[("Nguyen Van Anh", False)]
    assert await history(app, anh.id) == [
        ("reported", "annual-report-2017"),
        ("reported", "annual-report-2018"),
    ]


async def test_other_people_of_the_same_family_and_middle_name_are_no_question(app, clock):
    """Most teachers are Nguyễn Thị or Nguyễn Văn someone: sharing those is not being alike."""
    await submit(
        app,
        clock,
        SCHOOL,
        "phase1-report",
        [row("Nguyễn Thị Hương", "individual"), row("Nguyễn Văn An", "individual")],
    )
    clock.set(ANNUAL_2017)
    receipt = await submit(
        app,
        clock,
        SCHOOL,
        "annual-report-2017",
        [
            row("Nguyễn Thị Hằng", "individual"),
            row("Nguyễn Thị Hoa", "individual"),
            row("Nguyễn Văn Bình", "individual"),
            row("Tổ Ngữ văn"),
        ],
    )

    assert receipt.questions == ()
    assert len(await live(app, SCHOOL)) == 6


async def test_a_district_offices_schools_of_like_names_are_no_question(app, clock):
    receipt = await submit(
        app,
        clock,
        "PGD-LAM-THAO",
        "phase1-report",
        [
            row("Trường Mầm non Hoa Sen"),
            row("Trường Mầm non Hoa Hồng"),
            row("Trường THCS Lâm Thao"),
        ],
    )
    assert receipt.questions == ()
    assert len(await live(app, "PGD-LAM-THAO")) == 3


async def test_an_award_decision_naming_an_exemplar_honours_its_record(app, clock):
    await submit(
        app, clock, SCHOOL, "phase1-report", [row("Tổ Toán"), row("Nguyễn Văn An", "individual")]
    )
    await submit(app, clock, OTHER, "phase1-report", [row("Nguyễn Văn An", "individual")])
    clock.set(datetime(2017, 7, 3, 9, 0, tzinfo=VIETNAM))
    async with app.db.unit_of_work() as session:
        school_id = await session.scalar(select(Unit.id).where(Unit.code == SCHOOL))
    entry = AwardEntry(
        award_code="chien_si_thi_dua_co_so",
        recipient_name="nguyễn văn an",  # as the decision's list writes it
        collective=False,
        unit_id=school_id,
        decision_number="1520 / qđ-sgd",
        decision_date=date(2017, 6, 26),
    )
    for _recorded_twice in range(2):
        async with app.db.unit_of_work() as session:
            award, _new = await record_award(session, clock, entry, actor="cli")

    school = await live(app, SCHOOL)
    an = school[("Nguyễn Văn An", False)]
    assert an.stage is ExemplarStage.HONOURED and an.award_id == award.id
    assert await history(app, an.id) == [("reported", "phase1-report"), ("stage", None)]
    assert "honoured: award decision 1520/QĐ-SGD" in await card(app, an.id)
    assert school[("Tổ Toán", True)].stage is ExemplarStage.FOUND
    [elsewhere] = (await live(app, OTHER)).values()  # the same name at another school
    assert elsewhere.stage is ExemplarStage.FOUND and elsewhere.award_id is None


async def test_the_office_cannot_set_honoured_by_hand(app, clock):
    await submit(app, clock, SCHOOL, "phase1-report", [row("Tổ Toán")])
    [maths] = (await live(app, SCHOOL)).values()

    async with app.db.unit_of_work() as session:
        record = await session.get(Exemplar, maths.id)
        with pytest.raises(changes.ChangeRefused) as refused:
            await changes.check(
                session, record, "person:1", clock.now(), stage=ExemplarStage.HONOURED
            )
        await changes.check(session, record, "person:1", clock.now(), stage=ExemplarStage.FOSTERED)

    assert refused.value.reason == "An exemplar is honoured by the award decision that names it."
    [checked] = (await live(app, SCHOOL)).values()
    assert checked.stage is ExemplarStage.FOSTERED and checked.award_id is None
    assert await history(app, maths.id) == [("reported", "phase1-report"), ("stage", None)]


async def test_a_typo_corrected_in_a_new_version_leaves_no_record_nor_question(app, clock):
    await submit(app, clock, SCHOOL, "phase1-report", [row("Nguyễn Văn An", "individual")])
    clock.set(ANNUAL_2017)
    typo = await submit(
        app, clock, SCHOOL, "annual-report-2017", [row("Nguyen Van Anh", "individual")]
    )
    assert len(typo.questions) == 1
    corrected = await submit(
        app, clock, SCHOOL, "annual-report-2017", [row("Nguyễn Văn An", "individual")]
    )

    assert corrected.questions == ()
    [an] = await records_of(app, SCHOOL)
    assert an.name == "Nguyễn Văn An"
    assert await history(app, an.id) == [
        ("reported", "phase1-report"),
        ("reported", "annual-report-2017"),
    ]
    assert await questions_of(app, SCHOOL) == []


async def test_a_row_taken_out_of_a_new_version_is_no_longer_reported_by_it(app, clock):
    await submit(app, clock, SCHOOL, "phase1-report", [row("Tổ Toán")])
    clock.set(MODEL_TERM)
    await submit(app, clock, SCHOOL, "model-report", [row("Tổ Toán"), row("Tổ Văn")], ["1"])
    await submit(app, clock, SCHOOL, "model-report", [row("Tổ Văn")], ["1"])

    school = await live(app, SCHOOL)
    assert set(school) == {("Tổ Toán", True), ("Tổ Văn", True)}
    # Still fostered: the office can check it down; its report line is the phase-1 one only.
    assert await history(app, school[("Tổ Toán", True)].id) == [
        ("reported", "phase1-report"),
        ("stage", None),
    ]
    assert await history(app, school[("Tổ Văn", True)].id) == [
        ("reported", "model-report"),
        ("stage", None),
    ]


async def test_an_exemplar_first_reported_after_its_award_is_honoured_by_it(app, clock):
    """The decision came first (an award the Sở recorded in 2016), the report later: the record
    is honoured as soon as it is made, and only for the kind the decision names."""
    async with app.db.unit_of_work() as session:
        school_id = await session.scalar(select(Unit.id).where(Unit.code == SCHOOL))
        entry = AwardEntry(
            award_code="chien_si_thi_dua_co_so",
            recipient_name="Nguyễn Văn An",
            collective=False,
            unit_id=school_id,
            decision_number="901/QĐ-SGD",
            decision_date=date(2016, 9, 20),
        )
        award, _new = await record_award(session, clock, entry, actor="cli")

    await submit(
        app,
        clock,
        SCHOOL,
        "phase1-report",
        [row("NGUYEN VAN AN", "individual"), row("Nguyễn Văn An", "collective")],
    )

    school = await live(app, SCHOOL)
    teacher = school[("NGUYEN VAN AN", False)]
    assert teacher.stage is ExemplarStage.HONOURED and teacher.award_id == award.id
    assert await history(app, teacher.id) == [("reported", "phase1-report"), ("stage", None)]
    assert school[("Nguyễn Văn An", True)].stage is ExemplarStage.FOUND
