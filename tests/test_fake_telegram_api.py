"""The fake Telegram Bot API, checked through a real aiogram Bot over HTTP.

Each limit is asserted as the exception an aiogram user would catch, with Telegram's own
description, so tests written against the fake hold against the real API.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiogram import Bot, Dispatcher
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import (
    ClientDecodeError,
    TelegramBadRequest,
    TelegramConflictError,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramNotFound,
    TelegramRetryAfter,
    TelegramServerError,
    TelegramUnauthorizedError,
)
from aiogram.methods import TelegramMethod
from aiogram.types import (
    BotCommand,
    BotCommandScopeChat,
    BufferedInputFile,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    ReplyKeyboardRemove,
)

from tests.fakes.telegram_api import FakeTelegramAPI

USER = 1001
OTHER_USER = 1002


class _PlainHttpSession(AiohttpSession):
    """aiogram's session sleeps 250 ms on close to let TLS connections wind down; there is
    no TLS here, and that sleep would dominate the run time of this file."""

    async def close(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()


def _bot_for(fake: FakeTelegramAPI, token: str | None = None) -> Bot:
    assert fake.base_url is not None
    session = _PlainHttpSession(api=TelegramAPIServer.from_base(fake.base_url))
    return Bot(token or fake.bot_token, session=session)


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegramAPI]:
    async with FakeTelegramAPI() as api:
        api.user_sends_text(USER, "/start")  # a chat the bot may write to
        yield api


@pytest.fixture
async def bot(fake: FakeTelegramAPI) -> AsyncIterator[Bot]:
    async with _bot_for(fake) as bot:  # closes the session on exit
        yield bot


def _keyboard(*callback_data: str) -> InlineKeyboardMarkup:
    buttons = [
        InlineKeyboardButton(text=f"Nút {i}", callback_data=d) for i, d in enumerate(callback_data)
    ]
    return InlineKeyboardMarkup(inline_keyboard=[buttons])


async def _eventually(condition, seconds: float = 2.0) -> None:
    """Wait for a condition the fake reaches asynchronously (e.g. a long poll in flight)."""
    async with asyncio.timeout(seconds):
        while not condition():  # noqa: ASYNC110 -- the fake offers no event for these states
            await asyncio.sleep(0.01)


# --------------------------------------------------------------------------- basics


async def test_get_me_describes_the_bot(bot: Bot, fake: FakeTelegramAPI) -> None:
    me = await bot.get_me()
    assert (me.id, me.is_bot, me.username) == (bot.id, True, fake.bot_username)


async def test_sent_message_is_recorded_and_parsed_by_aiogram(
    bot: Bot, fake: FakeTelegramAPI
) -> None:
    markup = _keyboard("report:start")
    message = await bot.send_message(USER, "Báo cáo thi đua\n", reply_markup=markup)

    assert isinstance(message, Message)
    assert message.chat.id == USER and message.from_user and message.from_user.is_bot
    assert message.text == "Báo cáo thi đua"
    assert not message.entities
    assert message.reply_markup and message.reply_markup.model_dump() == markup.model_dump()
    [sent] = fake.sent
    assert (sent.method, sent.chat_id, sent.message_id) == ("sendMessage", USER, message.message_id)
    assert sent.text == "Báo cáo thi đua\n"
    assert sent.plain_text == "Báo cáo thi đua"
    assert sent.parse_mode is None
    assert sent.reply_markup == markup.model_dump(exclude_none=True)


async def test_text_without_parse_mode_is_taken_literally(bot: Bot, fake: FakeTelegramAPI) -> None:
    await bot.send_message(USER, "a <foo> & b")
    assert fake.sent[-1].plain_text == "a <foo> & b"


async def test_wait_for_messages_returns_each_message_once(bot: Bot, fake: FakeTelegramAPI) -> None:
    for text in ("một", "hai", "ba"):
        await bot.send_message(USER, text)
    assert [m.plain_text for m in await fake.wait_for_messages(USER, 2)] == ["một", "hai"]
    assert [m.plain_text for m in await fake.wait_for_messages(USER, 1)] == ["ba"]
    with pytest.raises(AssertionError, match="expected 1 new message"):
        await fake.wait_for_messages(USER, 1, timeout=0.05)


async def test_wire_format_with_json_and_get_requests(fake: FakeTelegramAPI) -> None:
    """Clients other than aiogram send JSON bodies or query strings; answers are Telegram's."""
    base = f"{fake.base_url}/bot{fake.bot_token}"
    markup = {"inline_keyboard": [[{"text": "A", "callback_data": "a"}]]}
    fake.fail_next("getMe", 429, retry_after=7)
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{base}/getMe") as response:
            assert response.status == 429
            assert await response.json() == {
                "ok": False,
                "error_code": 429,
                "description": "Too Many Requests: retry after 7",
                "parameters": {"retry_after": 7},
            }
        async with http.get(f"{base}/getme") as response:  # method names ignore case
            assert (await response.json())["result"]["username"] == fake.bot_username
        body = {"chat_id": USER, "text": "hi", "reply_markup": markup}
        async with http.post(f"{base}/sendMessage", json=body) as response:
            assert (await response.json())["result"]["reply_markup"] == markup
        async with http.post(f"{fake.base_url}/bot1:wrong/getMe") as response:
            assert response.status == 401
            assert await response.json() == {
                "ok": False,
                "error_code": 401,
                "description": "Unauthorized",
            }
    assert fake.calls[2] == ("sendMessage", body)


# --------------------------------------------------------------------------- text limits


async def test_empty_and_blank_text_are_rejected(bot: Bot) -> None:
    # aiogram drops empty parameters from the form, so Telegram sees no text at all.
    with pytest.raises(TelegramBadRequest, match="Bad Request: message text is empty"):
        await bot.send_message(USER, "")
    with pytest.raises(TelegramBadRequest, match="Bad Request: text must be non-empty"):
        await bot.send_message(USER, " \n")  # Telegram trims it to nothing


async def test_text_limit_counts_characters_after_trimming(bot: Bot) -> None:
    longest = "ệ" * 4096  # 12 288 bytes: the limit is in characters, not bytes
    await bot.send_message(USER, f"\n {longest} \n")  # trimmed whitespace doesn't count
    with pytest.raises(TelegramBadRequest, match="Bad Request: message is too long"):
        await bot.send_message(USER, longest + "!")


async def test_caption_limit_is_1024(bot: Bot) -> None:
    photo = BufferedInputFile(b"\x89PNG fake", filename="chart.png")
    await bot.send_photo(USER, photo, caption="ả" * 1024)
    with pytest.raises(TelegramBadRequest, match="Bad Request: message caption is too long"):
        await bot.send_photo(USER, photo, caption="ả" * 1025)


@pytest.mark.parametrize("parse_mode", ["HTML", "MarkdownV2", "Markdown", "none"])
async def test_a_parse_mode_is_refused_loudly(
    bot: Bot, fake: FakeTelegramAPI, parse_mode: str
) -> None:
    """The bot sends plain text; a parse mode must not be answered as if it had been applied."""
    refusal = (
        f"Bad Request: the fake Telegram API does not model parse modes (parse_mode={parse_mode})"
    )
    photo = BufferedInputFile(b"\x89PNG fake", filename="chart.png")
    message = await bot.send_message(USER, "Bước 1")
    sends = [
        lambda: bot.send_message(USER, "<b>x</b>", parse_mode=parse_mode),
        lambda: bot.send_photo(USER, photo, caption="<b>x</b>", parse_mode=parse_mode),
        lambda: bot.edit_message_text(
            "<b>x</b>", chat_id=USER, message_id=message.message_id, parse_mode=parse_mode
        ),
    ]
    for send in sends:
        with pytest.raises(TelegramBadRequest) as caught:
            await send()
        assert caught.value.message == refusal
    assert len(fake.sent) == 1 and not fake.edits


async def test_what_the_fake_does_not_model_is_refused_loudly(bot: Bot) -> None:
    entity = {"type": "bold", "offset": 0, "length": 1}
    with pytest.raises(TelegramBadRequest, match="does not model message entities"):
        await bot.send_message(USER, "x", entities=[entity])
    with pytest.raises(TelegramBadRequest, match="does not model reply keyboards"):
        await bot.send_message(USER, "x", reply_markup=ReplyKeyboardRemove())
    with pytest.raises(TelegramBadRequest, match="does not model files sent by URL"):
        await bot.send_photo(USER, "https://moet.gov.vn/chart.png")
    scope = BotCommandScopeChat(chat_id=USER)
    with pytest.raises(TelegramBadRequest, match="does not model command scopes"):
        await bot.set_my_commands([BotCommand(command="a", description="x")], scope=scope)


# --------------------------------------------------------------------------- keyboards


async def test_callback_data_limit_is_64_bytes_not_characters(bot: Bot) -> None:
    data_64_bytes = "ệ" * 21 + "a"  # 22 characters, 3 bytes per "ệ"
    assert len(data_64_bytes.encode()) == 64
    await bot.send_message(USER, "ok", reply_markup=_keyboard(data_64_bytes))
    with pytest.raises(TelegramBadRequest, match="Bad Request: BUTTON_DATA_INVALID"):
        await bot.send_message(USER, "too long", reply_markup=_keyboard(data_64_bytes + "a"))


async def test_inline_button_needs_an_action_and_a_text(bot: Bot) -> None:
    no_action = InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(text="Nút")]])
    with pytest.raises(TelegramBadRequest) as caught:
        await bot.send_message(USER, "x", reply_markup=no_action)
    assert caught.value.message == (
        "Bad Request: can't parse inline keyboard button: "
        "Text buttons are unallowed in the inline keyboard"
    )
    no_text = InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text="", callback_data="a")]]
    )
    with pytest.raises(TelegramBadRequest, match="inline keyboard button text must be non-empty"):
        await bot.send_message(USER, "x", reply_markup=no_text)


# --------------------------------------------------------------------------- chats and edits


async def test_unknown_chat_is_not_found(bot: Bot) -> None:
    with pytest.raises(TelegramBadRequest, match="Bad Request: chat not found"):
        await bot.send_message(999_999, "xin chào")


async def test_blocked_user_gives_forbidden(bot: Bot, fake: FakeTelegramAPI) -> None:
    fake.block_user(USER)
    with pytest.raises(TelegramForbiddenError) as caught:
        await bot.send_message(USER, "nhắc nhở")
    assert caught.value.message == "Forbidden: bot was blocked by the user"
    fake.user_sends_text(USER, "/start")  # writing again unblocks
    await bot.send_message(USER, "chào lại")


async def test_edit_rules(bot: Bot, fake: FakeTelegramAPI) -> None:
    message = await bot.send_message(USER, "Bước 1", reply_markup=_keyboard("next"))
    edited = await bot.edit_message_text("Bước 2 ", chat_id=USER, message_id=message.message_id)
    assert isinstance(edited, Message) and edited.text == "Bước 2" and edited.reply_markup is None
    assert fake.message(USER, message.message_id)["text"] == "Bước 2"
    assert fake.edits[-1].plain_text == "Bước 2"

    with pytest.raises(TelegramBadRequest, match="Bad Request: message is not modified: "):
        await bot.edit_message_text("Bước 2", chat_id=USER, message_id=message.message_id)
    with pytest.raises(TelegramBadRequest, match="Bad Request: message to edit not found"):
        await bot.edit_message_text("x", chat_id=USER, message_id=12345)
    with pytest.raises(TelegramBadRequest, match="Bad Request: message can't be edited"):
        await bot.edit_message_text("x", chat_id=USER, message_id=1)  # the user's /start

    # The same text with another keyboard is a change; the same again is not.
    done = {"chat_id": USER, "message_id": message.message_id, "reply_markup": _keyboard("done")}
    await bot.edit_message_text("Bước 2", **done)
    assert fake.message(USER, message.message_id)["reply_markup"] == fake.edits[-1].reply_markup
    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await bot.edit_message_text("Bước 2", **done)


# --------------------------------------------------------------------------- rate limits and faults


async def test_per_chat_rate_limit_answers_retry_after() -> None:
    async with FakeTelegramAPI(per_chat_rate_per_s=2) as fake, _bot_for(fake) as bot:
        fake.user_sends_text(USER, "hi")
        fake.user_sends_text(OTHER_USER, "hi")
        await bot.send_message(USER, "1")
        await bot.send_message(USER, "2")
        with pytest.raises(TelegramRetryAfter) as caught:
            await bot.send_message(USER, "3")
        assert caught.value.retry_after == 1
        # aiogram rewrites the description ("Flood control exceeded on method ...").
        assert "Too Many Requests: retry after 1" in caught.value.message
        await bot.send_message(OTHER_USER, "another chat has its own budget")
        assert fake.throttled_count == 1
        assert [m.plain_text for m in fake.sent] == ["1", "2", "another chat has its own budget"]


async def test_global_rate_limit_spans_chats() -> None:
    async with FakeTelegramAPI(global_rate_per_s=1) as fake, _bot_for(fake) as bot:
        fake.user_sends_text(USER, "hi")
        fake.user_sends_text(OTHER_USER, "hi")
        await bot.send_message(USER, "1")
        with pytest.raises(TelegramRetryAfter):
            await bot.send_message(OTHER_USER, "2")
        assert fake.throttled_count == 1


async def test_injected_failures_map_to_aiogram_exceptions(bot: Bot, fake: FakeTelegramAPI) -> None:
    fake.fail_next("sendMessage", 429, retry_after=7)
    fake.fail_next("sendMessage", 502)
    fake.fail_next("sendMessage", 403)
    with pytest.raises(TelegramRetryAfter) as caught:
        await bot.send_message(USER, "x")
    assert caught.value.retry_after == 7
    with pytest.raises(TelegramServerError, match="Bad Gateway"):
        await bot.send_message(USER, "x")
    with pytest.raises(TelegramForbiddenError, match="bot was blocked by the user"):
        await bot.send_message(USER, "x")
    await bot.send_message(USER, "the failures are used up")
    assert len(fake.sent) == 1


async def test_unreachable_platform(bot: Bot, fake: FakeTelegramAPI) -> None:
    fake.set_unreachable(True)
    with pytest.raises(TelegramNetworkError):
        await bot.get_me()
    # Telegram's nginx answers an HTML 502 page that aiogram cannot decode as JSON.
    fake.set_unreachable(True, mode="bad_gateway")
    with pytest.raises(ClientDecodeError):
        await bot.get_me()
    fake.set_unreachable(False)
    assert (await bot.get_me()).username == fake.bot_username


class _SendNothing(TelegramMethod[bool]):
    __returning__ = bool
    __api_method__ = "sendNothing"


async def test_unknown_method_and_wrong_token(bot: Bot, fake: FakeTelegramAPI) -> None:
    with pytest.raises(TelegramNotFound, match="Not Found: method not found"):
        await bot(_SendNothing())
    async with _bot_for(fake, token="42:WRONG-token") as intruder:
        with pytest.raises(TelegramUnauthorizedError, match="Unauthorized"):
            await intruder.get_me()


async def test_a_method_the_fake_does_not_implement_is_named(bot: Bot) -> None:
    """Real methods the bot never calls are not simulated: a new call must fail by its name."""
    with pytest.raises(TelegramNotFound) as caught:
        await bot.get_webhook_info()
    assert caught.value.message == (
        "Not Found: method not found: the fake Telegram API does not implement getWebhookInfo"
    )
    with pytest.raises(TelegramNotFound, match="does not implement sendChatAction"):
        await bot.send_chat_action(USER, "typing")


# --------------------------------------------------------------------------- updates


async def test_get_updates_honours_offset(bot: Bot, fake: FakeTelegramAPI) -> None:
    second = fake.user_sends_text(USER, "thứ hai")
    updates = await bot.get_updates(timeout=0)
    assert [u.message.text for u in updates if u.message] == ["/start", "thứ hai"]
    updates = await bot.get_updates(offset=second, timeout=0)  # confirms the first
    assert [u.update_id for u in updates] == [second]
    assert await bot.get_updates(offset=second + 1, timeout=0) == []


async def test_long_poll_wakes_up_for_a_new_update(bot: Bot, fake: FakeTelegramAPI) -> None:
    offset = (await bot.get_updates(timeout=0))[-1].update_id + 1
    poll = asyncio.create_task(bot.get_updates(offset=offset, timeout=5))
    await asyncio.sleep(0.1)
    assert not poll.done()
    update_id = fake.user_sends_text(USER, "có ai không?")
    updates = await asyncio.wait_for(poll, timeout=1)
    assert [u.update_id for u in updates] == [update_id]


async def test_second_long_poll_terminates_the_first(bot: Bot, fake: FakeTelegramAPI) -> None:
    offset = (await bot.get_updates(timeout=0))[-1].update_id + 1
    first = asyncio.create_task(bot.get_updates(offset=offset, timeout=5))
    await _eventually(lambda: fake.long_polling)
    second = asyncio.create_task(bot.get_updates(offset=offset, timeout=5))
    with pytest.raises(TelegramConflictError, match="terminated by other getUpdates request"):
        await asyncio.wait_for(first, timeout=1)
    fake.user_sends_text(USER, "xin chào")
    assert len(await asyncio.wait_for(second, timeout=1)) == 1


async def test_webhook_excludes_get_updates(bot: Bot, fake: FakeTelegramAPI) -> None:
    with pytest.raises(TelegramBadRequest, match="secret token contains unallowed characters"):
        await bot.set_webhook("https://bot.example.vn/hook", secret_token="có dấu")
    with pytest.raises(TelegramBadRequest, match="An HTTPS URL must be provided"):
        await bot.set_webhook("http://bot.example.vn/hook")
    await bot.set_webhook("https://bot.example.vn/hook", secret_token="s3cret_-")
    assert fake.webhook is not None and fake.webhook["secret_token"] == "s3cret_-"
    assert fake.webhook["url"] == "https://bot.example.vn/hook"
    with pytest.raises(TelegramConflictError, match="while webhook is active"):
        await bot.get_updates(timeout=0)
    await bot.delete_webhook(drop_pending_updates=True)
    assert fake.webhook is None
    assert await bot.get_updates(timeout=0) == []


async def test_allowed_updates_filter_updates_as_they_happen(
    bot: Bot, fake: FakeTelegramAPI
) -> None:
    await bot.send_message(USER, "Chọn:", reply_markup=_keyboard("a"))
    await bot.get_updates(timeout=0, allowed_updates=["message"])
    fake.user_presses(USER, "a")  # a bot without callback handlers never hears of it
    assert [list(u)[1] for u in fake.dropped_updates] == ["callback_query"]


# --------------------------------------------------------------------------- callbacks, commands


async def test_callback_queries_are_answered_once(bot: Bot, fake: FakeTelegramAPI) -> None:
    await bot.send_message(USER, "Chọn:", reply_markup=_keyboard("yes", "no"))
    with pytest.raises(ValueError, match="no button"):
        fake.user_presses(USER, "maybe")
    query_id = fake.user_presses(USER, "yes")
    assert fake.unanswered_callbacks() == [query_id]
    with pytest.raises(TelegramBadRequest, match="MESSAGE_TOO_LONG"):
        await bot.answer_callback_query(query_id, text="x" * 201)
    await bot.answer_callback_query(query_id, text="Đã ghi nhận")
    assert fake.answered_callbacks[query_id]["text"] == "Đã ghi nhận"
    assert fake.unanswered_callbacks() == []
    with pytest.raises(TelegramBadRequest, match="query is too old"):
        await bot.answer_callback_query(query_id)
    with pytest.raises(TelegramBadRequest, match="query is too old"):
        await bot.answer_callback_query("123")


async def test_commands_are_stored_per_language(bot: Bot, fake: FakeTelegramAPI) -> None:
    commands = [BotCommand(command="/baocao ", description=" Nộp báo cáo thi đua")]
    await bot.set_my_commands(commands, language_code="vi")
    await bot.set_my_commands([BotCommand(command="report", description="Report")])
    assert fake.commands == {
        ("default", "vi"): [{"command": "baocao", "description": "Nộp báo cáo thi đua"}],
        ("default", ""): [{"command": "report", "description": "Report"}],
    }
    await bot.set_my_commands([], language_code="vi")  # an empty menu removes it
    assert ("default", "vi") not in fake.commands
    with pytest.raises(TelegramBadRequest, match="invalid language code specified"):
        await bot.set_my_commands(commands, language_code="vie")


@pytest.mark.parametrize(
    ("commands", "error"),
    [
        ([BotCommand(command="BaoCao", description="x")], "BOT_COMMAND_INVALID"),
        ([BotCommand(command="a" * 33, description="x")], "command length must not exceed 32"),
        (
            [BotCommand(command="a", description="x" * 257)],
            "description length must not exceed 256",
        ),
        (
            [BotCommand(command=f"c{i}", description="x") for i in range(101)],
            "BOT_COMMANDS_TOO_MUCH",
        ),
    ],
)
async def test_invalid_commands(bot: Bot, commands: list[BotCommand], error: str) -> None:
    with pytest.raises(TelegramBadRequest, match=error):
        await bot.set_my_commands(commands)


async def test_documents_round_trip(bot: Bot, fake: FakeTelegramAPI) -> None:
    content = "Bảng tổng hợp".encode()
    sent = await bot.send_document(USER, BufferedInputFile(content, filename="tong_hop.xlsx"))
    assert sent.document and sent.document.file_name == "tong_hop.xlsx"
    assert fake.sent[-1].file_name == "tong_hop.xlsx"
    file = await bot.get_file(sent.document.file_id)
    assert file.file_path and (await bot.download_file(file.file_path)).read() == content

    fake.user_sends_document(USER, "minh_chung.pdf", "application/pdf", 3, content=b"PDF")
    [update] = [u for u in await bot.get_updates(timeout=0) if u.message and u.message.document]
    incoming = await bot.get_file(update.message.document.file_id)
    assert incoming.file_path and (await bot.download_file(incoming.file_path)).read() == b"PDF"

    with pytest.raises(TelegramBadRequest, match="wrong file identifier"):
        await bot.send_photo(USER, "no-such-file-id")


# --------------------------------------------------------------------------- a whole bot


async def test_dispatcher_polling_echoes_a_message(bot: Bot, fake: FakeTelegramAPI) -> None:
    dispatcher = Dispatcher()

    @dispatcher.message()
    async def echo(message: Message) -> None:
        await message.answer(f"Bạn nói: {message.text}")

    fake.user_sends_text(USER, "xin chào")
    polling = asyncio.create_task(
        dispatcher.start_polling(
            bot, handle_signals=False, close_bot_session=False, polling_timeout=1
        )
    )
    try:
        replies = await asyncio.wait_for(fake.wait_for_messages(USER, 2), timeout=5)
    finally:
        with contextlib.suppress(RuntimeError):  # polling had not started: fail below instead
            await dispatcher.stop_polling()
        await asyncio.wait_for(polling, timeout=5)
    assert [reply.plain_text for reply in replies] == ["Bạn nói: /start", "Bạn nói: xin chào"]
    # aiogram asks only for the update types it has handlers for.
    get_updates = [params for method, params in fake.calls if method == "getUpdates"]
    assert get_updates[0]["allowed_updates"] == ["message"]
