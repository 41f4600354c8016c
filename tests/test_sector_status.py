"""/status: counts per deadline, missing units paged, filters, and who may see what."""

from __future__ import annotations

from sqlalchemy import select, update

from bot.db.models import Deadline, Role, Submission, SubmissionStatus, Unit
from tests.helpers import Person, issue_code, record_submission


async def bound(app, clock, role: Role, unit: str | None = None) -> Person:
    person = Person.new(app)
    await person.says(f"/start {await issue_code(app.db, clock, role, unit)}")
    return person


async def phase_one(app) -> Deadline:
    async with app.db.unit_of_work() as session:
        return await session.scalar(select(Deadline).where(Deadline.code == "phase1-report"))


async def test_counts_and_the_missing_units_paged(app, clock):
    await record_submission(app.db, clock, "THPT-VIET-TRI", "phase1_report")
    await record_submission(app.db, clock, "THPT-HA-HOA", "phase1_report")
    await record_submission(
        app.db, clock, "THPT-PHONG-CHAU", "phase1_report", SubmissionStatus.RETURNED
    )
    async with app.db.unit_of_work() as session:  # Hạ Hòa's came in after the cut-off
        unit = await session.scalar(select(Unit.id).where(Unit.code == "THPT-HA-HOA"))
        await session.execute(
            update(Submission).where(Submission.unit_id == unit).values(late=True)
        )
    clerk = await bound(app, clock, Role.OFFICE)

    await clerk.says("/status phase1-report")

    assert "Đã nộp 1 · nộp muộn 1 · bị trả lại 1 · chưa nộp 31 (trên 34)" in clerk.text
    assert "Trang 1/4" in clerk.text
    assert clerk.text.count("\n • ") == 10
    await clerk.taps("Trang sau")
    assert "Trang 2/4" in clerk.text
    assert "Trường THPT Việt Trì" not in clerk.text  # it submitted


async def test_filters_by_block_district_and_pilot_model(app, clock):
    clerk = await bound(app, clock, Role.OFFICE)
    deadline = await phase_one(app)

    await clerk.presses(f"st:{deadline.id}:0:bs")
    assert "chưa nộp 17 (trên 17)" in clerk.text  # the Sở-direct schools of the 2016 plan
    await clerk.taps("Theo huyện")
    await clerk.taps("Việt Trì")
    assert "(trên 2)" in clerk.text  # the district office and its learning centre
    assert "Dữu Lâu" in clerk.text
    await clerk.presses(f"stf:{deadline.id}:m")
    await clerk.taps("6. ")
    assert "(trên 2)" in clerk.text and "Chuyên Hùng Vương" in clerk.text


async def test_a_district_office_sees_only_its_own_schools(app, clock):
    district = await bound(app, clock, Role.HEAD, "PGD-VIET-TRI")
    deadline = await phase_one(app)

    await district.says("/status phase1-report")
    assert "(trên 1)" in district.text and "Dữu Lâu" in district.text

    office_of_lam_thao = None
    async with app.db.unit_of_work() as session:
        office_of_lam_thao = await session.scalar(
            select(Unit.id).where(Unit.code == "PGD-LAM-THAO")
        )
    for forged in (f"st:{deadline.id}:0:d{office_of_lam_thao}", f"stf:{deadline.id}:d"):
        await district.presses(forged)
        assert district.last.notice == "Nút này không còn hiệu lực."


async def test_a_school_head_is_refused(app, clock):
    head = await bound(app, clock, Role.HEAD, "THPT-VIET-TRI")
    deadline = await phase_one(app)
    await head.says("/status")
    assert "không dành cho bạn" in head.text
    await head.presses(f"st:{deadline.id}:0:")
    assert head.last.notice == "Nút này không còn hiệu lực."
