"""📄 Document in chat: on the receipt and /mystatus for the unit (its head's name asked once),
on /review and /unit for the office and the council; a forged id is refused."""

from __future__ import annotations

import io

from docx import Document

from bot.db.models import Role
from bot.i18n import Translator
from handlers.documents import LABEL
from tests.conftest import VIETNAM
from tests.documents_data import FILLED, SCHOOL, submission_id
from tests.helpers import Person, fill_in, issue_code, submit_report
from tests.test_telegram import TelegramChat, bot, button_data, fake, press

__all__ = ["bot", "fake"]  # the fake Bot API and the bot polling it, as in the Telegram tests
VI = Translator("vi", VIETNAM)
OTHER_SCHOOL = "THPT-LONG-CHAU-SA"
REFUSED = "Nút này không còn hiệu lực."


def docx_text(content: bytes) -> str:
    document = Document(io.BytesIO(content))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


async def test_a_head_gets_the_registration_as_a_document_over_telegram(bot, app, clock):
    chat = TelegramChat(bot, 557_001)
    await chat.says(f"/start {await issue_code(app.db, clock, Role.HEAD, SCHOOL)}")
    await chat.says("/register")
    await fill_in(chat)
    assert "Đã nhận" in chat.text

    await chat.presses(button_data(chat.last)[VI(LABEL)])
    assert "Trường THPT Chuyên Hùng Vương" in chat.text  # who signs? asked once
    await chat.says("Nguyễn Thị Thanh Hà")

    sent = chat.last
    assert sent.method == "sendDocument"
    assert sent.file_name.startswith("registration-2016_THPT-CHUYEN-HUNG-VUONG_v1")
    assert sent.file_name.endswith(".docx")
    content = bot.file_content(bot.message(chat.user, sent.message_id)["document"]["file_id"])
    text = docx_text(content)
    assert "BẢN ĐĂNG KÝ THI ĐUA" in text and "Nguyễn Thị Thanh Hà" in text
    assert "TRƯỜNG THPT CHUYÊN HÙNG VƯƠNG" in text

    # Known now: /mystatus's button sends the document straight away.
    await chat.says("/mystatus")
    paper = next(data for label, data in button_data(chat.last).items() if "📄" in label)
    await chat.presses(paper)
    assert chat.last.method == "sendDocument"


async def test_a_forged_document_button_is_refused_over_telegram(bot, app, clock):
    await submit_report(app.db, clock, OTHER_SCHOOL, "registration-2016", FILLED["registration"][1])
    theirs = await submission_id(app.db, "registration-2016", OTHER_SCHOOL)
    chat = TelegramChat(bot, 557_002)
    await chat.says(f"/start {await issue_code(app.db, clock, Role.HEAD, SCHOOL)}")
    # A modified client can send any callback data: forge one on the last message.
    for forged in (f"doc:{theirs}", "doc:999999", "doc:x"):
        message = bot.sent[-1]
        message.reply_markup["inline_keyboard"][0][0]["callback_data"] = forged
        bot._chats[chat.user].messages[message.message_id]["reply_markup"] = message.reply_markup
        reply, answer = await press(bot, forged, user=chat.user)
        assert answer.get("text") == REFUSED
        assert reply.method == "sendMessage"


async def test_the_office_and_the_council_get_any_units_document(app, clock):
    await submit_report(app.db, clock, SCHOOL, "phase1-report", FILLED["phase1_report"][1])
    clerk, member = Person.new(app), Person.new(app)
    await clerk.says(f"/start {await issue_code(app.db, clock, Role.OFFICE)}")
    await member.says(f"/start {await issue_code(app.db, clock, Role.COUNCIL)}")

    await clerk.says("/review")
    await clerk.taps("Chuyên Hùng Vương")
    await clerk.taps(VI(LABEL))
    [reply] = clerk.last.replies
    assert reply.document.file_name == "phase1-report_THPT-CHUYEN-HUNG-VUONG_v1.docx"
    assert "Tổ Toán - Tin" in docx_text(reply.document.content)

    await member.says("/unit chuyen hung vuong")
    await member.taps("📄")
    [reply] = member.last.replies
    assert reply.document is not None and "Nguyễn Thị Hương" in docx_text(reply.document.content)


async def test_a_unit_reads_only_its_own_documents(app, clock):
    await submit_report(app.db, clock, OTHER_SCHOOL, "registration-2016", FILLED["registration"][1])
    theirs = await submission_id(app.db, "registration-2016", OTHER_SCHOOL)
    head = Person.new(app)
    await head.says(f"/start {await issue_code(app.db, clock, Role.HEAD, SCHOOL)}")

    await head.presses(f"doc:{theirs}")
    assert head.last.notice == REFUSED
    assert all(reply.document is None for reply in head.last.replies)


async def test_a_name_that_cannot_be_one_is_asked_again(app, clock):
    await submit_report(app.db, clock, SCHOOL, "registration-2016", FILLED["registration"][1])
    mine = await submission_id(app.db, "registration-2016")
    head = Person.new(app)
    await head.says(f"/start {await issue_code(app.db, clock, Role.HEAD, SCHOOL)}")

    await head.presses(f"doc:{mine}:1")
    await head.says("12")
    assert head.last.replies[0].document is None
    await head.says("Phạm   Văn  Minh")
    [reply] = head.last.replies
    assert "Phạm Văn Minh" in docx_text(reply.document.content)


async def test_the_unit_names_another_signer_and_no_one_renames_another_units(app, clock):
    await submit_report(app.db, clock, SCHOOL, "registration-2016", FILLED["registration"][1])
    await submit_report(app.db, clock, OTHER_SCHOOL, "registration-2016", FILLED["registration"][1])
    mine = await submission_id(app.db, "registration-2016")
    theirs = await submission_id(app.db, "registration-2016", OTHER_SCHOOL)
    head = Person.new(app)
    await head.says(f"/start {await issue_code(app.db, clock, Role.HEAD, SCHOOL)}")
    await head.presses(f"doc:{mine}")
    await head.says("Nguyễn Văn Cũ")

    await head.taps("✏️")
    await head.says("Trần Thị Mới")
    [reply] = head.last.replies
    assert "Trần Thị Mới" in docx_text(reply.document.content)
    assert "Nguyễn Văn Cũ" not in docx_text(reply.document.content)

    await head.presses(f"doch:{theirs}")
    assert head.last.notice == REFUSED
