"""The office's review queue: open, accept, return with a reason; the unit is told and revises."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.db.models import OutboxMessage, Role, Submission, SubmissionStatus
from tests.helpers import Person, fill_in, issue_code, open_deadline, record_submission

SCHOOL = "THPT-CHUYEN-HUNG-VUONG"


async def bound(app, clock, role: Role, unit: str | None = None) -> Person:
    person = Person.new(app)
    await person.says(f"/start {await issue_code(app.db, clock, role, unit)}")
    return person


async def submitted_phase1(app, clock) -> tuple[Person, Person]:
    """A principal who submitted the phase-1 report (with its signed plan), and a clerk."""
    principal = await bound(app, clock, Role.HEAD, SCHOOL)
    await open_deadline(app, principal, "phase1_report")
    await fill_in(principal)
    return principal, await bound(app, clock, Role.OFFICE)


async def opens_the_submission(clerk: Person) -> None:
    await clerk.says("/review")
    await clerk.taps("Trường THPT Chuyên Hùng Vương")


async def the_submission(app) -> Submission:
    async with app.db.unit_of_work() as session:
        return await session.scalar(select(Submission))


async def notices(app) -> list[str]:
    async with app.db.unit_of_work() as session:
        return [m.payload["text"] for m in await session.scalars(select(OutboxMessage))]


async def test_the_queue_lists_a_submission_with_its_answers_and_files(app, clock):
    _principal, clerk = await submitted_phase1(app, clock)

    await clerk.taps("Duyệt hồ sơ")
    assert "1 hồ sơ đang chờ duyệt" in clerk.text
    await clerk.taps("Trường THPT Chuyên Hùng Vương")

    assert "(giai đoạn 1) (2016-2017) — Trường THPT Chuyên Hùng Vương" in clerk.text
    assert "phiên bản 1 · đã nộp" in clerk.text
    assert "Nội dung thử nghiệm đầy đủ" in clerk.text  # the unit's answers
    await clerk.taps("📎 ke-hoach.pdf")
    [reply] = clerk.last.replies
    assert reply.document.file_ref == "file-ke-hoach.pdf"  # sent again by its platform id


async def test_accepting_tells_the_unit_and_empties_the_queue(app, clock):
    principal, clerk = await submitted_phase1(app, clock)
    await opens_the_submission(clerk)

    await clerk.taps("Chấp nhận")

    assert "✅ Đã chấp nhận: TD-" in clerk.text
    assert "Không có hồ sơ nào chờ duyệt" in clerk.text
    assert (await the_submission(app)).status == SubmissionStatus.ACCEPTED
    [notice] = await notices(app)
    assert notice.startswith("✅ Văn phòng Sở đã chấp nhận “Báo cáo nội dung")
    await principal.says("/mystatus")
    assert "đã được chấp nhận" in principal.text


async def test_returning_asks_a_reason_and_the_unit_revises(app, clock):
    principal, clerk = await submitted_phase1(app, clock)
    await opens_the_submission(clerk)
    await clerk.taps("Trả lại để chỉnh sửa")
    assert "Gõ lý do trả lại hồ sơ TD-" in clerk.text

    await clerk.says("ok")
    assert "từ 5 đến 1000 ký tự" in clerk.text  # too short; still waiting for the reason
    await clerk.says("Thiếu chữ ký của Hiệu trưởng trên kế hoạch")

    assert "↩️ Đã trả lại để chỉnh sửa" in clerk.text
    submission = await the_submission(app)
    assert submission.status == SubmissionStatus.RETURNED
    [notice] = await notices(app)
    assert "Lý do: Thiếu chữ ký của Hiệu trưởng trên kế hoạch" in notice
    await principal.says("/mystatus")
    assert "trả lại để chỉnh sửa" in principal.text
    assert "Lý do Văn phòng Sở nêu: Thiếu chữ ký" in principal.text

    await open_deadline(app, principal, "phase1_report")  # the notice's "Revise now" button
    await fill_in(principal)
    revised = await the_submission(app)
    assert (revised.status, revised.version) == (SubmissionStatus.SUBMITTED, 2)
    await clerk.says("/review")
    assert "1 hồ sơ đang chờ duyệt" in clerk.text


async def test_a_decision_on_a_version_the_unit_replaced_is_refused(app, clock):
    principal, clerk = await submitted_phase1(app, clock)
    await opens_the_submission(clerk)
    accept = clerk.button("Chấp nhận").payload
    await open_deadline(app, principal, "phase1_report")
    await fill_in(principal)  # version 2, saved while the clerk reads version 1

    await clerk.presses(accept)

    assert "Chưa thực hiện: hồ sơ này đã thay đổi" in clerk.text
    assert "phiên bản 2 · đã nộp" in clerk.text
    submission = await the_submission(app)
    assert (submission.status, submission.version) == (SubmissionStatus.SUBMITTED, 2)
    assert await notices(app) == []


async def test_cancel_stops_waiting_for_a_reason(app, clock):
    _principal, clerk = await submitted_phase1(app, clock)
    await opens_the_submission(clerk)
    await clerk.taps("Trả lại để chỉnh sửa")

    await clerk.says("/cancel")
    await clerk.says("Thiếu chữ ký của Hiệu trưởng")

    assert "chưa hiểu ý bạn" in clerk.text
    assert (await the_submission(app)).status == SubmissionStatus.SUBMITTED


async def test_the_queue_pages_by_eight_longest_waiting_first(app, clock):
    schools = [
        "THPT-CHUYEN-HUNG-VUONG",
        "THPT-LONG-CHAU-SA",
        "THPT-THANH-THUY",
        "THPT-PHUONG-XA",
        "THPT-HA-HOA",
        "THPT-VIET-TRI",
        "THPT-HUONG-CAN",
        "THPT-VINH-CHAN",
        "THPT-MINH-DAI",
    ]
    for school in schools:
        await record_submission(app.db, clock, school, "registration")
        clock.advance(timedelta(minutes=1))
    clerk = await bound(app, clock, Role.OFFICE)

    await clerk.says("/review")
    assert "9 hồ sơ đang chờ duyệt" in clerk.text
    labels = [b.label for b in clerk.last.replies[0].all_buttons()]
    assert labels[0].startswith("Trường THPT Chuyên Hùng Vương")
    await clerk.taps("Tiếp ➡️")
    [last, *_rest] = [b.label for b in clerk.last.replies[0].all_buttons()]
    assert last.startswith("Trường THPT Minh Đài")
