"""Delivers outbox messages through the Bot API, reporting what Telegram answered."""

from __future__ import annotations

from aiogram import Bot
from aiogram.exceptions import (
    ClientDecodeError,
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)

from bot.events import Reply
from bot.services.outbox import Delivery, SendResult
from channels.telegram.adapter import render


class TelegramSender:
    def __init__(self, bot: Bot) -> None:
        self.bot = bot

    async def send(self, chat_id: str, reply: Reply) -> SendResult:
        try:
            for text, keyboard in render(reply):
                await self.bot.send_message(int(chat_id), text, reply_markup=keyboard)
        except TelegramRetryAfter as error:
            return SendResult(Delivery.RETRY, retry_after=error.retry_after, error="429")
        except TelegramForbiddenError as error:
            return SendResult(Delivery.BLOCKED, error=error.message)
        except TelegramBadRequest as error:
            # "chat not found" and the like will not get better by trying again.
            return SendResult(Delivery.BLOCKED, error=error.message)
        except (TelegramServerError, TelegramNetworkError, ClientDecodeError) as error:
            return SendResult(Delivery.RETRY, error=type(error).__name__)
        return SendResult(Delivery.SENT)
