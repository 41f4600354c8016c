"""The Bot API methods the bot calls, by name: each a coroutine given the fake's state and the
call. The server answers every other name with a 404 that names it (errors.py).

What the bot calls (channels/telegram, and aiogram's polling loop under it): getMe, getUpdates,
deleteWebhook and setWebhook; sendMessage, sendPhoto, sendDocument and editMessageText;
answerCallbackQuery; setMyCommands; getFile, then the file's download URL (bot.download).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from ..state import TelegramState
from ..validation import Call
from . import callbacks, commands, files, messages, updates

Handler = Callable[[TelegramState, Call], Awaitable[Any]]

METHODS: dict[str, Handler] = {
    **updates.METHODS,
    **messages.METHODS,
    **callbacks.METHODS,
    **commands.METHODS,
    **files.METHODS,
}
