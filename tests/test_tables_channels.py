"""Tables from spreadsheets over the platforms: the template downloaded, filled with openpyxl
and sent back over the fake Telegram Bot API; refused files; rows pasted over the fake Zalo API."""

from __future__ import annotations

import io

import openpyxl
import pytest
from sqlalchemy import select

from bot.db.models import FormDraft, Role
from bot.services.tables.intake import LIST_SHEET
from channels.zalo.adapter import CHANNEL as ZALO
from tests.fakes.telegram_api import FakeTelegramAPI
from tests.fakes.zalo_api import FakeZaloAPI
from tests.helpers import TEST_TOKEN, issue_code
from tests.test_tables import (
    CSTD,
    LDTT,
    PEOPLE,
    REFUSAL_SAYS,
    REFUSALS,
    XLSX,
    T,
    refused_file,
    summary,
)
from tests.test_telegram import TelegramChat, button_data
from tests.test_telegram import app_on as telegram_app_on
from tests.test_telegram import running as telegram_running
from tests.test_zalo import ZALO_TOKEN, ZaloChat, bound
from tests.test_zalo import app_on as zalo_app_on
from tests.test_zalo import running as zalo_running

SCHOOL = "THPT-CHUYEN-HUNG-VUONG"


@pytest.fixture
async def telegram(app):
    async with (
        FakeTelegramAPI(bot_token=TEST_TOKEN) as fake,
        telegram_running(telegram_app_on(fake, app)),
    ):
        yield fake


@pytest.fixture
async def zalo(app):
    async with (
        FakeZaloAPI(bot_token=ZALO_TOKEN, poll_seconds=0.2) as fake,
        zalo_running(zalo_app_on(fake, app)),
    ):
        yield fake


async def the_draft(app) -> tuple[dict, dict]:
    async with app.db.unit_of_work() as session:
        draft = await session.scalar(select(FormDraft))
        return draft.answers, draft.cursor


async def at_individuals_on_telegram(telegram, app, clock, user: int) -> TelegramChat:
    chat = TelegramChat(telegram, user)
    await chat.says(f"/start {await issue_code(app.db, clock, Role.HEAD, SCHOOL)}")
    await chat.says("/register")
    await chat.presses(chat.verbs()["option0"])
    await chat.presses(chat.verbs()["skip"])
    assert "Cá nhân đăng ký" in chat.text
    return chat


async def test_the_template_downloaded_filled_and_sent_back_over_telegram(telegram, app, clock):
    user = 557_001
    chat = await at_individuals_on_telegram(telegram, app, clock, user)

    telegram.user_presses(user, chat.verbs()["sheet"])
    document, menu = await telegram.wait_for_messages(user, 2)
    assert document.method == "sendDocument" and document.file_name.endswith(".xlsx")
    assert "Cá nhân đăng ký" in menu.plain_text  # the table's menu again, to send it back
    sent = telegram.message(user, document.message_id)["document"]
    book = openpyxl.load_workbook(io.BytesIO(telegram.file_content(sent["file_id"])))
    sheet = book[T(LIST_SHEET)]
    for row in PEOPLE:
        sheet.append(row)
    sheet.append([None] * 4)  # a blank row, skipped
    sheet.append(["Phạm Thu", "Giáo viên", LDTT, None])
    out = io.BytesIO()
    book.save(out)
    filled = out.getvalue()

    telegram.user_sends_document(user, "ds-ca-nhan.xlsx", XLSX, len(filled), content=filled)
    [offered] = await telegram.wait_for_messages(user, 1)
    chat.last = offered

    assert "ds-ca-nhan.xlsx" in offered.plain_text
    assert (await the_draft(app))[0].get("individuals", []) == []
    await chat.presses(chat.verbs()["append"])
    rows = (await the_draft(app))[0]["individuals"]
    assert [row["full_name"] for row in rows] == [
        "Nguyễn Văn An",
        "Trần Thị Bình",
        "Lê Văn Cường",
        "Phạm Thu",
    ]
    assert "4. Phạm Thu · Giáo viên · Lao động tiên tiến" in chat.text
    assert telegram.unanswered_callbacks() == []


@pytest.mark.parametrize("case", REFUSALS)
async def test_a_file_refused_over_telegram_leaves_the_draft_as_it_was(telegram, app, clock, case):
    user = 557_100 + REFUSALS.index(case)
    await at_individuals_on_telegram(telegram, app, clock, user)
    before = await the_draft(app)
    name, content, size = refused_file(case)

    telegram.user_sends_document(user, name, XLSX, size or len(content), content=content)
    [answer] = await telegram.wait_for_messages(user, 1)

    assert answer.plain_text.startswith("❌") and REFUSAL_SAYS[case] in answer.plain_text
    assert await the_draft(app) == before
    assert "upload" in {data.split(":")[3] for data in button_data(answer).values()}


async def test_rows_pasted_over_zalo_fill_the_table(zalo, app, clock):
    chat = ZaloChat(zalo, app)
    await bound(chat, app, clock)
    await chat.says("1")  # 📝 Đăng ký thi đua
    await chat.says("1")  # the first collective title
    await chat.says("bỏ qua")
    assert "Cá nhân đăng ký" in chat.text
    shown = await app.recall_options(ZALO, chat.user)
    upload = next(payload for payload in shown if payload.endswith(":upload"))
    await chat.presses(upload)
    assert "Tab" in chat.text

    await chat.says(f"Nguyễn Văn An\tGiáo viên\t{CSTD}\t\nTrần Thị Bình\tGiáo viên\tLĐTT\t")
    assert "«LĐTT»" in chat.text  # not in the list: refused, nothing saved
    assert (await the_draft(app))[0].get("individuals", []) == []

    header = "Họ và tên;Chức vụ;Danh hiệu đăng ký"  # pasted too: recognised, left out
    await chat.says(f"{header}\nNguyễn Văn An;Giáo viên;{CSTD}\nTrần Thị Bình;Giáo viên;{LDTT}")
    assert summary(2, f"1 {CSTD}, 1 {LDTT}") in chat.text
    shown = await app.recall_options(ZALO, chat.user)
    await chat.presses(next(payload for payload in shown if payload.endswith(":append")))

    rows = (await the_draft(app))[0]["individuals"]
    assert [(row["full_name"], row["title"]) for row in rows] == [
        ("Nguyễn Văn An", "chien_si_thi_dua_co_so"),
        ("Trần Thị Bình", "lao_dong_tien_tien"),
    ]
