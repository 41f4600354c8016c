"""Conversational forms through the core: each form, every field type, drafts, submissions."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.db.models import FormDraft, Role, Submission, SubmissionVersion
from tests.helpers import Person, fill_in, issue_code, open_deadline

SCHOOL = "THPT-CHUYEN-HUNG-VUONG"  # in pilot models 1 and 6


async def principal_of(app, clock, unit: str = SCHOOL, language: str = "vi") -> Person:
    person = Person.new(app, language=language)
    await person.says(f"/start {await issue_code(app.db, clock, Role.HEAD, unit)}")
    return person


async def submissions(app) -> list[Submission]:
    async with app.db.unit_of_work() as session:
        return list(await session.scalars(select(Submission)))


async def test_a_full_registration_by_buttons_gives_a_receipt(app, clock):
    principal = await principal_of(app, clock)
    await principal.taps("Đăng ký thi đua")
    assert "Đăng ký thi đua · câu 1/" in principal.text

    await fill_in(principal)

    text = principal.text
    assert "✅ Đã nhận: Đăng ký thi đua của Trường THPT Chuyên Hùng Vương." in text
    assert "Mã biên nhận: TD-" in text
    [submission] = await submissions(app)
    assert (submission.version, submission.late) == (1, False)


@pytest.mark.parametrize(
    "form_code",
    [
        "registration",
        "phase1_report",
        "model_report",
        "model_review",
        "annual_report",
        "model_summary",
        "nominations",
    ],
)
async def test_every_form_can_be_filled_and_submitted(app, clock, form_code):
    from bot.db.models import Deadline

    async with app.db.unit_of_work() as session:
        deadline = await session.scalar(
            select(Deadline).where(Deadline.form_code == form_code).order_by(Deadline.due_at)
        )
    principal = await principal_of(app, clock)
    await principal.presses(f"open:{deadline.id}")

    await fill_in(principal)

    assert "Mã biên nhận" in principal.text
    async with app.db.unit_of_work() as session:
        version = await session.scalar(select(SubmissionVersion))
    assert version.answers  # what was entered is stored with the version


async def test_a_registration_typed_without_buttons_or_diacritics(app, clock):
    principal = await principal_of(app, clock)
    for typed, expected_next in [
        ("/register", "Danh hiệu tập thể"),
        ("tap the lao dong xuat sac", "Hình thức khen thưởng đơn vị"),
        ("bo qua", "Cá nhân đăng ký"),
        ("them", "Họ và tên"),
        ("Nguyễn Thị Lan", "Chức vụ"),
        ("Giáo viên", "Danh hiệu đăng ký"),
        ("chien si thi dua co so", "Hình thức khen thưởng đăng ký"),
        ("2", "1. Nguyễn Thị Lan · Giáo viên · Chiến sĩ thi đua cơ sở · Bằng khen UBND tỉnh"),
        ("xong", "Chỉ tiêu chủ yếu"),
        ("5 giáo viên dạy giỏi cấp tỉnh", "sáng kiến không"),
        ("khong", "Bản đăng ký đã ký"),
        ("bo qua", "Vui lòng kiểm tra"),
        ("gui", "Gửi “Đăng ký thi đua” ngay bây giờ?"),
        ("co", "Mã biên nhận"),
    ]:
        await principal.says(typed)
        assert expected_next in principal.text, (typed, principal.text)


@pytest.mark.parametrize(
    ("form_code", "answers_before", "bad", "expected"),
    [
        # integer: not a number, then out of range
        ("annual_report", ["Đã thực hiện đầy đủ", "Hai mô hình mới"], "mười", "số nguyên"),
        ("annual_report", ["Đã thực hiện đầy đủ", "Hai mô hình mới"], "5000", "từ 0 đến 1000"),
        # short and long text
        ("annual_report", [], "x", "quá ngắn"),
        ("annual_report", [], "a" * 3001, "dài 3001 ký tự"),
        # date: impossible, then outside the plan's range
        ("phase1_report", ["Chương trình bồi dưỡng điển hình"], "31/02/2016", "ngày hợp lệ"),
        ("phase1_report", ["Chương trình bồi dưỡng điển hình"], "01/01/2015", "từ 13/06/2016"),
        # choice: words that match no option
        ("registration", [], "huy chương vàng", "chọn một phương án"),
    ],
)
async def test_a_wrong_answer_is_explained_and_the_question_asked_again(
    app, clock, form_code, answers_before, bad, expected
):
    principal = await principal_of(app, clock)
    await open_deadline(app, principal, form_code)
    for answer in answers_before:
        await principal.says(answer)
    question = principal.text.splitlines()[1]

    await principal.says(bad)

    assert expected in principal.text
    assert question in principal.text  # the same step again
    verbs = [b.payload.split(":")[3] for r in principal.last.replies for b in r.all_buttons()]
    assert "back" in verbs


async def test_files_of_the_wrong_type_or_too_large_are_refused(app, clock):
    from bot.events import FileRef

    principal = await principal_of(app, clock)
    await open_deadline(app, principal, "phase1_report")
    await principal.says("Chương trình bồi dưỡng điển hình")
    await principal.says("20/09/2016")
    await principal.presses(_verb(principal, "done"))  # no exemplars yet
    assert "PDF, DOCX, XLSX, JPG, PNG, tối đa 20 MB" in principal.text

    await principal.sends_file(
        FileRef("telegram", "f1", "virus.exe", "application/x-msdownload", 10)
    )
    assert "Không nhận loại tệp này" in principal.text
    await principal.sends_file(FileRef("telegram", "f2", "scan.pdf", "application/pdf", 25 * 2**20))
    assert "Tệp nặng 25.0 MB" in principal.text
    await principal.says("đây là kế hoạch")
    assert "gửi chính tệp" in principal.text

    await principal.sends_file(FileRef("telegram", "f3", "ke-hoach.pdf", "application/pdf", 90_000))
    assert "Vui lòng kiểm tra" in principal.text
    assert "📎 ke-hoach.pdf (87 KB)" in principal.text
    assert "Chương trình bồi dưỡng điển hình" in principal.text  # nothing earlier was lost


async def test_multiple_choice_and_tables_have_minimums(app, clock):
    principal = await principal_of(app, clock)  # a school in pilot models 1 and 6
    await open_deadline(app, principal, "model_report")
    labels = [b.label for b in principal.last.replies[0].all_buttons()]
    assert labels[:2] == [
        "⬜ Nâng cao chất lượng giáo dục",
        "⬜ Tổ chức hiệu quả công tác nghiên cứu khoa học, viết sáng kiến kinh nghiệm",
    ]

    await principal.presses(_verb(principal, "done"))
    assert "chọn ít nhất 1" in principal.text
    await principal.says("1, 2")
    labels = [b.label for b in principal.last.replies[0].all_buttons()]
    assert all(label.startswith("☑️") for label in labels[:2])
    await principal.presses(_verb(principal, "done"))
    assert "Tập thể, cá nhân được lựa chọn" in principal.text


async def test_a_required_question_cannot_be_skipped_and_back_goes_back(app, clock):
    principal = await principal_of(app, clock)
    await principal.says("/register")
    await principal.says("quay lai")
    assert "Đây là câu hỏi đầu tiên" in principal.text
    await principal.says("bo qua")
    assert "không thể bỏ qua" in principal.text
    await principal.says("1")
    await principal.says("quay lai")
    assert "Câu trả lời hiện tại: Tập thể lao động tiên tiến" in principal.text


async def test_cancel_keeps_the_draft_and_the_menu_resumes_it(app, clock):
    principal = await principal_of(app, clock)
    await principal.says("/register")
    await principal.says("1")
    await principal.says("bo qua")
    await principal.says("/cancel")
    assert "Bản nháp vẫn được giữ" in principal.text

    await principal.says("xin chào")  # no form in progress: not taken as an answer
    assert "chưa hiểu" in principal.text
    await principal.taps("Đăng ký thi đua")
    assert "Cá nhân đăng ký" in principal.text


async def test_a_new_process_resumes_the_form_at_the_same_step(app, clock, settings):
    from bot.app import CoreApp
    from bot.db.database import Database
    from handlers import build_router

    principal = await principal_of(app, clock)
    await principal.says("/register")
    await principal.says("2")
    await principal.says("bo qua")

    restarted_db = Database(settings.database_url)
    restarted = CoreApp(db=restarted_db, clock=clock, settings=settings, router=build_router())
    again = Person(restarted, principal.identity)
    await again.says("them")
    assert "Họ và tên" in again.text
    await restarted_db.dispose()


async def test_a_draft_from_an_older_form_version_is_carried_forward(app, clock):
    from bot.db.models import FormDraft

    principal = await principal_of(app, clock)
    await principal.says("/register")
    await principal.says("2")
    async with app.db.unit_of_work() as session:
        draft = await session.scalar(select(FormDraft))
        draft.form_version = 0
        draft.answers = {**draft.answers, "retired_question": "x", "collective_title": "gone"}

    await principal.says("/register")

    assert "phiên bản 0 → 1" in principal.text
    assert "Danh hiệu tập thể" in principal.text  # its stored answer no longer fits: asked again


async def test_a_second_members_stale_save_is_refused_and_nothing_overwritten(app, clock):
    head = await principal_of(app, clock)
    member = Person.new(app)
    await member.says(f"/start {await issue_code(app.db, clock, Role.MEMBER, SCHOOL)}")
    await head.says("/register")
    await fill_in(head)

    for person in (head, member):  # both open the submission to edit it
        await person.says("/register")
        assert "Vui lòng kiểm tra" in person.text
    await head.says("4")  # change the key targets
    await head.says("Chỉ tiêu của hiệu trưởng")
    await head.says("gui")
    await head.says("co")
    assert "phiên bản 2" in head.text

    await member.says("4")
    await member.says("Chỉ tiêu của thành viên")
    await member.says("gui")
    await member.says("co")
    assert "Chưa lưu" in member.text and "phiên bản 2" in member.text

    async with app.db.unit_of_work() as session:
        [submission] = list(await session.scalars(select(Submission)))
        versions = list(await session.scalars(select(SubmissionVersion)))
    assert submission.version == 2 and len(versions) == 2
    assert versions[-1].answers["key_targets"] == "Chỉ tiêu của hiệu trưởng"
    assert set(versions[-1].changed_fields) == {"key_targets"}

    await member.taps("Mở phiên bản mới nhất")
    assert "Chỉ tiêu của hiệu trưởng" in member.text


async def test_a_double_tap_on_submit_makes_one_submission(app, clock):
    principal = await principal_of(app, clock)
    await principal.says("/register")
    for answer in ("1", "bo qua", "xong", "Chỉ tiêu", "khong", "bo qua", "gui"):
        await principal.says(answer)
    confirm = _verb(principal, "yes")

    await principal.presses(confirm)
    await principal.presses(confirm)

    assert "không còn mở" in principal.text
    assert len(await submissions(app)) == 1


async def test_a_redelivered_update_is_handled_once(app, clock):
    from bot.events import Incoming

    principal = await principal_of(app, clock)
    await principal.says("/register")
    answer = Incoming(principal.identity, text="1", update_id="9001")
    await app.handle(answer)
    again = await app.handle(answer)

    assert again.replies == []
    await principal.says("bo qua")
    assert "Cá nhân đăng ký" in principal.text  # "1" answered one question, not two


async def test_a_redelivery_is_recognised_for_a_week_then_the_record_is_dropped(app, clock):
    from datetime import timedelta

    from bot.db.updates import forget_old
    from bot.events import Incoming

    principal = await principal_of(app, clock)
    answer = Incoming(principal.identity, text="/deadlines", update_id="9002")
    await app.handle(answer)

    clock.advance(timedelta(days=6))
    async with app.db.unit_of_work() as session:
        assert await forget_old(session, clock.now()) == 0
    assert (await app.handle(answer)).replies == []  # still known: not handled twice

    clock.advance(timedelta(days=2))
    async with app.db.unit_of_work() as session:
        assert await forget_old(session, clock.now()) == 1


async def test_someone_whose_role_was_revoked_cannot_go_on_with_the_units_form(app, clock):
    from bot.db.repositories import PeopleRepository

    principal = await principal_of(app, clock)
    await principal.says("/register")
    button = _verb(principal, "option1")
    async with app.db.unit_of_work() as session:
        account = await PeopleRepository(session).identity("telegram", principal.identity.user_id)
        await PeopleRepository(session).revoke(account.person, Role.HEAD)

    await principal.says("1")
    assert "chưa hiểu" in principal.text
    await principal.presses(button)
    assert principal.last.notice == "Nút này không còn hiệu lực."
    async with app.db.unit_of_work() as session:
        [draft] = await session.scalars(select(FormDraft))
    assert draft.answers == {}


async def test_another_units_member_cannot_touch_a_draft_by_a_forged_button(app, clock):
    owner = await principal_of(app, clock)
    await owner.says("/register")
    forged = _verb(owner, "option1")
    intruder = await principal_of(app, clock, unit="THPT-VIET-TRI")

    await intruder.presses(forged)
    await intruder.presses(forged.replace(forged.split(":")[3], "cancel"))

    assert intruder.last.notice == "Nút này không còn hiệu lực."
    await owner.says("1")
    assert "Hình thức khen thưởng đơn vị" in owner.text  # the owner's draft is untouched


async def test_a_unit_outside_the_pilot_models_is_not_offered_their_report(app, clock):
    outside = await principal_of(app, clock, unit="PGD-HA-HOA")  # in no pilot model
    clock.set(clock.now().replace(year=2016, month=12, day=1))
    await outside.says("/report")
    assert "mô hình điểm" not in outside.text.lower()

    deadline = await open_deadline(app, await principal_of(app, clock), "model_report")
    await outside.presses(f"open:{deadline.id}")
    assert outside.last.notice == "Nút này không còn hiệu lực."


async def test_after_the_deadline_a_first_submission_is_late_and_edits_are_closed(app, clock):
    from datetime import timedelta

    principal = await principal_of(app, clock)
    deadline = await open_deadline(app, principal, "phase1_report")
    clock.set(deadline.due_at + timedelta(minutes=1))
    await fill_in(principal)
    assert "Nộp sau hạn" in principal.text
    [submission] = await submissions(app)
    assert submission.late

    await principal.presses(f"open:{deadline.id}")
    assert "Đã quá hạn" in principal.text


async def test_my_status_lists_the_receipt_and_what_is_owed(app, clock):
    principal = await principal_of(app, clock)
    await principal.says("/register")
    await fill_in(principal)
    reference = (await submissions(app))[0].reference

    await principal.taps("Tình trạng nộp")

    assert f"Đăng ký thi đua (2016-2017): đã nộp · {reference} · phiên bản 1" in principal.text
    assert "Còn phải nộp:" in principal.text
    assert principal.button("Sửa: Đăng ký thi đua (2016-2017)")
    assert principal.button("Điền: Báo cáo")


def _verb(person: Person, verb: str) -> str:
    from tests.helpers import form_verbs

    return form_verbs(person)[verb]


async def two_members_about_to_submit(app, clock) -> tuple[Person, Person]:
    """The head and a member of one unit, each with a registration at its confirmation step."""
    head = await principal_of(app, clock)
    member = Person.new(app)
    await member.says(f"/start {await issue_code(app.db, clock, Role.MEMBER, SCHOOL)}")
    for person in (head, member):
        await person.says("/register")
        for answer in ("1", "bo qua", "xong", "Chỉ tiêu", "khong", "bo qua", "gui"):
            await person.says(answer)
    return head, member


async def test_two_members_submitting_at_the_same_moment_make_one_submission(app, clock):
    import asyncio

    head, member = await two_members_about_to_submit(app, clock)

    await asyncio.gather(head.presses(_verb(head, "yes")), member.presses(_verb(member, "yes")))

    texts = sorted([head.text, member.text])
    assert len(await submissions(app)) == 1
    assert any("Mã biên nhận" in text for text in texts)
    assert any("Chưa lưu" in text for text in texts)


async def test_yes_no_and_table_minimums_are_explained(app, clock):
    principal = await principal_of(app, clock)
    await principal.says("/register")
    for answer in ("1", "bo qua", "xong", "Chỉ tiêu"):
        await principal.says(answer)
    await principal.says("có lẽ")
    assert "chọn một phương án" in principal.text
    await principal.says("co")
    await principal.presses(_verb(principal, "done"))  # at least one initiative is needed
    assert "ít nhất 1 dòng" in principal.text


async def test_register_opens_this_school_years_registration(app, clock):
    from datetime import datetime

    from tests.conftest import VIETNAM

    principal = await principal_of(app, clock)
    clock.set(datetime(2017, 9, 15, 8, 0, tzinfo=VIETNAM))  # 2016-2017's was never submitted
    await principal.says("/register")
    await fill_in(principal)
    assert "Nộp sau hạn" not in principal.text
    async with app.db.unit_of_work() as session:
        from bot.db.models import Deadline

        [submission] = list(await session.scalars(select(Submission)))
        deadline = await session.get(Deadline, submission.deadline_id)
    assert deadline.school_year == "2017-2018"


async def test_opening_submitting_and_refusals_are_audited(app, clock):
    from bot.db.models import AuditEntry

    principal = await principal_of(app, clock)
    await principal.says("/register")
    await fill_in(principal)
    async with app.db.unit_of_work() as session:
        actions = list(await session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))
    assert actions[-2:] == ["form.open", "submission.save"]


async def test_a_submission_that_lands_between_check_and_insert_is_refused_cleanly(
    app, clock, monkeypatch
):
    from bot.db.repositories import FormRepository

    head, member = await two_members_about_to_submit(app, clock)
    await head.presses(_verb(head, "yes"))

    real_lookup = FormRepository.submission
    misses = iter([True])

    async def blind_once(self, unit_id, deadline_id):
        # The other member's save commits right after this check, as under a real race.
        return None if next(misses, False) else await real_lookup(self, unit_id, deadline_id)

    monkeypatch.setattr(FormRepository, "submission", blind_once)
    await member.presses(_verb(member, "yes"))

    assert "Chưa lưu" in member.text
    assert len(await submissions(app)) == 1


async def test_a_table_left_empty_cannot_be_submitted_through_the_review(app, clock):
    principal = await principal_of(app, clock)
    await principal.says("/register")
    for answer in ("1", "bo qua", "xong", "Chỉ tiêu", "co"):  # yes, the unit has initiatives
        await principal.says(answer)
    assert "Sáng kiến" in principal.text  # the table's menu, still empty
    await principal.says("quay lai")
    await principal.says("khong")
    await principal.says("bo qua")  # no signed copy: the review screen
    await principal.says("5")  # change "initiatives?" back to yes, from the review
    await principal.says("co")

    await principal.says("gui")

    assert "Còn thiếu câu trả lời bắt buộc" in principal.text
    assert "Sáng kiến" in principal.text
