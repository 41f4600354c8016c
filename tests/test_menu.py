"""The main menu, /help, /lang, /cancel, and buttons or commands a person may not use."""

from __future__ import annotations

import pytest

from bot.db.models import Role
from bot.events import MAX_PAYLOAD_BYTES, Button
from bot.routing import ANY_ROLE
from handlers import common
from tests.helpers import Person, issue_code

SCHOOL = "THPT-CHUYEN-HUNG-VUONG"


@pytest.fixture
async def principal(app, clock) -> Person:
    person = Person.new(app)
    await person.says(f"/start {await issue_code(app.db, clock, Role.HEAD, SCHOOL)}")
    return person


async def test_help_lists_commands_with_vietnamese_descriptions(principal):
    await principal.says("/help")
    assert "/deadlines — Các hạn nộp sắp tới" in principal.text
    assert "/lang — Đổi ngôn ngữ" in principal.text


@pytest.mark.parametrize(
    ("role", "unit", "said"),
    [
        (Role.HEAD, SCHOOL, "Trường THPT Chuyên Hùng Vương: bạn có thể đăng ký thi đua"),
        (Role.HEAD, "PGD-VIET-TRI", "bạn cũng theo dõi được tình hình nộp báo cáo và điển hình"),
        (Role.OFFICE, None, "bạn có thể theo dõi mọi hạn nộp, duyệt hồ sơ"),
        (Role.COUNCIL, None, "bạn có thể theo dõi tiến độ thực hiện chỉ tiêu"),
        (Role.STEERING, None, "Phòng Giáo dục Trung học: bạn có thể theo dõi các mô hình điểm"),
    ],
)
async def test_help_says_what_the_persons_role_can_do(app, clock, role, unit, said):
    person = Person.new(app)
    department = "GDTRH" if role is Role.STEERING else None
    await person.says(
        f"/start {await issue_code(app.db, clock, role, unit, department=department)}"
    )
    await person.says("/help")
    assert said in person.text.split("\n\n")[0]


async def test_switching_to_english_is_remembered(principal):
    await principal.taps("Ngôn ngữ")
    await principal.taps("English")
    assert "Language set to English." in principal.text

    await principal.says("/deadlines")
    assert "Deadlines of" in principal.text
    assert principal.button("Deadlines")


async def test_lang_typed_with_an_argument(principal):
    await principal.says("/lang en")
    assert "Language set to English." in principal.text
    await principal.says("/lang vi")
    assert "Đã chuyển sang tiếng Việt." in principal.text


async def test_lang_with_an_unknown_language_asks_again(principal):
    await principal.says("/lang fr")
    assert "Không có ngôn ngữ này" in principal.text
    assert principal.button("English")


async def test_cancel_returns_to_the_menu(principal):
    await principal.says("/cancel")
    assert "Đã hủy" in principal.text
    assert principal.button("Hạn nộp")


async def test_free_text_gets_a_polite_pointer_to_the_menu(principal):
    await principal.says("báo cáo ở đâu vậy?")
    assert "chưa hiểu" in principal.text
    assert principal.button("Hạn nộp")


async def test_a_forged_button_is_refused_politely(principal):
    await principal.presses("admin:delete-everything")
    assert principal.last.notice == "Nút này không còn hiệu lực."
    assert "Nút này không còn hiệu lực" in principal.text


async def test_an_unknown_command_is_explained(principal):
    await principal.says("/xoa_het")
    assert "/xoa_het" in principal.text
    assert "/help" in principal.text


async def test_a_failure_inside_a_handler_is_apologised_for_and_rolled_back(principal):
    async def broken(_event, ctx):
        ctx.person.locale = "en"  # a change that must not survive the failure
        raise RuntimeError("boom")

    principal.app.router.command("deadlines", broken, allowed=ANY_ROLE)
    await principal.says("/deadlines")
    assert "vẫn được giữ nguyên" in principal.text

    await principal.says("/help")
    assert "Hãy bấm một nút" in principal.text  # the locale change was rolled back


def test_every_menu_payload_fits_telegram_callback_data():
    for item in common.MENU:
        assert len(item.payload.encode()) <= MAX_PAYLOAD_BYTES
    with pytest.raises(ValueError):
        Button("x", "ư" * 33)  # 66 bytes
