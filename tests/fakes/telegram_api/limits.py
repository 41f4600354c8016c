"""Telegram's limits and text rules, wherever the fake's answers depend on them.

The numbers are the Bot API server's and tdlib's (``Client.cpp``, ``MessageEntity.cpp``,
``ReplyMarkup.cpp``, ``BotCommand.cpp``). Lengths are counted as tdlib counts them: text and
captions in Unicode code points (its utf8_length), callback data in UTF-8 bytes, entity offsets
in UTF-16 units. The flood limits (30 messages a second per bot and one a second per chat, when
a test asks for them) are counted over a rolling window, and a 429's retry_after rounds up.
"""

from __future__ import annotations

import math
from collections import deque
from typing import Any

from .errors import bad_request

MAX_MESSAGE_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024
MAX_RAW_TEXT_BYTES = 1 << 15  # the Bot API server refuses longer raw text before reading it
MAX_CALLBACK_DATA_BYTES = 64
MAX_CALLBACK_ANSWER_LENGTH = 200
MAX_INLINE_BUTTONS = 100
MAX_COMMANDS = 100
MAX_COMMAND_LENGTH = 32
MAX_COMMAND_DESCRIPTION_LENGTH = 256
MAX_UPLOAD_BYTES = 50 * 1024 * 1024
MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024
MAX_LONG_POLL_SECONDS = 50
WEBHOOK_PORTS = (80, 88, 443, 8443)

# Only the methods that post or change a message count against the flood limits.
RATE_LIMITED_METHODS = frozenset({"sendMessage", "sendPhoto", "sendDocument", "editMessageText"})

# What a bot receives when it never chose allowed_updates (or chose an empty list).
DEFAULT_UPDATE_TYPES = frozenset(
    {
        "message", "edited_message", "channel_post", "edited_channel_post",
        "business_connection", "business_message", "edited_business_message",
        "deleted_business_messages", "inline_query", "chosen_inline_result",
        "callback_query", "shipping_query", "pre_checkout_query", "purchased_paid_media",
        "poll", "poll_answer", "my_chat_member", "chat_join_request", "chat_boost",
        "removed_chat_boost",
    }
)  # fmt: skip


def shown_text(raw: str) -> str:
    """The text as the user reads it. tdlib's fix_formatted_text drops the trailing whitespace,
    then the spaces and newlines before the first entity: without a parse mode there is no
    entity, so all the leading ones."""
    return raw.rstrip().lstrip(" \n")


def check_length(text: str, limit: int, error: str) -> None:
    # tdlib's utf8_length(): Unicode code points, not UTF-16 units.
    if len(text) > limit:
        raise bad_request(error)


def utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def bot_command_entities(text: str) -> list[dict[str, Any]]:
    """Telegram marks a leading /command in what users send."""
    if not text.startswith("/"):
        return []
    command = text.split(maxsplit=1)[0]
    return [{"type": "bot_command", "offset": 0, "length": utf16_length(command)}]


class RollingWindow:
    """Admits at most `rate_per_s` events per second, measured over a rolling window."""

    def __init__(self, rate_per_s: float) -> None:
        self.capacity = max(1, math.floor(rate_per_s))
        self.window_s = self.capacity / rate_per_s
        self._stamps: deque[float] = deque()

    def retry_after(self, now: float) -> int | None:
        """Whole seconds to wait (Telegram rounds up, at least 1), or None if admitted."""
        while self._stamps and self._stamps[0] <= now - self.window_s:
            self._stamps.popleft()
        if len(self._stamps) < self.capacity:
            return None
        return max(1, math.ceil(self._stamps[0] + self.window_s - now))

    def record(self, now: float) -> None:
        self._stamps.append(now)
