"""/exemplars in chat: who sees which records, a record's history across reports, the unit's
answers and changes, the office's check (and the unit told), forged buttons refused."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from bot.db.models import (
    Exemplar,
    OutboxMessage,
    Role,
)
from bot.forms.catalog import EXEMPLAR_TABLES
from tests.conftest import VIETNAM
from tests.helpers import Person, fill_in, issue_code, submit_report
from tests.test_telegram import TelegramChat, app_on, button_data, fake, press, running

__all__ = ["fake"]  # the fake Bot API fixture, shared with the Telegram tests

CENTRE = "TTHTCD-DUU-LAU"  # under Phòng GD&ĐT Việt Trì
SCHOOL = "THPT-PHUONG-XA"  # under the Sở
JANUARY = datetime(2017, 1, 10, 9, 0, tzinfo=VIETNAM)


async def bound(app, clock, role: Role, unit: str | None = None) -> Person:
    person = Person.new(app)
    await person.says(f"/start {await issue_code(app.db, clock, role, unit)}")
    return person


DEADLINES = {"phase1_report": "phase1-report", "model_report": "model-report"}


async def reports(app, clock, unit_code: str, form_code: str, *names: str) -> None:
    """The unit saves the form's first report naming these exemplars ("*" before a name: an
    individual), through the real submission service."""
    rows = [
        {"name": name.lstrip("*"), "kind": "individual" if name[0] == "*" else "collective"}
        for name in names
    ]
    answers = {EXEMPLAR_TABLES[form_code]: rows}
    await submit_report(app.db, clock, unit_code, DEADLINES[form_code], answers)


async def asked_about_a_near_name(app, clock) -> Person:
    """The school reported "Tổ Toán", then "Tổ Toán - Tin": its head, who is to be asked."""
    await reports(app, clock, SCHOOL, "phase1_report", "Tổ Toán")
    clock.set(JANUARY)
    await reports(app, clock, SCHOOL, "model_report", "Tổ Toán - Tin")
    return await bound(app, clock, Role.HEAD, SCHOOL)


async def record_id(app, name: str) -> int:
    async with app.db.unit_of_work() as session:
        return await session.scalar(
            select(Exemplar.id).where(Exemplar.name == name, Exemplar.merged_into_id.is_(None))
        )


def labels(person: Person) -> list[str]:
    return [b.label for reply in person.last.replies for b in reply.all_buttons()]


async def notices(app) -> list[str]:
    async with app.db.unit_of_work() as session:
        return [m.payload["text"] for m in await session.scalars(select(OutboxMessage))]


async def test_a_unit_follows_its_exemplar_from_the_phase_one_report_to_its_model_report(
    app, clock
):
    await reports(app, clock, SCHOOL, "phase1_report", "Tổ Toán", "*Nguyễn Văn An")
    clock.set(JANUARY)
    await reports(app, clock, SCHOOL, "model_report", "TỔ TOÁN")
    head = await bound(app, clock, Role.HEAD, SCHOOL)

    await head.taps("🌟 Điển hình")
    assert "Số điển hình trong sổ theo dõi: 2" in head.text
    assert "🔍 phát hiện 1 · 🌱 bồi dưỡng 1" in head.text
    await head.taps("🌱 Tổ Toán")

    assert "Trường THPT Phương Xá · tập thể" in head.text
    assert "Giai đoạn: bồi dưỡng" in head.text
    assert "Báo cáo lần đầu: Báo cáo nội dung, chương trình" in head.text
    assert "01/10/2016 · báo cáo trong Báo cáo nội dung" in head.text
    assert "10/01/2017 · báo cáo trong" in head.text and "“TỔ TOÁN”" in head.text
    assert "10/01/2017 · giai đoạn phát hiện → bồi dưỡng" in head.text
    assert head.button("✏️ Đổi tên") and not head.verbs().get("exs")


async def test_a_near_name_is_asked_about_and_yes_joins_the_two_histories(app, clock):
    head = await asked_about_a_near_name(app, clock)
    await head.says("/exemplars toan tin")
    await head.taps("Tổ Toán - Tin")

    question = head.last.replies[-1].text
    assert "“Tổ Toán - Tin” có phải là cùng điển hình với “Tổ Toán”" in question
    assert "ngày 01/10/2016" in question
    await head.taps("✅ Đúng, là một")

    assert "Đã gộp" in head.text
    assert "🌱 Tổ Toán" in head.text  # the earlier record stands, fostered now
    assert "gộp với “Tổ Toán - Tin”" in head.text
    assert "01/10/2016 · báo cáo trong Báo cáo nội dung" in head.text
    await head.says("/exemplars")
    assert "Số điển hình trong sổ theo dõi: 1" in head.text


async def test_no_keeps_both_and_the_question_is_not_asked_again(app, clock):
    head = await asked_about_a_near_name(app, clock)
    await head.presses(f"exr:{await record_id(app, 'Tổ Toán - Tin')}")
    answer_no = head.button("❌ Không, là điển hình khác").payload

    await head.presses(answer_no)
    assert "Giữ riêng" in head.text
    assert len(head.last.replies) == 1  # the card, with no question under it
    await head.presses(answer_no)
    assert "đã được trả lời" in head.text
    await head.says("/exemplars")
    assert "Số điển hình trong sổ theo dõi: 2" in head.text


async def test_the_office_checks_an_exemplar_and_the_unit_is_told(app, clock):
    await reports(app, clock, SCHOOL, "phase1_report", "Tổ Toán")
    await reports(app, clock, CENTRE, "phase1_report", "Câu lạc bộ đọc sách")
    await reports(app, clock, "PGD-VIET-TRI", "phase1_report", "Tổ chuyên môn Mầm non")
    await bound(app, clock, Role.HEAD, SCHOOL)
    clerk = await bound(app, clock, Role.OFFICE)

    await clerk.says("/exemplars")
    assert "Số điển hình trong sổ theo dõi: 3" in clerk.text
    assert "Khối trực thuộc Sở: 1" in clerk.text
    assert "Phòng GD&ĐT thành phố Việt Trì: 2" in clerk.text  # the office's own, its centre's
    await clerk.says("/exemplars TO TOAN")
    assert "1 điển hình" in clerk.text
    await clerk.taps("Tổ Toán")
    await clerk.taps("nhân rộng")

    assert "Giai đoạn: nhân rộng" in clerk.text
    assert "1 người của đơn vị được báo" in clerk.text
    [told] = await notices(app)
    assert "Văn phòng Sở đã kiểm tra điển hình “Tổ Toán” của đơn vị" in told
    assert "Giai đoạn: phát hiện → nhân rộng" in told

    await clerk.taps("📝")
    await clerk.says("Cần   nhân rộng ra toàn tỉnh")
    assert "ghi chú (" in clerk.text and ": Cần nhân rộng ra toàn tỉnh" in clerk.text
    assert any("Ghi chú: Cần nhân rộng ra toàn tỉnh" in told for told in await notices(app))


async def test_a_unit_renames_retires_with_a_reason_and_merges_its_records(app, clock):
    await reports(app, clock, SCHOOL, "phase1_report", "To Toan", "Tổ Văn", "Tổ Toán THPT")
    head = await bound(app, clock, Role.HEAD, SCHOOL)
    await head.presses(f"exr:{await record_id(app, 'To Toan')}")

    await head.taps("✏️ Đổi tên")
    await head.says("T")
    assert "Tên dài từ 2 đến 200 ký tự" in head.text  # asked again, nothing lost
    await head.says("Tổ Toán - Tin học")
    assert "đổi tên “To Toan” → “Tổ Toán - Tin học”" in head.text

    await head.taps("🔗")
    await head.taps("Tổ Toán THPT")
    assert "không thể hoàn tác" in head.text
    await head.taps("✅ Gộp")
    assert "Đã gộp" in head.text and "gộp với “Tổ Toán - Tin học”" in head.text

    await head.presses(f"exr:{await record_id(app, 'Tổ Văn')}")
    await head.taps("🚫")
    await head.says("ok")
    assert "Xin ghi lý do" in head.text
    await head.says("Tổ đã sáp nhập với tổ Sử")
    assert "🚫 Tổ Văn" in head.text and "không còn là điển hình" in head.text
    assert not any("Đổi tên" in label for label in labels(head))


async def test_each_person_sees_only_their_scope_and_forged_buttons_are_refused(app, clock):
    await reports(app, clock, SCHOOL, "phase1_report", "Tổ Toán")
    await reports(app, clock, CENTRE, "phase1_report", "Câu lạc bộ đọc sách")
    await reports(app, clock, CENTRE, "model_report", "Câu lạc bộ đọc sách hay")
    school_record = await record_id(app, "Tổ Toán")
    district = await bound(app, clock, Role.HEAD, "PGD-VIET-TRI")
    school = await bound(app, clock, Role.HEAD, SCHOOL)
    council = await bound(app, clock, Role.COUNCIL)

    await district.says("/exemplars")
    assert "Số điển hình trong sổ theo dõi: 2" in district.text
    listed = labels(district)
    assert any("Câu lạc bộ đọc sách" in label for label in listed)
    assert not any("Tổ Toán" in label for label in listed)
    for forged in (f"exr:{school_record}", f"exe:{school_record}:rename", f"exm:{school_record}"):
        await district.presses(forged)
        assert "Nút này không còn hiệu lực" in district.text

    centre_record = await record_id(app, "Câu lạc bộ đọc sách hay")
    # The only question asked (1) is the centre's: the school may not answer it.
    for forged in (f"exr:{centre_record}", f"exs:{school_record}:replicated", "exq:1:y"):
        await school.presses(forged)
        assert "Nút này không còn hiệu lực" in school.text

    await council.says("/exemplars")
    assert "Số điển hình trong sổ theo dõi: 3" in council.text
    await council.presses(f"exr:{school_record}")
    assert "Giai đoạn: phát hiện" in council.text
    assert labels(council)[:1] == ["🌟 Điển hình"]  # no stage, note or edit buttons
    await council.presses(f"exs:{school_record}:replicated")
    assert "Nút này không còn hiệu lực" in council.text


async def test_over_telegram_the_receipt_asks_about_a_near_name_and_yes_joins_them(
    fake, app, clock
):
    """The phase-1 report names "Nội dung thử nghiệm đầy đủ" (what ``fill_in`` types) after an
    earlier report named "Nội dung thử nghiệm": the receipt asks, the principal answers."""
    await reports(app, clock, SCHOOL, "model_report", "Nội dung thử nghiệm")
    user = 557_001
    async with running(app_on(fake, app)):
        chat = TelegramChat(fake, user)
        await chat.says(f"/start {await issue_code(app.db, clock, Role.HEAD, SCHOOL)}")
        await chat.says("/report")
        await chat.presses(next(iter(button_data(chat.last).values())))
        await fill_in(chat)
        assert "Đã nhận" in chat.text

        [question] = await fake.wait_for_messages(user, 1)
        assert "“Nội dung thử nghiệm đầy đủ” có phải là cùng điển hình" in question.plain_text
        joined, _answer = await press(fake, button_data(question)["✅ Đúng, là một"], user)

    assert "Đã gộp" in joined.plain_text
    assert "gộp với “Nội dung thử nghiệm đầy đủ”" in joined.plain_text
    async with app.db.unit_of_work() as session:
        live = await session.scalars(select(Exemplar).where(Exemplar.merged_into_id.is_(None)))
        assert [record.name for record in live] == ["Nội dung thử nghiệm"]


async def test_opening_a_form_sets_aside_a_name_asked_for(app, clock):
    await reports(app, clock, SCHOOL, "phase1_report", "Tổ Toán")
    head = await bound(app, clock, Role.HEAD, SCHOOL)
    await head.presses(f"exe:{await record_id(app, 'Tổ Toán')}:rename")
    assert "Gõ tên mới của “Tổ Toán”" in head.text

    await head.says("/register")
    await head.says("/cancel")
    await head.says("Tổ Toán học")  # long after: not taken for the new name

    assert "Xin lỗi, mình chưa hiểu ý bạn" in head.text
    assert await record_id(app, "Tổ Toán")


async def test_the_office_chooses_a_teacher_for_pilot_steering_this_school_year(app, clock):
    """The plan's yearly selection names individuals too: "các tập thể, cá nhân tiêu biểu"."""
    await reports(app, clock, SCHOOL, "phase1_report", "*Nguyễn Thị Lan")
    await bound(app, clock, Role.HEAD, SCHOOL)
    clerk = await bound(app, clock, Role.OFFICE)
    teacher = await record_id(app, "Nguyễn Thị Lan")
    await clerk.presses(f"exr:{teacher}")
    await clerk.taps("🎯")
    assert "Năm học 2016-2017: chỉ đạo điểm “Nguyễn Thị Lan” theo mô hình nào?" in clerk.text
    await clerk.taps("mô hình 3.")

    assert "Giai đoạn: bồi dưỡng" in clerk.text
    assert "Mô hình điểm 3." in clerk.text
    assert "chọn chỉ đạo điểm mô hình 3, năm học 2016-2017" in clerk.text
    [told] = await notices(app)
    assert "Văn phòng Sở đã chọn điển hình “Nguyễn Thị Lan” của đơn vị để chỉ đạo điểm" in told

    await clerk.presses(f"exp:{teacher}:3")
    assert "đã được chọn cho mô hình này trong năm học này" in clerk.text
    await clerk.presses(f"exp:{teacher}:99")
    assert "Nút này không còn hiệu lực" in clerk.text
    await clerk.says("/exemplars")
    assert "Theo mô hình điểm: 3: 1" in clerk.text


async def test_yes_to_an_earlier_record_retired_since_is_refused_and_still_asked(app, clock):
    head = await asked_about_a_near_name(app, clock)
    await head.presses(f"exe:{await record_id(app, 'Tổ Toán')}:retire")
    await head.says("Tổ đã giải thể")
    await head.presses(f"exr:{await record_id(app, 'Tổ Toán - Tin')}")

    await head.taps("✅ Đúng, là một")
    assert "không thể gộp; hãy trả lời Không" in head.text
    assert head.button("❌ Không, là điển hình khác")  # the question is still there


async def test_a_steering_department_notes_its_model_units_exemplars_and_nothing_else(app, clock):
    """Phòng GDTrH steers models 1, 2 and 8: Hạ Hòa (model 1) is its, Vũ Thế Lang (3) is not."""
    await reports(app, clock, "THPT-HA-HOA", "phase1_report", "Tổ Ngữ văn")
    await reports(app, clock, "THPT-VU-THE-LANG", "phase1_report", "Tổ Lịch sử")
    await bound(app, clock, Role.HEAD, "THPT-HA-HOA")
    department = Person.new(app)
    code = await issue_code(app.db, clock, Role.STEERING, department="GDTRH")
    await department.says(f"/start {code}")

    await department.taps("🌟 Điển hình")
    assert "Số điển hình trong sổ theo dõi: 1" in department.text
    await department.taps("Tổ Ngữ văn")
    assert labels(department)[:2] == ["📝 Thêm ghi chú", "🌟 Điển hình"]  # a note, no more
    await department.taps("📝")
    await department.says("Đề nghị nhân rộng mô hình tổ chuyên môn")

    assert "1 người của đơn vị được báo" in department.text
    [told] = await notices(app)
    assert "Phòng Giáo dục Trung học đã ghi chú về điển hình “Tổ Ngữ văn” của đơn vị." in told
    assert "Ghi chú: Đề nghị nhân rộng mô hình tổ chuyên môn" in told
    history = department.text.split("Quá trình:")[1]
    assert ": Đề nghị nhân rộng mô hình tổ chuyên môn" in history
    forged = [
        f"exr:{await record_id(app, 'Tổ Lịch sử')}",
        f"exs:{await record_id(app, 'Tổ Ngữ văn')}:replicated",
        f"exp:{await record_id(app, 'Tổ Ngữ văn')}",
        f"exe:{await record_id(app, 'Tổ Ngữ văn')}:rename",
    ]
    for payload in forged:
        await department.presses(payload)
        assert "Nút này không còn hiệu lực" in department.text
