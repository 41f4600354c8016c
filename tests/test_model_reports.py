"""A unit in several pilot models owes the models' reports for each of them: Lâm Thao is in
models 1, 2 and 7, and a report on model 1 alone leaves 2 and 7 owed."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from bot.db.models import Deadline, Role, Unit
from bot.services.obligations.owing import owing_units
from tests.conftest import VIETNAM
from tests.helpers import Person, fill_in, issue_code, open_deadline

LAM_THAO = "PGD-LAM-THAO"  # models 1, 2 and 7
SEMESTER_END = datetime(2016, 12, 1, 8, 0, tzinfo=VIETNAM)


async def bound(app, clock, role: Role, unit: str | None = None) -> Person:
    person = Person.new(app)
    await person.says(f"/start {await issue_code(app.db, clock, role, unit)}")
    return person


async def report_on_first_model(app, clock) -> tuple[Person, int]:
    """Lâm Thao's head submits the model report ticking only its first model (model 1)."""
    head = await bound(app, clock, Role.HEAD, LAM_THAO)
    clock.set(SEMESTER_END)
    deadline = await open_deadline(app, head, "model_report")
    await fill_in(head)  # ticks the first option only
    return head, deadline.id


async def lam_thao_owes(app, deadline_id: int) -> bool:
    async with app.db.unit_of_work() as session:
        unit_id = await session.scalar(select(Unit.id).where(Unit.code == LAM_THAO))
        return unit_id in await owing_units(session, await session.get(Deadline, deadline_id))


def model_section(text: str, number: int) -> str:
    return text.split(f"\n\n{number}. ")[1].split("\n\n")[0]


async def test_a_report_on_one_model_leaves_the_others_owed(app, clock):
    head, deadline_id = await report_on_first_model(app, clock)
    assert "còn nợ báo cáo này cho mô hình điểm 2, 7" in head.text  # on the receipt
    assert await lam_thao_owes(app, deadline_id)

    council = await bound(app, clock, Role.COUNCIL)
    await council.says("/models")
    assert "Phòng GD&ĐT huyện Lâm Thao ✅" in model_section(council.text, 1)
    assert "Phòng GD&ĐT huyện Lâm Thao ❌" in model_section(council.text, 2)
    assert "Phòng GD&ĐT huyện Lâm Thao ❌" in model_section(council.text, 7)

    await head.says("/deadlines")
    assert "🟡 Đã nộp, nhưng chưa nộp cho mô hình điểm 2, 7" in head.text


async def test_status_by_model_lists_the_unit_only_where_it_still_owes(app, clock):
    _head, deadline_id = await report_on_first_model(app, clock)
    clerk = await bound(app, clock, Role.OFFICE)

    await clerk.presses(f"st:{deadline_id}:0:m2")
    assert "Phòng GD&ĐT huyện Lâm Thao (còn nợ mô hình điểm 2)" in clerk.text
    await clerk.presses(f"st:{deadline_id}:0:m1")
    assert "Lâm Thao" not in clerk.text  # its report covers model 1


async def test_reminders_name_the_models_still_owed(app, clock, jobs, sender):
    head, _deadline_id = await report_on_first_model(app, clock)
    clock.set(datetime(2017, 1, 8, 8, 0, tzinfo=VIETNAM))  # a week before 15/01/2017

    await jobs.remind()
    await jobs.deliver()

    [reminder] = [text for chat, text in sender.delivered if chat == head.identity.chat_id]
    assert "Còn nợ báo cáo cho mô hình điểm: 2. Xây dựng trường Chuẩn quốc gia; 7. Thí điểm" in (
        reminder
    )


async def test_after_the_deadline_the_unit_can_still_add_its_other_models(app, clock):
    head, deadline_id = await report_on_first_model(app, clock)
    clock.set(datetime(2017, 1, 20, 8, 0, tzinfo=VIETNAM))  # five days after 15/01/2017

    await head.presses(f"open:{deadline_id}")
    await head.presses(head.verbs()["edit0"])  # the models answer
    for verb in ("option1", "option2", "done", "submit", "yes"):
        await head.presses(head.verbs()[verb])

    assert "Đã nhận" in head.text and "còn nợ" not in head.text
    assert not await lam_thao_owes(app, deadline_id)
