"""The office selects each model's pilot units per school year: who owes the year's model
reports follows it, a change mid-year keeps what was sent, and the units are told."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from bot.db.models import Deadline, OutboxMessage, Role, Submission, Unit
from bot.services.obligations.owing import models_owed
from bot.services.setup.plan_store import store_plan
from tests.conftest import VIETNAM
from tests.helpers import Person, issue_code, open_deadline, record_submission

MID_YEAR = datetime(2016, 12, 1, 9, 0, tzinfo=VIETNAM)


async def bound(app, clock, role: Role, unit: str | None = None) -> Person:
    person = Person.new(app)
    await person.says(f"/start {await issue_code(app.db, clock, role, unit)}")
    return person


async def owed_model_report(app, code: str = "model-report") -> dict[str, list[int]]:
    """Unit code → the model numbers it still owes the deadline for."""
    async with app.db.unit_of_work() as session:
        deadline = await session.scalar(select(Deadline).where(Deadline.code == code))
        owed = await models_owed(session, deadline)
        codes = dict((await session.execute(select(Unit.id, Unit.code))).all())
    return {codes[unit]: numbers for unit, numbers in owed.items()}


async def notices_to(app, unit_name: str) -> list[str]:
    async with app.db.unit_of_work() as session:
        texts = [m.payload["text"] for m in await session.scalars(select(OutboxMessage))]
    return [text for text in texts if unit_name in text]


async def open_model_two(clerk: Person) -> None:
    await clerk.says("/pilots")
    await clerk.taps("2016-2017")
    await clerk.taps("mô hình 2.")


async def taps_on_some_page(person: Person, label: str) -> None:
    """Turn the list's pages until the unit's button shows, then press it."""
    while not any(label in b.label for r in person.last.replies for b in r.all_buttons()):
        await person.taps("Tiếp")
    await person.taps(label)


async def sodirect(clerk: Person) -> None:
    await clerk.taps("🔎")
    await clerk.taps("Khối trực thuộc Sở")


async def test_the_office_selects_a_unit_mid_year_and_it_now_owes_the_models_report(app, clock):
    clock.set(MID_YEAR)
    head = await bound(app, clock, Role.HEAD, "THPT-HA-HOA")
    clerk = await bound(app, clock, Role.OFFICE)
    assert (await owed_model_report(app))["THPT-HA-HOA"] == [1]

    await open_model_two(clerk)
    assert "7 đơn vị chỉ đạo điểm" in clerk.text
    await sodirect(clerk)
    await taps_on_some_page(clerk, "⬜ Trường THPT Hạ Hòa")

    assert "➕ Trường THPT Hạ Hòa: nay phải nộp" in clerk.text
    assert "(hạn chót 15/01/2017)" in clerk.text
    assert clerk.button("✅ Trường THPT Hạ Hòa")  # the list again, on the same page
    assert (await owed_model_report(app))["THPT-HA-HOA"] == [1, 2]
    [told] = await notices_to(app, "Trường THPT Hạ Hòa")
    assert "Văn phòng Sở đã chọn Trường THPT Hạ Hòa là đơn vị chỉ đạo điểm mô hình 2." in told
    assert "năm học 2016-2017, do Phòng Giáo dục Trung học chỉ đạo" in told
    assert "hạn chót 15/01/2017" in told

    await clerk.says("/models")
    model_two = clerk.text.split("\n\n2. ")[1].split("\n\n")[0]
    assert "Trường THPT Hạ Hòa ❌" in model_two
    await open_deadline(app, head, "model_report")  # its report now offers model 2
    assert head.button("Xây dựng trường Chuẩn quốc gia")


async def test_taking_a_unit_out_keeps_its_report_and_it_owes_no_more(app, clock):
    clock.set(MID_YEAR)
    await record_submission(app.db, clock, "THPT-VIET-TRI", "model_report")
    await bound(app, clock, Role.HEAD, "THPT-VIET-TRI")
    clerk = await bound(app, clock, Role.OFFICE)
    await open_model_two(clerk)
    await sodirect(clerk)

    await taps_on_some_page(clerk, "✅ Trường THPT Việt Trì")

    assert "➖ Trường THPT Việt Trì: không còn phải nộp báo cáo của mô hình này" in clerk.text
    assert "những gì đã gửi vẫn được giữ (" in clerk.text
    assert "THPT-VIET-TRI" not in await owed_model_report(app)
    [told] = await notices_to(app, "Trường THPT Việt Trì không còn")
    assert "những gì đã gửi vẫn được giữ nguyên" in told
    async with app.db.unit_of_work() as session:
        kept = await session.scalars(
            select(Submission.reference).join(Unit).where(Unit.code == "THPT-VIET-TRI")
        )
        assert [reference for reference in kept if reference in clerk.text]


async def test_a_later_years_selection_changes_who_owes_that_years_report_only(app, clock):
    clock.set(datetime(2018, 9, 10, 9, 0, tzinfo=VIETNAM))
    clerk = await bound(app, clock, Role.OFFICE)
    await clerk.says("/pilots")
    await clerk.taps("2018-2019 (năm học này)")
    await clerk.taps("mô hình 7.")
    assert "2 đơn vị chỉ đạo điểm" in clerk.text  # carried over from 2016-2017
    await clerk.taps("🔎")
    await clerk.taps("Phòng GD&ĐT thị xã Phú Thọ")
    await clerk.taps("⬜ Phòng GD&ĐT thị xã Phú Thọ")

    assert "(hạn chót 05/06/2019)" in clerk.text  # the office's date for the summary
    assert (await owed_model_report(app, "model-summary"))["PGD-PHU-THO"] == [7, 8]
    # 2016-2017 is untouched: the town's first-year reports do not include model 7.
    assert (await owed_model_report(app))["PGD-PHU-THO"] == [8]


async def test_reloading_the_plan_keeps_the_offices_first_year_change(app, clock):
    clock.set(MID_YEAR)
    clerk = await bound(app, clock, Role.OFFICE)
    await open_model_two(clerk)
    await sodirect(clerk)
    await taps_on_some_page(clerk, "⬜ Trường THPT Hạ Hòa")
    from bot.plan import load_plan

    async with app.db.unit_of_work() as session:
        await store_plan(session, load_plan(), clock, actor="test")

    assert (await owed_model_report(app))["THPT-HA-HOA"] == [1, 2]


async def test_forged_selection_buttons_are_refused(app, clock):
    clock.set(MID_YEAR)
    head = await bound(app, clock, Role.HEAD, "THPT-HA-HOA")
    clerk = await bound(app, clock, Role.OFFICE)
    async with app.db.unit_of_work() as session:
        ids = dict((await session.execute(select(Unit.code, Unit.id))).all())
    hoa = ids["THPT-HA-HOA"]

    await head.presses(f"pilt:2016-2017:2:all:0:{hoa}")  # not the office
    assert head.last.notice == "Nút này không còn hiệu lực."
    for forged in (
        f"pilt:2031-2032:2:all:0:{hoa}",  # not a year of the plan
        f"pilt:2016-2017:99:all:0:{hoa}",  # no such model
        f"pilt:2016-2017:2:all:0:{ids['SO']}",  # the Sở is no pilot
        f"pilt:2016-2017:2:{hoa}:0:{hoa}",  # a school is no district office
        "pilt:2016-2017:2",
    ):
        await clerk.presses(forged)
        assert clerk.last.notice == "Nút này không còn hiệu lực.", forged
    assert (await owed_model_report(app))["THPT-HA-HOA"] == [1]
