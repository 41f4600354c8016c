"""The bot on Zalo: the real runner and httpx client over HTTP against the fake Zalo Bot API."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import re
import signal
import socket
import sys
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import aiohttp
import pytest
from pydantic import SecretStr
from sqlalchemy import func, select

from bot.app import CoreApp
from bot.channel import Delivery
from bot.db.models import Attachment, ChannelIdentity, Role, Submission
from bot.events import FileRef, Reply
from bot.forms.steps import REMOVAL, TYPED_REMOVAL, VERBS
from bot.services.messaging import reminders
from bot.text import fold
from channels.zalo.adapter import CHANNEL
from channels.zalo.runner import ZaloChannel
from channels.zalo.sender import ZaloSender
from scheduler import Jobs
from tests.fakes.telegram_api import FakeTelegramAPI
from tests.fakes.zalo_api import MAX_TEXT, FakeZaloAPI, SentMessage
from tests.helpers import TEST_TOKEN, Person, RecordingSender, fill_in, issue_code, serving

ZALO_TOKEN = "2234567890:zalo-TEST-token-abcdefghijkl"
SCHOOL = "THPT-CHUYEN-HUNG-VUONG"
USER = "6ede9afa66b88fe6d6a9"
# How long the bot may stay silent before an answer counts as complete.
QUIET_SECONDS = 0.15


@pytest.fixture
async def fake() -> AsyncIterator[FakeZaloAPI]:
    async with FakeZaloAPI(bot_token=ZALO_TOKEN, poll_seconds=0.2) as api:
        yield api


def app_on(fake: FakeZaloAPI, app: CoreApp, **settings) -> CoreApp:
    """The core app, set to talk to the fake Zalo API."""
    app.settings = app.settings.model_copy(
        update={"zalo_bot_token": SecretStr(ZALO_TOKEN), "zalo_api_url": fake.base_url, **settings}
    )
    return app


@contextlib.asynccontextmanager
async def running(app: CoreApp) -> AsyncIterator[ZaloChannel]:
    channel = ZaloChannel(app)
    async with serving(channel.serve):
        yield channel


@pytest.fixture
async def zalo(fake, app) -> AsyncIterator[FakeZaloAPI]:
    """The bot polling the fake Zalo API until the test ends."""
    async with running(app_on(fake, app)):
        yield fake


@dataclass
class ZaloChat:
    """A person typing in Zalo, and what the bot answered last (every message of the answer)."""

    fake: FakeZaloAPI
    app: object
    user: str = USER
    last: list[SentMessage] = field(default_factory=list)

    async def says(self, text: str) -> list[SentMessage]:
        self.fake.user_sends_text(self.user, text)
        return await self._answer()

    async def sends_file(self, _file: FileRef) -> list[SentMessage]:
        """Zalo passes photos, not documents: a signed page is sent as a picture of it."""
        self.fake.user_sends_photo(self.user, b"\xff\xd8 a photo of the signed page")
        return await self._answer()

    async def presses(self, payload: str) -> list[SentMessage]:
        shown = await self.app.recall_options(CHANNEL, self.user)
        return await self.says(str(shown.index(payload) + 1))

    async def _answer(self) -> list[SentMessage]:
        self.last = await self.fake.wait_for_messages(self.user, 1)
        while True:
            try:
                self.last += await self.fake.wait_for_messages(self.user, 1, QUIET_SECONDS)
            except TimeoutError:
                return self.last

    @property
    def text(self) -> str:
        return "\n".join(message.text for message in self.last)

    def verbs(self) -> dict[str, str]:
        """The form's numbered options and the words it offers, read from the screen."""
        words = {fold(word) for word in re.findall(r"^  \[([^\]\d][^\]]*)\]", self.text, re.M)}
        typed = {verb: verb for verb, spec in VERBS.items() if words & set(spec.words)}
        numbered = re.findall(r"^  \[(\d+)\]", self.text, re.M)
        return typed | {f"option{int(n) - 1}": n for n in numbered if self._form_on_screen()}

    def _form_on_screen(self) -> bool:
        return bool(re.search(r"^  \[[^\]\d][^\]]*\]", self.text, re.M))


async def bound(chat: ZaloChat, app, clock, role: Role = Role.HEAD) -> None:
    code = await issue_code(app.db, clock, role, SCHOOL if role is Role.HEAD else None)
    await chat.says(code)
    assert "Liên kết thành công" in chat.text


async def count(app, model, *where) -> int:
    async with app.db.unit_of_work() as session:
        return await session.scalar(select(func.count()).select_from(model).where(*where))


async def test_a_typed_code_binds_and_the_menu_is_numbered(zalo, app, clock):
    chat = ZaloChat(zalo, app)
    await chat.says("Xin chào")
    assert "mã mời" in chat.text

    await bound(chat, app, clock)
    assert "  [1] 📝 Đăng ký thi đua" in chat.text and "  [4] 📅 Hạn nộp" in chat.text

    await chat.says("4")
    assert "hạn chót 19/10/2016" in chat.text


async def test_start_with_a_code_binds_too(zalo, app, clock):
    code = await issue_code(app.db, clock, Role.HEAD, SCHOOL)
    chat = ZaloChat(zalo, app)
    await chat.says(f"/start {code}")
    assert "Liên kết thành công" in chat.text


async def test_a_registration_typed_over_zalo_with_a_photo_as_its_attachment(zalo, app, clock):
    chat = ZaloChat(zalo, app)
    await bound(chat, app, clock)
    await chat.says("/register")
    assert "Đăng ký thi đua · câu 1/" in chat.text

    await fill_in(chat, typed=True)

    assert "Mã biên nhận: TD-" in chat.text
    assert await count(app, Submission) == 1
    async with app.db.unit_of_work() as session:
        [photo] = await session.scalars(select(Attachment).where(Attachment.channel == CHANNEL))
    kept = FileRef(CHANNEL, photo.file_ref, photo.file_name, photo.mime_type, photo.size_bytes)
    assert await app.read_file(kept) == b"\xff\xd8 a photo of the signed page"


async def test_a_number_typed_after_a_restart_still_means_what_was_shown(fake, app, clock):
    app_on(fake, app)
    chat = ZaloChat(fake, app)
    async with running(app):
        await bound(chat, app, clock)
    async with running(app):
        await fake.next_poll()
        await chat.says("4")  # 📅 Hạn nộp, as the menu showed before the restart
    assert "hạn chót 19/10/2016" in chat.text


async def test_a_number_typed_as_an_answer_is_not_taken_for_a_button(zalo, app, clock):
    chat = ZaloChat(zalo, app)
    await bound(chat, app, clock)
    await chat.says("/register")
    for answer in ("1", "bo qua", "them"):  # a title, no commendation, a first person
        await chat.says(answer)
    assert "Họ và tên" in chat.text
    assert re.search(r"^  \[\d+\]", chat.text, re.M) is None  # back and later are words

    await chat.says("2")  # read as the name (too short for one), not as a second button

    assert "Họ và tên" in chat.text and "quá ngắn" in chat.text


async def test_telegram_and_zalo_link_to_one_person_with_a_second_code(zalo, app, clock):
    on_telegram = Person.new(app)
    await on_telegram.says(f"/start {await issue_code(app.db, clock, Role.HEAD, SCHOOL)}")
    await on_telegram.says("/link")
    code = re.search(r"[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}", on_telegram.text).group()

    chat = ZaloChat(zalo, app)
    await chat.says(code)

    assert "  [1] 📝 Đăng ký thi đua" in chat.text  # the unit head's menu, on Zalo now
    async with app.db.unit_of_work() as session:
        identities = await session.scalars(select(ChannelIdentity))
        people = {identity.channel: identity.person_id for identity in identities}
    assert people["zalo"] == people["telegram"]
    other = ZaloChat(zalo, app, user="another-zalo-user")
    await other.says(code)
    assert "đã được sử dụng" in other.text


async def test_a_document_is_refused_with_what_to_do_instead_in_their_language(zalo, app, clock):
    chat = ZaloChat(zalo, app)
    await bound(chat, app, clock)
    await chat.says("/lang en")
    zalo.user_sends_document(USER)
    [answer] = await zalo.wait_for_messages(USER, 1)
    assert "send the document as a photo" in answer.text and "Telegram" in answer.text
    assert await count(app, Attachment) == 0


async def test_a_long_message_arrives_in_pieces_under_2000_characters(zalo, app):
    paragraphs = [f"{number}. " + "Nội dung thông báo của Sở. " * 12 for number in range(40)]
    bot = ZaloChannel(app_on(zalo, app))
    result = await ZaloSender(bot.output, per_second=50).send(USER, Reply("\n".join(paragraphs)))

    assert result.outcome is Delivery.SENT
    pieces = zalo.messages_to(USER)
    assert len(pieces) >= 6 and all(len(piece.text) <= MAX_TEXT for piece in pieces)
    received = " ".join(piece.text for piece in pieces)
    assert received.split() == " ".join(paragraphs).split()  # every word, in order


async def test_a_chart_is_a_photo_served_by_the_bot_when_a_public_url_is_set(fake, app, clock):
    port = _free_port()
    app_on(fake, app, public_url=f"http://127.0.0.1:{port}", zalo_listen=f"127.0.0.1:{port}")
    chat = ZaloChat(fake, app)
    async with running(app):
        await bound(chat, app, clock, Role.OFFICE)
        await chat.says("/progress")
    [chart] = [message for message in chat.last if message.photo is not None]
    assert chart.photo.startswith(b"\x89PNG")


async def test_without_a_public_url_a_chart_is_left_to_its_table(zalo, app, clock):
    chat = ZaloChat(zalo, app)
    await bound(chat, app, clock, Role.OFFICE)
    await chat.says("/progress")
    assert all(message.photo is None for message in chat.last)
    assert "Chỉ tiêu 2016–2020 (khen thưởng đã xác nhận / chỉ tiêu):" in chat.text


async def test_a_reminder_reaches_a_zalo_member_through_the_outbox(zalo, app, clock):
    chat = ZaloChat(zalo, app)
    await bound(chat, app, clock)
    clock.set(clock.now().replace(day=6))  # 14 days before the phase-1 report
    bot = ZaloChannel(app_on(zalo, app))
    jobs = Jobs(app.db, clock, app.settings.zone, {CHANNEL: ZaloSender(bot.output, per_second=20)})

    async with app.db.unit_of_work() as session:
        assert await reminders.send_due(session, clock.now(), app.settings.zone)
    report = await jobs.deliver()

    assert report.sent >= 1
    [reminder, *_] = await zalo.wait_for_messages(USER, 1)
    assert "⏰ Nhắc hạn" in reminder.text and "  [1]" in reminder.text
    await chat.says("1")  # the reminder's button, by its number
    assert "câu 1/" in chat.text


async def test_a_broadcast_reaches_a_zalo_member_in_parts_under_zalos_limit(zalo, app, clock):
    chat = ZaloChat(zalo, app)
    await bound(chat, app, clock)
    office = Person.new(app)  # on Telegram
    await office.says(f"/start {await issue_code(app.db, clock, Role.OFFICE)}")
    telegram = RecordingSender()
    zalo_sender = ZaloSender(ZaloChannel(app_on(zalo, app)).output, per_second=50)
    jobs = Jobs(app.db, clock, app.settings.zone, {CHANNEL: zalo_sender, "telegram": telegram})
    paragraphs = [f"Mục {n}: các đơn vị rà soát hồ sơ thi đua trước hạn. " * 6 for n in range(8)]
    announcement = "\n\n".join(paragraphs)

    await office.presses("bca:all")
    await office.says(announcement)
    await office.taps("✅")
    await jobs.catch_up()  # sends, then reports to the office

    received = zalo.messages_to(USER)[-2:]
    assert len(announcement) > MAX_TEXT and all(len(m.text) <= MAX_TEXT for m in received)
    words = " ".join(m.text for m in received).split()
    assert words == announcement.split()  # all of it, in order, diacritics and all
    [report] = [text for chat_id, text in telegram.delivered if "đã gửi xong" in text]
    assert "tới được 1 trên 1" in report


async def test_the_outbox_sends_to_zalo_at_zalos_own_pace(zalo, app):
    bot = ZaloChannel(app_on(zalo, app))
    sender = ZaloSender(bot.output, per_second=10)
    started = time.monotonic()
    for number in range(4):
        await sender.send(USER, Reply(f"Thông báo {number}"))
    assert time.monotonic() - started >= 0.3  # 4 messages at 10 a second
    assert [message.text for message in zalo.messages_to(USER)][-1] == "Thông báo 3"


async def test_a_blocked_zalo_member_is_marked_unreachable(zalo, app, clock):
    chat = ZaloChat(zalo, app)
    await bound(chat, app, clock)
    zalo.block(USER)
    clock.set(clock.now().replace(day=6))
    bot = ZaloChannel(app_on(zalo, app))
    jobs = Jobs(app.db, clock, app.settings.zone, {CHANNEL: ZaloSender(bot.output, 20)})
    async with app.db.unit_of_work() as session:
        await reminders.send_due(session, clock.now(), app.settings.zone)

    report = await jobs.deliver()

    assert report.sent == 0 and report.blocked >= 1
    async with app.db.unit_of_work() as session:
        identity = await session.scalar(select(ChannelIdentity))
    assert identity.unreachable_since is not None


async def test_a_flooded_send_is_retried_later(zalo, app):
    zalo.fail_next("sendMessage", 429)
    bot = ZaloChannel(app_on(zalo, app))
    result = await ZaloSender(bot.output, per_second=20).send(USER, Reply("Thông báo"))
    assert result.outcome is Delivery.RETRY
    assert zalo.sent == []


async def test_idle_polls_and_failures_are_waited_out_without_logging_the_token(fake, app, caplog):
    caplog.set_level(logging.DEBUG)
    fake.fail_next("getUpdates", 502)
    async with running(app_on(fake, app)):
        await _until(lambda: fake.idle_polls >= 2)
        chat = ZaloChat(fake, app)
        await chat.says("Xin chào")  # still polling after a 502 and the idle 408s
    assert "mã mời" in chat.text
    assert "getUpdates failed" in caplog.text
    assert ZALO_TOKEN not in caplog.text and ZALO_TOKEN.split(":")[1] not in caplog.text


@pytest.fixture
async def webhook(fake, app) -> AsyncIterator[str]:
    port = _free_port()
    app_on(
        fake,
        app,
        zalo_webhook_url="https://bot.example.vn/zalo/hook",
        zalo_webhook_secret=SecretStr("s3cret-for-zalo-hook"),
        zalo_listen=f"127.0.0.1:{port}",
    )
    async with running(app):
        await _until(lambda: fake.webhook is not None)
        yield f"http://127.0.0.1:{port}/zalo/hook"


async def test_a_webhook_with_a_wrong_secret_is_refused(webhook, fake):
    update = fake.update("message.text.received", USER, "Test", {"text": "Xin chào"})
    assert await fake.deliver(update, webhook, secret="not-the-secret") == 403
    async with aiohttp.ClientSession() as session, session.post(webhook, json=update) as answer:
        assert answer.status == 403
    await asyncio.sleep(QUIET_SECONDS)
    assert fake.sent == []


@pytest.mark.parametrize("with_message_id", [True, False])
async def test_a_webhook_delivered_twice_is_handled_once(
    webhook, fake, app, clock, with_message_id
):
    code = await issue_code(app.db, clock, Role.HEAD, SCHOOL)
    update = fake.update("message.text.received", USER, "Test", {"text": code})
    if not with_message_id:  # then the message's content identifies it
        del update["message"]["message_id"]
    assert fake.webhook["url"] == "https://bot.example.vn/zalo/hook"

    assert await fake.deliver(update, webhook) == 200
    assert await fake.deliver(update, webhook) == 200

    assert len(fake.messages_to(USER)) == 1
    assert "Liên kết thành công" in fake.messages_to(USER)[0].text


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def _until(condition, seconds: float = 5.0) -> None:
    async with asyncio.timeout(seconds):
        while not condition():  # noqa: ASYNC110
            await asyncio.sleep(0.01)


def test_form_words_are_what_the_flow_reads():
    from bot.i18n import Translator
    from tests.conftest import VIETNAM

    for locale in ("vi", "en"):
        t = Translator(locale, VIETNAM)
        for verb, spec in VERBS.items():
            assert fold(t(spec.typed)) in spec.words, (locale, verb)
        assert re.fullmatch(REMOVAL, fold(t(TYPED_REMOVAL, number=2)))


async def test_one_thidua_run_serves_telegram_and_zalo_together(fake, database_url, tmp_path):
    """The real `thidua run`, with both tokens set: a stranger on each app is answered, then
    SIGTERM stops both channels cleanly."""
    env = {k: v for k, v in os.environ.items() if not k.endswith("WEBHOOK_URL")} | {
        "BOT_TOKEN": TEST_TOKEN,
        "ZALO_BOT_TOKEN": ZALO_TOKEN,
        "ZALO_API_URL": fake.base_url,
        "DATABASE_URL": database_url,
    }
    async with FakeTelegramAPI(bot_token=TEST_TOKEN) as telegram:
        env["TELEGRAM_API_URL"] = telegram.base_url
        bot = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", env=env, cwd=tmp_path,
            stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
        )  # fmt: skip
        try:
            telegram.user_sends_text(700_001, "xin chào")
            fake.user_sends_text(USER, "xin chào")
            [on_telegram] = await telegram.wait_for_messages(700_001, 1, timeout=60)
            [on_zalo] = await fake.wait_for_messages(USER, 1, timeout=60)
        finally:
            bot.send_signal(signal.SIGTERM)
            exit_code = await asyncio.wait_for(bot.wait(), 15)

    assert "mã mời" in on_telegram.plain_text and "mã mời" in on_zalo.text
    assert exit_code == 0
