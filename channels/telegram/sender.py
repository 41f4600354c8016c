"""Delivers outbox messages through the Bot API, paced to Telegram's flood limits, reporting
what Telegram answered."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiogram import Bot
from aiogram.exceptions import (
    ClientDecodeError,
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.types import Message

from bot.channel import Delivery, SendResult
from bot.events import Reply
from channels.pacing import Pacer
from channels.telegram.adapter import outgoing, render

# Telegram: about 30 messages a second for a bot, one a second per chat (the pacer measures
# from each answer, so network delays cannot make the sends bunch up).
MESSAGES_PER_SECOND = 30
SECONDS_PER_CHAT = 1.0
NOT_MODIFIED = "message is not modified"
# Answers that say Telegram did not take the message (a timeout may have reached it: counted).
NOT_COUNTED = ("429", "TelegramServerError", "ClientDecodeError")


def telegram_pacer() -> Pacer:
    return Pacer(MESSAGES_PER_SECOND, SECONDS_PER_CHAT)


class TelegramSender:
    can_edit = True

    def __init__(self, bot: Bot, pacer: Pacer | None = None) -> None:
        self.bot = bot
        self.pacer = pacer or telegram_pacer()

    async def send(self, chat_id: str, reply: Reply, *, from_part: int = 0) -> SendResult:
        """Sends the parts of the reply from ``from_part`` on; the result says how many parts
        are out in all, so a retry does not send one twice."""
        parts_sent, message_ref = from_part, None
        for call in outgoing(self.bot, int(chat_id), reply)[from_part:]:
            result = await self._paced(chat_id, call)
            if result.outcome is not Delivery.SENT:
                return SendResult(result.outcome, result.retry_after, result.error, parts_sent)
            parts_sent, message_ref = parts_sent + 1, result.message_ref
        return SendResult(Delivery.SENT, parts_sent=parts_sent, message_ref=message_ref)

    async def edit(self, chat_id: str, message_ref: str, reply: Reply) -> SendResult:
        """Shows ``reply`` in place of a text message the bot sent (one part: a progress line)."""
        text, keyboard = render(reply)[0]
        edit = lambda: self.bot.edit_message_text(  # noqa: E731
            text, chat_id=int(chat_id), message_id=int(message_ref), reply_markup=keyboard
        )
        result = await self._paced(chat_id, edit)
        if result.error and NOT_MODIFIED in result.error:
            return SendResult(Delivery.SENT, message_ref=message_ref)
        return result

    async def _paced(self, chat_id: str, call: Callable[[], Awaitable[Message]]) -> SendResult:
        async with self.pacer.turn(chat_id) as turn:
            result = await _answer_of(call)
            if result.error in NOT_COUNTED:
                turn.not_counted()
            return result


async def _answer_of(call: Callable[[], Awaitable[Message]]) -> SendResult:
    try:
        message = await call()
    except TelegramRetryAfter as error:
        return SendResult(Delivery.RETRY, retry_after=error.retry_after, error="429")
    except TelegramForbiddenError as error:
        return SendResult(Delivery.BLOCKED, error=error.message)
    except TelegramBadRequest as error:
        # "chat not found" and the like will not get better by trying again.
        return SendResult(Delivery.BLOCKED, error=error.message)
    except (TelegramServerError, TelegramNetworkError, ClientDecodeError) as error:
        return SendResult(Delivery.RETRY, error=type(error).__name__)
    return SendResult(Delivery.SENT, message_ref=str(message.message_id))
