"""Translation between aiogram types and core events and replies."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from functools import partial
from typing import TypeVar

from aiogram import Bot
from aiogram.exceptions import (
    ClientDecodeError,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.types import (
    BufferedInputFile,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    User,
)

from bot.events import FileRef, Identity, Incoming, Outcome, Reply
from bot.text import split_text

CHANNEL = "telegram"
MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_NOTICE = 200
SEND_ATTEMPTS = 4

log = logging.getLogger(__name__)
T = TypeVar("T")


def identity_of(user: User, chat_id: int) -> Identity:
    return Identity(
        channel=CHANNEL,
        user_id=str(user.id),
        chat_id=str(chat_id),
        display_name=user.full_name,
        language_code=user.language_code,
    )


def incoming_from_message(message: Message, update_id: int) -> Incoming:
    return Incoming(
        identity_of(message.from_user, message.chat.id),
        text=message.text or message.caption,
        file=_file_of(message),
        update_id=str(update_id),
    )


def incoming_from_callback(query: CallbackQuery, update_id: int) -> Incoming:
    chat_id = query.message.chat.id if query.message else query.from_user.id
    return Incoming(
        identity_of(query.from_user, chat_id), payload=query.data or "", update_id=str(update_id)
    )


def _file_of(message: Message) -> FileRef | None:
    if message.document is not None:
        document = message.document
        return FileRef(
            channel=CHANNEL,
            file_ref=document.file_id,
            file_name=document.file_name or "file",
            mime_type=document.mime_type or "",
            size=document.file_size or 0,
        )
    if message.photo:
        # Telegram sends several sizes of one photo; the last is the largest.
        photo = message.photo[-1]
        return FileRef(
            channel=CHANNEL,
            file_ref=photo.file_id,
            file_name=f"photo-{photo.file_unique_id}.jpg",
            mime_type="image/jpeg",
            size=photo.file_size or 0,
            is_photo=True,
        )
    return None


async def download(bot: Bot, file: FileRef) -> bytes:
    """A file a person sent; Telegram lets bots fetch files of up to 20 MB."""
    stream = await bot.download(file.file_ref)
    return stream.read()


def render(reply: Reply) -> list[tuple[str, InlineKeyboardMarkup | None]]:
    """Chunks within Telegram's length limit; the keyboard goes on the last one.

    The core writes plain text and the bot sends it without a parse mode (see make_bot), so
    nothing needs escaping: a name like "<Thầy> Tâm & Co" shows as typed.
    """
    chunks = split_text(reply.text, MAX_TEXT)
    keyboard = _keyboard(reply)
    return [(chunk, keyboard if last else None) for last, chunk in _mark_last(chunks)]


def _keyboard(reply: Reply) -> InlineKeyboardMarkup | None:
    if not reply.buttons:
        return None
    rows = [
        [InlineKeyboardButton(text=button.label, callback_data=button.payload) for button in row]
        for row in reply.buttons
    ]
    return InlineKeyboardMarkup(inline_keyboard=rows)


def _mark_last(chunks: list[str]) -> list[tuple[bool, str]]:
    return [(index == len(chunks) - 1, chunk) for index, chunk in enumerate(chunks)]


def outgoing(bot: Bot, chat_id: int, reply: Reply) -> list[Callable[[], Awaitable[Message]]]:
    """The API calls that show a reply, in order: a picture or a file with the text as its
    caption, or the text in as many messages as its length needs."""
    if reply.photo is not None or (reply.document is not None and reply.document.is_photo):
        return [partial(_send_photo, bot, chat_id, reply)]
    if reply.document is not None:
        return [partial(_send_document, bot, chat_id, reply)]
    return [
        partial(bot.send_message, chat_id, text, reply_markup=keyboard)
        for text, keyboard in render(reply)
    ]


async def deliver(bot: Bot, chat_id: int, outcome: Outcome) -> None:
    for reply in outcome.replies:
        for call in outgoing(bot, chat_id, reply):
            await with_retries(call)


async def _send_photo(bot: Bot, chat_id: int, reply: Reply) -> Message:
    """A picture with the reply's text as its caption (Telegram allows 1024 characters): one
    the bot drew (a chart), or one Telegram holds, sent on by its file id."""
    if reply.photo is not None:
        photo = BufferedInputFile(reply.photo, filename="chart.png")
    else:
        photo = reply.document.file_ref
    return await bot.send_photo(
        chat_id, photo, caption=_caption(reply), reply_markup=_keyboard(reply)
    )


async def _send_document(bot: Bot, chat_id: int, reply: Reply) -> Message:
    """A file the bot made is uploaded; one Telegram already holds is sent by its file id."""
    document = reply.document
    sent = document.file_ref or BufferedInputFile(document.content, filename=document.file_name)
    return await bot.send_document(
        chat_id, sent, caption=_caption(reply), reply_markup=_keyboard(reply)
    )


def _caption(reply: Reply) -> str:
    return split_text(reply.text, MAX_CAPTION)[0]


async def with_retries(call: Callable[[], Awaitable[T]]) -> T | None:
    """Honour 429 retry_after, back off on 5xx and network errors; a blocked chat is final."""
    for attempt in range(1, SEND_ATTEMPTS + 1):
        try:
            return await call()
        except TelegramRetryAfter as error:
            delay = error.retry_after
        except (TelegramServerError, TelegramNetworkError, ClientDecodeError) as error:
            delay = 2 ** (attempt - 1)
            log.warning("Telegram send failed (%s), retry in %ss", type(error).__name__, delay)
        except TelegramForbiddenError:
            log.info("a chat blocked the bot; reply dropped")
            return None
        if attempt < SEND_ATTEMPTS:
            await asyncio.sleep(delay)
    log.error("Telegram send failed %s times; reply dropped", SEND_ATTEMPTS)
    return None


def notice_text(outcome: Outcome) -> str | None:
    return outcome.notice[:MAX_NOTICE] if outcome.notice else None
