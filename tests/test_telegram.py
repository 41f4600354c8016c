"""The real aiogram bot over HTTP against the fake Bot API: what a Telegram user would see."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
import time
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path

import aiohttp
import pytest
from pydantic import SecretStr
from sqlalchemy import select

from bot.app import CoreApp
from bot.db.models import Attachment, Role
from bot.events import Button, Outcome, Reply
from channels.telegram.runner import TelegramChannel
from tests.conftest import VIETNAM
from tests.fakes.telegram_api import FakeTelegramAPI
from tests.helpers import TEST_TOKEN, fill_in, issue_code, serving, verbs_of

SCHOOL = "THPT-CHUYEN-HUNG-VUONG"
EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
USER = 555_001


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegramAPI]:
    async with FakeTelegramAPI(bot_token=TEST_TOKEN) as api:
        yield api


def app_on(fake: FakeTelegramAPI, app: CoreApp, **settings) -> CoreApp:
    """The core app, set to talk to the fake Bot API."""
    app.settings = app.settings.model_copy(update={"telegram_api_url": fake.base_url, **settings})
    return app


def running(app: CoreApp) -> contextlib.AbstractAsyncContextManager[asyncio.Event]:
    return serving(lambda stop: TelegramChannel(app).serve(stop))


@pytest.fixture
async def bot(fake, app) -> AsyncIterator[FakeTelegramAPI]:
    """The bot polling the fake, until the test ends."""
    async with running(app_on(fake, app)):
        yield fake


async def ask(fake: FakeTelegramAPI, text: str, user: int = USER, **kwargs):
    fake.user_sends_text(user, text, **kwargs)
    return (await fake.wait_for_messages(user, 1))[0]


async def press(fake: FakeTelegramAPI, data: str, user: int = USER):
    query = fake.user_presses(user, data)
    message = (await fake.wait_for_messages(user, 1))[0]
    await _until(lambda: query in fake.answered_callbacks)
    return message, fake.answered_callbacks[query]


async def _until(condition, seconds: float = 5.0) -> None:
    """Poll a condition on the fake's records (they have no event to wait on)."""
    async with asyncio.timeout(seconds):
        while not condition():  # noqa: ASYNC110
            await asyncio.sleep(0.01)


def button_data(message) -> dict[str, str]:
    rows = message.reply_markup["inline_keyboard"]
    return {button["text"]: button["callback_data"] for row in rows for button in row}


async def test_invite_start_menu_deadlines(bot, app, clock):
    code = await issue_code(app.db, clock, Role.HEAD, SCHOOL)

    welcome = await ask(bot, f"/start {code}")
    assert "Liên kết thành công" in welcome.plain_text
    assert welcome.parse_mode is None  # plain text: nothing to escape, nothing to break
    buttons = button_data(welcome)
    assert "📅 Hạn nộp" in buttons

    listing, _answer = await press(bot, buttons["📅 Hạn nộp"])
    assert "hạn chót 19/10/2016" in listing.plain_text
    assert "❌ Chưa nộp" in listing.plain_text
    assert bot.unanswered_callbacks() == []


async def test_an_unknown_user_is_told_how_to_get_a_code(bot):
    reply = await ask(bot, "Chào bot", user=555_002)
    assert "mã mời" in reply.plain_text
    assert reply.reply_markup is None


async def test_a_used_code_is_refused(bot, app, clock):
    code = await issue_code(app.db, clock, Role.HEAD, SCHOOL)
    await ask(bot, f"/start {code}")
    reply = await ask(bot, f"/start {code}", user=555_003)
    assert "đã được sử dụng" in reply.plain_text


async def test_a_tampered_button_is_answered_and_refused(bot, app, clock):
    code = await issue_code(app.db, clock, Role.HEAD, SCHOOL)
    await ask(bot, f"/start {code}")
    # A modified client can send any callback data; the fake only lets us press shown buttons,
    # so forge one by editing what the last message offers.
    message = bot.sent[-1]
    message.reply_markup["inline_keyboard"][0][0]["callback_data"] = "office:export"
    bot._chats[USER].messages[message.message_id]["reply_markup"] = message.reply_markup

    reply, answer = await press(bot, "office:export")
    assert answer.get("text") == "Nút này không còn hiệu lực."
    assert "không còn hiệu lực" in reply.plain_text


async def test_names_with_html_characters_are_escaped(bot, app, clock):
    code = await issue_code(app.db, clock, Role.HEAD, SCHOOL)
    await ask(bot, f"/start {code}", first_name="<Thầy> Tâm & Co")
    reply = await ask(bot, "/start")
    assert "<Thầy> Tâm & Co" in reply.plain_text


async def test_commands_are_published_in_vietnamese_and_english(bot):
    await _until(lambda: len(bot.commands) >= 3)
    by_language = {language: items for (_scope, language), items in bot.commands.items()}
    vietnamese = {c["command"]: c["description"] for c in by_language["vi"]}
    english = {c["command"]: c["description"] for c in by_language["en"]}
    assert vietnamese["deadlines"] == "Các hạn nộp sắp tới và những gì còn thiếu"
    assert english["deadlines"] == "Upcoming deadlines and what is still owed"
    assert {c["command"] for c in by_language[""]} == set(vietnamese)


async def test_a_long_reply_is_split_within_telegrams_limit(fake, app):
    from channels.telegram.adapter import deliver
    from channels.telegram.runner import make_bot

    app_on(fake, app)
    fake.user_sends_text(USER, "hi")  # Telegram only lets a bot write to users who wrote first
    bot = make_bot(app.settings)
    paragraph = "Báo cáo <giai đoạn> 1 & 2. " * 40
    await deliver(bot, USER, Outcome([Reply("\n\n".join([paragraph] * 8))]))
    await bot.session.close()

    sent = await fake.wait_for_messages(USER, 3)  # 8 x 1,080 characters: three messages
    assert all(len(message.plain_text) <= 4096 for message in sent)
    assert "".join(m.plain_text for m in sent).count("<giai đoạn>") == 8 * 40


async def test_a_429_is_waited_out_and_the_reply_arrives(bot, app, clock):
    code = await issue_code(app.db, clock, Role.HEAD, SCHOOL)
    bot.fail_next("sendMessage", 429, retry_after=1)
    reply = await ask(bot, f"/start {code}")
    assert "Liên kết thành công" in reply.plain_text
    assert bot.throttled_count == 1


async def test_an_unreachable_api_at_start_up_is_retried_not_fatal(fake, app):
    fake.set_unreachable(True)
    async with running(app_on(fake, app)):
        await asyncio.sleep(1.5)  # at least one failed getMe and a backoff
        fake.set_unreachable(False)
        reply = await asyncio.wait_for(ask(fake, "xin chào", user=555_004), 10)
    assert "mã mời" in reply.plain_text


async def test_webhook_mode_checks_the_secret(fake, app, unused_tcp_port):
    # Telegram calls the public https address; the proxy forwards it to WEBHOOK_LISTEN.
    url = f"http://127.0.0.1:{unused_tcp_port}/tg"
    app_on(
        fake,
        app,
        webhook_url="https://bot.example.vn/tg",
        webhook_secret=SecretStr("s3cret-s3cret"),
        webhook_listen=f"127.0.0.1:{unused_tcp_port}",
    )
    update = {
        "update_id": 1,
        "message": {
            "message_id": 1,
            "date": 1_476_000_000,
            "text": "xin chào",
            "chat": {"id": 555_005, "type": "private", "first_name": "A"},
            "from": {"id": 555_005, "is_bot": False, "first_name": "A", "language_code": "vi"},
        },
    }
    fake.user_sends_text(555_005, "(opens the chat)")  # so the chat exists for sendMessage
    async with running(app):
        await _until(lambda: fake.webhook is not None)
        assert fake.webhook["secret_token"] == "s3cret-s3cret"
        async with aiohttp.ClientSession() as http:
            wrong = await http.post(
                url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "x"}
            )
            assert wrong.status == 401
            right = await http.post(
                url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "s3cret-s3cret"}
            )
            assert right.status == 200
        reply = (await fake.wait_for_messages(555_005, 1))[0]
    assert "mã mời" in reply.plain_text
    assert len(fake.sent) == 1


async def test_stopping_finishes_the_update_in_hand(fake, app):
    started, release = asyncio.Event(), asyncio.Event()

    async def slow(_event, ctx):
        started.set()
        await release.wait()
        return Outcome([Reply("xong")])

    app.router.command("slow", slow, allowed=None)
    async with running(app_on(fake, app)) as stop:
        fake.user_sends_text(USER, "/slow")
        await asyncio.wait_for(started.wait(), 5)
        stop.set()  # the stop arrives while the update is being handled
        await asyncio.sleep(0.2)
        release.set()
    assert [m.plain_text for m in fake.sent] == ["xong"]


async def test_sigterm_stops_thidua_run_cleanly_within_ten_seconds(fake, database_url, tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "WEBHOOK_URL"} | {
        "BOT_TOKEN": TEST_TOKEN,
        "TELEGRAM_API_URL": fake.base_url,
        "DATABASE_URL": database_url,
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        env=env,
        cwd=tmp_path,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        await _until(lambda: fake.long_polling, seconds=30)
        reply = await ask(fake, "xin chào", user=555_006)
        assert "mã mời" in reply.plain_text

        process.send_signal(signal.SIGTERM)
        started = time.monotonic()
        await asyncio.wait_for(process.wait(), 10)
        took = time.monotonic() - started
    finally:
        if process.returncode is None:
            process.kill()
    _out, err = await process.communicate()
    assert process.returncode == 0, err.decode()
    assert took < 10
    assert TEST_TOKEN not in err.decode()
    assert TEST_TOKEN.split(":")[1] not in err.decode()


async def test_a_dropped_connection_while_polling_is_survived(bot):
    user = 555_007
    await _until(lambda: bot.long_polling)
    bot.set_unreachable(True, mode="bad_gateway")
    # The poll in flight returns this message; the reply and the next polls then fail.
    bot.user_sends_text(user, "còn đó không?")
    await asyncio.sleep(1.5)
    bot.set_unreachable(False)

    delayed = await bot.wait_for_messages(user, 1, timeout=15)
    assert "mã mời" in delayed[0].plain_text  # the reply was retried, not lost
    reply = await asyncio.wait_for(ask(bot, "còn đó không?", user=user), 15)
    assert "mã mời" in reply.plain_text  # and polling resumed


class TelegramChat:
    """A principal in the Telegram app, over the fake API: the same moves as in the core."""

    def __init__(self, fake: FakeTelegramAPI, user: int, *, photographs: bool = False) -> None:
        self.fake, self.user, self.last = fake, user, None
        # Someone who photographs a signed paper instead of sending its file.
        self.photographs = photographs

    @property
    def text(self) -> str:
        return self.last.plain_text

    def verbs(self) -> dict[str, str]:
        rows = (self.last.reply_markup or {}).get("inline_keyboard", [])
        return verbs_of([b["callback_data"] for row in rows for b in row])

    async def says(self, text: str) -> None:
        self.last = await ask(self.fake, text, user=self.user)

    async def presses(self, payload: str) -> None:
        self.last, _answer = await press(self.fake, payload, user=self.user)

    async def sends_file(self, file) -> None:
        if self.photographs:
            self.fake.user_sends_photo(self.user, file.size)
        else:
            self.fake.user_sends_document(self.user, file.file_name, file.mime_type, file.size)
        self.last = (await self.fake.wait_for_messages(self.user, 1))[0]


@pytest.mark.parametrize("typed", [False, True], ids=["buttons", "typed"])
async def test_a_full_registration_over_telegram(bot, app, clock, typed):
    user = 556_000 + typed
    chat = TelegramChat(bot, user)
    await chat.says(f"/start {await issue_code(app.db, clock, Role.HEAD, SCHOOL)}")
    await chat.says("/register")

    await fill_in(chat, typed=typed)

    assert "Đã nhận: Đăng ký thi đua" in chat.text
    assert "Mã biên nhận: TD-" in chat.text
    assert bot.unanswered_callbacks() == []


async def test_a_document_sent_over_telegram_is_kept_with_the_report(bot, app, clock):
    chat = TelegramChat(bot, 556_010)
    await chat.says(f"/start {await issue_code(app.db, clock, Role.HEAD, SCHOOL)}")
    await chat.says("/report")
    await chat.presses(button_data(chat.last)[next(iter(button_data(chat.last)))])
    await fill_in(chat)

    assert "Đã nhận" in chat.text
    async with app.db.unit_of_work() as session:
        [kept] = list(await session.scalars(select(Attachment)))
    assert (kept.channel, kept.file_name, kept.mime_type) == (
        "telegram",
        "ke-hoach.pdf",
        "application/pdf",
    )
    assert kept.file_ref  # the Telegram file_id, to send the file on to the office later


async def test_the_outbox_sender_reports_what_telegram_answered(fake, app):
    from bot.channel import Delivery
    from channels.telegram.runner import make_bot
    from channels.telegram.sender import TelegramSender

    fake.user_sends_text(USER, "hi")  # a chat the bot may write to
    bot = make_bot(app_on(fake, app).settings)
    sender = TelegramSender(bot)
    reminder = Reply("⏰ Nhắc hạn <báo cáo>", buttons=((Button("📝 Điền ngay", "open:1"),),))

    assert (await sender.send(str(USER), reminder)).outcome is Delivery.SENT
    fake.fail_next("sendMessage", 429, retry_after=7)
    throttled = await sender.send(str(USER), reminder)
    fake.fail_next("sendMessage", 502)
    broken = await sender.send(str(USER), reminder)
    fake.block_user(USER)
    blocked = await sender.send(str(USER), reminder)
    await bot.session.close()

    assert (throttled.outcome, throttled.retry_after) == (Delivery.RETRY, 7)
    assert broken.outcome is Delivery.RETRY
    assert blocked.outcome is Delivery.BLOCKED
    assert fake.sent[0].plain_text == "⏰ Nhắc hạn <báo cáo>"
    assert button_data(fake.sent[0]) == {"📝 Điền ngay": "open:1"}


async def test_progress_arrives_as_a_photo_then_the_table(bot, app, clock):
    clerk = 556_020
    await ask(bot, f"/start {await issue_code(app.db, clock, Role.COUNCIL)}", user=clerk)

    bot.user_sends_text(clerk, "/progress")
    photo, table = await bot.wait_for_messages(clerk, 2, timeout=15)

    assert photo.method == "sendPhoto"
    assert photo.plain_text == "📊 Biểu đồ tiến độ chỉ tiêu"  # the caption
    assert "3. Cờ thi đua UBND tỉnh: 0/72 (0%) · còn 72" in table.plain_text


@pytest.mark.parametrize(
    ("photographs", "method", "field"),
    [(False, "sendDocument", "document"), (True, "sendPhoto", "photo")],
    ids=["file", "photo"],
)
async def test_the_office_reviews_a_report_and_gets_its_attachment_over_telegram(
    bot, app, clock, photographs, method, field
):
    """Passed on by its file id, not uploaded again; a photo as a photo, since Telegram
    refuses a photo's file id in sendDocument ("type of file mismatch")."""
    principal = TelegramChat(bot, 556_030 + 10 * photographs, photographs=photographs)
    await principal.says(f"/start {await issue_code(app.db, clock, Role.HEAD, SCHOOL)}")
    await principal.says("/report")
    await principal.presses(button_data(principal.last)[next(iter(button_data(principal.last)))])
    await fill_in(principal)
    clerk = TelegramChat(bot, 556_031 + 10 * photographs)
    await clerk.says(f"/start {await issue_code(app.db, clock, Role.OFFICE)}")

    await clerk.says("/review")
    await clerk.presses(next(iter(button_data(clerk.last).values())))
    attachment = next(label for label in button_data(clerk.last) if label.startswith("📎"))
    await clerk.presses(button_data(clerk.last)[attachment])

    assert clerk.last.method == method
    sent = bot.message(clerk.user, clerk.last.message_id)[field]
    async with app.db.unit_of_work() as session:
        kept = await session.scalar(select(Attachment))
    assert (sent[-1] if photographs else sent)["file_id"] == kept.file_ref


async def test_the_office_sends_a_spreadsheet_of_decisions_over_telegram(bot, app, clock):
    clock.set(datetime(2020, 1, 6, 9, 0, tzinfo=VIETNAM))
    clerk = 556_040
    await ask(bot, f"/start {await issue_code(app.db, clock, Role.OFFICE)}", user=clerk)
    sheet = (EXAMPLES / "awards-decisions.csv").read_bytes()

    bot.user_sends_document(clerk, "quyet-dinh.csv", "text/csv", len(sheet), content=sheet)
    [summary] = await bot.wait_for_messages(clerk, 1)

    assert "Đã nhập khen thưởng: 9 mới, 0 đã có từ trước." in summary.plain_text
    bot.user_sends_text(clerk, "/progress")
    _photo, table = await bot.wait_for_messages(clerk, 2, timeout=15)
    assert "Cờ thi đua UBND tỉnh: 2/72" in table.plain_text


async def test_export_over_telegram_is_announced_then_sent_as_a_document(bot, app, clock):
    clerk = 556_050
    await ask(bot, f"/start {await issue_code(app.db, clock, Role.OFFICE)}", user=clerk)

    bot.user_sends_text(clerk, "/export")
    under_way, sent = await bot.wait_for_messages(clerk, 2, timeout=15)

    assert under_way.plain_text.startswith("⏳ Đang tạo tệp Excel")
    assert (sent.method, sent.file_name) == ("sendDocument", "thidua-2016-10-01.xlsx")
    document = bot.message(clerk, sent.message_id)["document"]
    content = bot.file_content(document["file_id"])
    assert content.startswith(b"PK")  # an XLSX is a zip
