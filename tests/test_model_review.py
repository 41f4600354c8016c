"""The review of the pilot models at the end of 2016-2017 is the council's standing body's,
done with the units: the units give their input, the office's own review starts from it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from bot.db.models import Deadline, Role, Submission, Unit
from tests.conftest import VIETNAM
from tests.helpers import Person, fill_in, issue_code, open_deadline

INPUTS_IN = datetime(2017, 6, 2, 8, 0, tzinfo=VIETNAM)  # after the units' 31/05/2017


async def bound(app, clock, role: Role, unit: str | None = None) -> Person:
    person = Person.new(app)
    await person.says(f"/start {await issue_code(app.db, clock, role, unit)}")
    return person


async def units_give_their_input(app, clock) -> None:
    clock.set(datetime(2017, 5, 20, 8, 0, tzinfo=VIETNAM))
    for code in ("PGD-LAM-THAO", "THPT-CHUYEN-HUNG-VUONG"):
        head = await bound(app, clock, Role.HEAD, code)
        await open_deadline(app, head, "model_review")
        await fill_in(head)  # its first model; 3 exemplars; the same test wording


async def office_deadline(app) -> Deadline:
    async with app.db.unit_of_work() as session:
        return await session.scalar(select(Deadline).where(Deadline.code == "model-review-office"))


async def test_the_offices_review_opens_prefilled_from_the_units_inputs(app, clock):
    await units_give_their_input(app, clock)
    clerk = await bound(app, clock, Role.OFFICE)
    clock.set(INPUTS_IN)

    await clerk.says("/report")  # not in its menu: the office has one report in the plan
    await clerk.taps("Thường trực HĐ TĐKT ngành")

    text = clerk.text
    assert "Điền sẵn từ ý kiến của các đơn vị" in text
    assert "Số đơn vị đã gửi ý kiến\n   2" in text
    assert "Số điển hình đã xây dựng\n   6" in text  # 3 + 3
    assert "Mô hình 1. Nâng cao chất lượng giáo dục: 2/7 đơn vị đã báo cáo" in text
    assert "Mô hình 2. Xây dựng trường Chuẩn quốc gia: 0/7 đơn vị đã báo cáo" in text
    assert "• Phòng GD&ĐT huyện Lâm Thao: Nội dung thử nghiệm đầy đủ" in text

    await fill_in(clerk)  # completes what is left and submits

    assert "✅ Đã nhận" in clerk.text
    review = await office_deadline(app)
    async with app.db.unit_of_work() as session:
        [mine] = await session.scalars(
            select(Unit.code)
            .join(Submission, Submission.unit_id == Unit.id)
            .where(Submission.deadline_id == review.id)
        )
    assert mine == "SO"


async def test_units_owe_their_input_and_only_the_office_owes_the_review(app, clock):
    head = await bound(app, clock, Role.HEAD, "PGD-LAM-THAO")
    clock.set(datetime(2017, 5, 1, 8, 0, tzinfo=VIETNAM))

    await head.says("/deadlines")
    assert "Đánh giá của đơn vị cho sơ kết" in head.text
    assert "của Thường trực HĐ TĐKT ngành" not in head.text

    await head.presses(f"open:{(await office_deadline(app)).id}")  # a forged button
    assert head.last.notice == "Nút này không còn hiệu lực."
