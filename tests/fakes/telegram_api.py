"""A local, faithful fake of the Telegram Bot API, served over real HTTP by aiohttp.

The real ``aiogram.Bot`` talks to it exactly as it would talk to api.telegram.org, so
tests exercise aiogram's request encoding, error mapping and polling loop instead of a
mock of them.

Wherever the fake has to decide how Telegram behaves, it follows the source of the
official Bot API server (tdlib/telegram-bot-api, ``Client.cpp``) and of tdlib
(``MessageEntity.cpp``, ``ReplyMarkup.cpp``, ``BotCommand.cpp``): the error texts, the
order of the checks, the HTML entity parser (ported byte for byte, so the "byte offset N"
in an error is the real N), the trimming of text and the length limits, which tdlib
counts in Unicode code points.

Deliberately not simulated: groups and channels (every chat is the private chat of a user
who wrote to the bot), the Markdown and MarkdownV2 parse modes (answered with a loud 400
so a test cannot pass by accident), inline mode, payments, delivery of updates to a
webhook, and the automatic detection of URLs and mentions in the bot's own messages.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import itertools
import json
import math
import mimetypes
import re
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import urlsplit

from aiohttp import web

MAX_MESSAGE_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024
MAX_RAW_TEXT_BYTES = 1 << 15  # the Bot API server refuses longer raw text before parsing it
MAX_CALLBACK_DATA_BYTES = 64
MAX_CALLBACK_ANSWER_LENGTH = 200
MAX_INLINE_BUTTONS = 100
MAX_COMMANDS = 100
MAX_COMMAND_LENGTH = 32
MAX_COMMAND_DESCRIPTION_LENGTH = 256
MAX_UPLOAD_BYTES = 50 * 1024 * 1024
MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024
MAX_LONG_POLL_SECONDS = 50
CLOSE_FORBIDDEN_FOR_SECONDS = 600  # "close" answers 429 during the first 10 minutes
WEBHOOK_PORTS = (80, 88, 443, 8443)

# Only the methods that post or change a message count against the flood limits.
RATE_LIMITED_METHODS = frozenset(
    {"sendMessage", "sendPhoto", "sendDocument", "editMessageText", "editMessageReplyMarkup"}
)

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

CHAT_ACTIONS = frozenset(
    {
        "typing", "upload_photo", "record_video", "upload_video", "record_voice",
        "upload_voice", "upload_document", "choose_sticker", "find_location",
        "record_video_note", "upload_video_note",
    }
)  # fmt: skip

# Inline button kinds recognised by mere presence of the field (url and callback_data
# only count when non-empty), in the Bot API server's order.
PRESENCE_BUTTON_KINDS = (
    "callback_game", "pay", "switch_inline_query", "switch_inline_query_chosen_chat",
    "switch_inline_query_current_chat", "login_url", "web_app", "copy_text",
)  # fmt: skip

CHATLESS_COMMAND_SCOPES = frozenset(
    {"default", "all_private_chats", "all_group_chats", "all_chat_administrators"}
)
CHAT_COMMAND_SCOPES = frozenset({"chat", "chat_administrators", "chat_member"})

# Parameters whose value is a JSON document inside a form field.
JSON_PARAMS = frozenset(
    {
        "reply_markup", "entities", "caption_entities", "commands", "scope",
        "allowed_updates", "link_preview_options", "reply_parameters",
    }
)  # fmt: skip

FORBIDDEN_BLOCKED = "Forbidden: bot was blocked by the user"
NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)
CALLBACK_QUERY_INVALID = "query is too old and response timeout expired or query ID is invalid"
CONFLICT_OTHER_GET_UPDATES = (
    "Conflict: terminated by other getUpdates request; make sure that only one bot instance "
    "is running"
)
CONFLICT_WEBHOOK_ACTIVE = (
    "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to "
    "delete the webhook first"
)
CONFLICT_SET_WEBHOOK = "Conflict: terminated by setWebhook request"

# What Telegram's nginx answers when the Bot API backend is down: HTML, not JSON.
NGINX_BAD_GATEWAY = (
    "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    "<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx/1.18.0</center>\r\n"
    "</body>\r\n</html>\r\n"
)

DEFAULT_FAILURE_DESCRIPTIONS = {
    400: "Bad Request",
    401: "Unauthorized",
    403: FORBIDDEN_BLOCKED,
    404: "Not Found",
    409: "Conflict",
    500: "Internal Server Error",
    502: "Bad Gateway",
}


# --------------------------------------------------------------------------- errors


class TelegramApiError(Exception):
    """An error answer, rendered exactly as the Bot API renders one."""

    def __init__(self, status: int, description: str, *, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.retry_after = retry_after

    def to_response(self) -> web.Response:
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.status,
            "description": self.description,
        }
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return web.json_response(body, status=self.status)


def bad_request(detail: str) -> TelegramApiError:
    return TelegramApiError(400, f"Bad Request: {detail}")


def too_many_requests(retry_after: int) -> TelegramApiError:
    return TelegramApiError(
        429, f"Too Many Requests: retry after {retry_after}", retry_after=retry_after
    )


# --------------------------------------------------------------------------- HTML parse mode


class HtmlParseError(Exception):
    """tdlib's own wording; the API prefixes it with "Bad Request: can't parse entities: "."""


_HTML_TAGS = frozenset(
    {
        "a", "b", "strong", "i", "em", "s", "strike", "del", "u", "ins", "tg-spoiler",
        "tg-emoji", "tg-time", "span", "pre", "code", "blockquote",
    }
)  # fmt: skip

_SIMPLE_TAG_ENTITIES = {
    "b": "bold", "strong": "bold", "i": "italic", "em": "italic", "u": "underline",
    "ins": "underline", "s": "strikethrough", "strike": "strikethrough",
    "del": "strikethrough", "tg-spoiler": "spoiler", "span": "spoiler",
}  # fmt: skip

_NAMED_CHARACTER_REFERENCES = {b"lt": "<", b"gt": ">", b"amp": "&", b"quot": '"'}

# tdlib's is_space() counts NUL as space; the parser relies on a NUL terminator.
_SPACE_BYTES = frozenset(b" \t\r\n\v\0")
_NUL = 0


def _is_space(byte: int) -> bool:
    return byte in _SPACE_BYTES


def _is_alnum(byte: int) -> bool:
    return chr(byte).isascii() and chr(byte).isalnum()


@dataclass
class _OpenTag:
    name: str
    argument: str
    unix_time: int
    utf16_offset: int
    output_position: int


class _HtmlParser:
    """A port of tdlib's parse_html() working on UTF-8 bytes, as the original does.

    It is deliberately lenient where Telegram is: a bare "&" or ">" is plain text, and only
    "<" must start a supported tag.
    """

    def __init__(self, text: str) -> None:
        raw = text.encode("utf-8")
        self.size = len(raw)
        self.src = raw + b"\0\0\0"  # a terminator plus look-ahead room, like the C string
        self.output = bytearray()
        self.utf16_offset = 0
        self.open_tags: list[_OpenTag] = []
        self.entities: list[dict[str, Any]] = []

    def parse(self) -> tuple[str, list[dict[str, Any]]]:
        position = 0
        while position < self.size:
            byte = self.src[position]
            if byte == ord("&"):
                decoded = self._decode_character_reference(position)
                if decoded is not None:
                    character, position = decoded
                    self._emit_character(character)
                    continue
            if byte != ord("<"):
                self._emit_byte(byte)
                position += 1
            elif self.src[position + 1] == ord("/"):
                position = self._close_tag(position)
            else:
                position = self._open_tag(position)
        if self.open_tags:
            raise HtmlParseError(
                f'Can\'t find end tag corresponding to start tag "{self.open_tags[-1].name}"'
            )
        self._drop_unclaimed_languages()
        self.entities.sort(key=lambda entity: (entity["offset"], -entity["length"]))
        return self.output.decode("utf-8", errors="replace"), self.entities

    def _emit_byte(self, byte: int) -> None:
        self.output.append(byte)
        if byte & 0xC0 != 0x80:  # first byte of a character
            self.utf16_offset += 2 if byte >= 0xF0 else 1

    def _emit_character(self, code_point: int) -> None:
        if 0xD800 <= code_point <= 0xDFFF:
            raise HtmlParseError(
                "Text contains invalid Unicode characters after decoding HTML entities, "
                "check for unmatched surrogate code units"
            )
        self.output += chr(code_point).encode("utf-8")
        self.utf16_offset += 2 if code_point > 0xFFFF else 1

    def _decode_character_reference(self, position: int) -> tuple[int, int] | None:
        """&lt; &gt; &amp; &quot; &#NN; &#xHH; -> (code point, position after it)."""
        src = self.src
        end = position + 1
        code_point = 0
        if src[end] == ord("#"):
            end += 1
            digits, base = ("0123456789", 10)
            if src[end] == ord("x"):
                end += 1
                digits, base = ("0123456789abcdefABCDEF", 16)
            while chr(src[end]) in digits:
                code_point = code_point * base + int(chr(src[end]), 16)
                end += 1
            if code_point == 0 or code_point >= 0x10FFFF or end - position >= 10:
                return None
        else:
            while chr(src[end]).isascii() and chr(src[end]).isalpha():
                end += 1
            name = src[position + 1 : end]
            if name not in _NAMED_CHARACTER_REFERENCES:
                return None
            code_point = ord(_NAMED_CHARACTER_REFERENCES[name])
        if src[end] == ord(";"):
            end += 1
        return code_point, end

    def _open_tag(self, begin: int) -> int:
        src = self.src
        position = begin + 1
        while not _is_space(src[position]) and src[position] != ord(">"):
            position += 1
        if src[position] == _NUL:
            raise HtmlParseError(f"Unclosed start tag at byte offset {begin}")
        name = src[begin + 1 : position].lower().decode("utf-8", errors="replace")
        if name not in _HTML_TAGS:
            raise HtmlParseError(f'Unsupported start tag "{name}" at byte offset {begin}')

        tag = _OpenTag(name, "", 0, 0, 0)
        position = self._read_attributes(tag, begin, position)
        if name == "span" and tag.argument != "spoiler":
            raise HtmlParseError(f'Tag "span" must have class "tg-spoiler" at byte offset {begin}')
        tag.utf16_offset = self.utf16_offset
        tag.output_position = len(self.output)
        self.open_tags.append(tag)
        return position + 1  # past ">"

    def _read_attributes(self, tag: _OpenTag, begin: int, position: int) -> int:
        src = self.src
        while src[position] != ord(">"):
            while src[position] != _NUL and _is_space(src[position]):
                position += 1
            if src[position] == ord(">"):
                break
            name_begin = position
            while not _is_space(src[position]) and chr(src[position]) not in "=>/\"'":
                position += 1
            attribute = src[name_begin:position]
            if not attribute:
                raise HtmlParseError(
                    f'Empty attribute name in the tag "{tag.name}" at byte offset {begin}'
                )
            while src[position] != _NUL and _is_space(src[position]):
                position += 1
            if src[position] != ord("="):
                if src[position] == _NUL:
                    raise HtmlParseError(f'Unclosed start tag "{tag.name}" at byte offset {begin}')
                if tag.name == "blockquote" and attribute == b"expandable":
                    tag.argument = "1"
                continue
            position += 1
            while src[position] != _NUL and _is_space(src[position]):
                position += 1
            if src[position] == _NUL:
                raise HtmlParseError(f'Unclosed start tag "{tag.name}" at byte offset {begin}')
            value, position = self._read_attribute_value(position)
            if src[position] == _NUL:
                raise HtmlParseError(f"Unclosed start tag at byte offset {begin}")
            self._apply_attribute(tag, attribute, value)
        return position

    def _read_attribute_value(self, position: int) -> tuple[str, int]:
        src = self.src
        if chr(src[position]) not in "'\"":
            # An unquoted name token: letters, digits, periods and hyphens, case-insensitive.
            token_begin = position
            while _is_alnum(src[position]) or chr(src[position]) in ".-":
                position += 1
            if not _is_space(src[position]) and src[position] != ord(">"):
                raise HtmlParseError(f"Unexpected end of name token at byte offset {token_begin}")
            return src[token_begin:position].lower().decode("utf-8", errors="replace"), position
        quote = src[position]
        position += 1
        value = bytearray()
        while src[position] != quote and src[position] != _NUL:
            if src[position] == ord("&"):
                decoded = self._decode_character_reference(position)
                if decoded is not None:
                    value += chr(decoded[0]).encode("utf-8", errors="replace")
                    position = decoded[1]
                    continue
            value.append(src[position])
            position += 1
        if src[position] == quote:
            position += 1
        return value.decode("utf-8", errors="replace"), position

    @staticmethod
    def _apply_attribute(tag: _OpenTag, attribute: bytes, value: str) -> None:
        if tag.name == "a" and attribute == b"href":
            tag.argument = value
        elif tag.name == "code" and attribute == b"class" and value.startswith("language-"):
            tag.argument = value.removeprefix("language-")
        elif tag.name == "span" and attribute == b"class" and value.startswith("tg-"):
            tag.argument = value.removeprefix("tg-")
        elif tag.name == "tg-emoji" and attribute == b"emoji-id":
            tag.argument = value
        elif tag.name == "blockquote" and attribute == b"expandable":
            tag.argument = "1"
        elif tag.name == "tg-time" and attribute == b"unix":
            tag.unix_time = int(value) if value.isdigit() else 0
        elif tag.name == "tg-time" and attribute == b"format":
            tag.argument = value

    def _close_tag(self, begin: int) -> int:
        if not self.open_tags:
            raise HtmlParseError(f"Unexpected end tag at byte offset {begin}")
        src = self.src
        position = begin + 2
        while not _is_space(src[position]) and src[position] != ord(">"):
            position += 1
        end_name = src[begin + 2 : position].lower().decode("utf-8", errors="replace")
        while _is_space(src[position]) and src[position] != _NUL:
            position += 1
        if src[position] != ord(">"):
            raise HtmlParseError(f"Unclosed end tag at byte offset {begin}")
        tag = self.open_tags[-1]
        if end_name and end_name != tag.name:
            raise HtmlParseError(
                f'Unmatched end tag at byte offset {begin}, expected "</{tag.name}>", '
                f'found "</{end_name}>"'
            )
        if self.utf16_offset > tag.utf16_offset:  # empty tags produce no entity
            self._add_entity(tag)
        self.open_tags.pop()
        return position + 1

    def _add_entity(self, tag: _OpenTag) -> None:
        span = {"offset": tag.utf16_offset, "length": self.utf16_offset - tag.utf16_offset}
        previous = self.entities[-1] if self.entities else None
        same_span = previous is not None and all(previous[k] == span[k] for k in span)
        if tag.name in _SIMPLE_TAG_ENTITIES:
            self.entities.append({"type": _SIMPLE_TAG_ENTITIES[tag.name], **span})
        elif tag.name == "a":
            url = tag.argument or self.output[tag.output_position :].decode("utf-8", "replace")
            if url:
                self.entities.append({"type": "text_link", **span, "url": url})
        elif tag.name == "tg-emoji":
            if not tag.argument.isdigit() or int(tag.argument) == 0:
                raise HtmlParseError("Invalid custom emoji identifier specified")
            self.entities.append({"type": "custom_emoji", **span, "custom_emoji_id": tag.argument})
        elif tag.name == "tg-time":
            if tag.unix_time > 0:
                entity = {"type": "date_time", **span, "unix_time": tag.unix_time}
                if tag.argument:
                    entity["date_time_format"] = tag.argument
                self.entities.append(entity)
        elif tag.name == "blockquote":
            kind = "expandable_blockquote" if tag.argument else "blockquote"
            self.entities.append({"type": kind, **span})
        elif tag.name == "pre":
            # <pre><code class="language-x">…</code></pre> is one pre entity with a language.
            if same_span and previous["type"] == "code" and previous["language"]:
                previous["type"] = "pre"
            else:
                self.entities.append({"type": "pre", **span, "language": ""})
        elif tag.name == "code":
            if same_span and previous["type"] == "pre" and tag.argument:
                previous["language"] = tag.argument
            else:
                # The language is kept until the enclosing </pre> can claim it.
                self.entities.append({"type": "code", **span, "language": tag.argument})

    def _drop_unclaimed_languages(self) -> None:
        # Only pre keeps a language; tdlib clears the one a lone <code> carried.
        for entity in self.entities:
            if entity["type"] in ("code", "pre") and not (
                entity["type"] == "pre" and entity["language"]
            ):
                entity.pop("language", None)


def parse_html(text: str) -> tuple[str, list[dict[str, Any]]]:
    """Text and entities exactly as Telegram derives them from parse_mode=HTML."""
    return _HtmlParser(text).parse()


# --------------------------------------------------------------------------- text helpers


@dataclass
class FormattedText:
    text: str
    entities: list[dict[str, Any]]


def utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def trim_formatted_text(formatted: FormattedText) -> FormattedText:
    """tdlib's fix_formatted_text: drop trailing whitespace, then the spaces and newlines
    that precede the first entity; entities are clipped or shifted to match."""
    text = formatted.text.rstrip()
    end = utf16_length(text)
    entities = [
        {**entity, "length": min(entity["length"], end - entity["offset"])}
        for entity in formatted.entities
        if entity["offset"] < end
    ]
    first_entity_offset = min((entity["offset"] for entity in entities), default=end)
    leading = 0  # the skipped characters are ASCII, so indexes equal UTF-16 offsets here
    while leading < first_entity_offset and text[leading] in " \n":
        leading += 1
    shifted = [{**entity, "offset": entity["offset"] - leading} for entity in entities]
    return FormattedText(text[leading:], shifted)


def format_text(
    text: str, parse_mode: str, explicit_entities: list[dict[str, Any]] | None
) -> FormattedText:
    """Apply parse_mode (or the explicit entities when there is none), then trim."""
    mode = parse_mode.lower()
    if mode in ("", "none"):
        formatted = FormattedText(text, list(explicit_entities or []))
    elif mode == "html":
        try:
            formatted = FormattedText(*parse_html(text))
        except HtmlParseError as error:
            raise bad_request(f"can't parse entities: {error}") from None
    elif mode in ("markdown", "markdownv2"):
        raise bad_request(
            f"the fake Telegram API does not simulate parse_mode {parse_mode}; use HTML"
        )
    else:
        raise bad_request("unsupported parse_mode")
    return trim_formatted_text(formatted)


def _bot_command_entities(text: str) -> list[dict[str, Any]]:
    """Telegram marks a leading /command in what users send."""
    if not text.startswith("/"):
        return []
    command = text.split(maxsplit=1)[0]
    return [{"type": "bot_command", "offset": 0, "length": utf16_length(command)}]


# --------------------------------------------------------------------------- small machinery


class _RollingWindow:
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


class _Notifier:
    """Wakes every coroutine waiting for "something changed".

    notify() is synchronous so that the synchronous test helpers can call it.
    """

    def __init__(self) -> None:
        self._waiters: set[asyncio.Future[None]] = set()

    def notify(self) -> None:
        for waiter in self._waiters:
            if not waiter.done():
                waiter.set_result(None)

    async def wait(self, max_seconds: float) -> None:
        waiter = asyncio.get_running_loop().create_future()
        self._waiters.add(waiter)
        try:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(waiter, max_seconds)
        finally:
            self._waiters.discard(waiter)


@dataclass
class UploadedFile:
    """A file part of a multipart request."""

    filename: str
    content: bytes
    content_type: str


@dataclass
class SentMessage:
    """One message the bot sent (or, in FakeTelegramAPI.edits, one edit it made)."""

    method: str
    chat_id: int
    message_id: int
    text: str | None  # the raw text or caption as sent, markup included
    parse_mode: str | None
    reply_markup: dict[str, Any] | None
    plain_text: str  # what the user reads: entities decoded, tags stripped, trimmed
    entities: list[dict[str, Any]] = field(default_factory=list)
    file_name: str | None = None


@dataclass
class _StoredFile:
    file_id: str
    file_unique_id: str
    kind: Literal["photo", "document"]
    file_path: str
    size: int
    content: bytes | None = None  # None: only the size is known (e.g. sent by URL)
    file_name: str | None = None
    mime_type: str | None = None

    def body(self) -> bytes:
        return self.content if self.content is not None else bytes(self.size)


@dataclass
class _Chat:
    """The private chat with one user who wrote to the bot."""

    user: dict[str, Any]
    messages: dict[int, dict[str, Any]] = field(default_factory=dict)
    last_message_id: int = 0

    @property
    def id(self) -> int:
        return self.user["id"]

    def as_chat(self) -> dict[str, Any]:
        return {"id": self.id, "type": "private", "first_name": self.user["first_name"]}

    def next_message_id(self) -> int:
        # Both sides of a private chat share one message id sequence.
        self.last_message_id += 1
        return self.last_message_id


@dataclass
class _LongPoll:
    abort_reason: str | None = None


@dataclass
class _Call:
    """One API request: its parameters as the Bot API server sees them."""

    method: str
    params: dict[str, Any]
    files: dict[str, UploadedFile]

    def string(self, name: str) -> str:
        """The parameter as a string, "" when absent (JSON bodies carry real numbers)."""
        value = self.params.get(name)
        if value is None:
            return ""
        return value if isinstance(value, str) else json.dumps(value)

    def integer(self, name: str, default: int) -> int:
        try:
            return int(self.string(name).strip())
        except ValueError:
            return default

    def flag(self, name: str) -> bool:
        return self.string(name).lower() in ("true", "1")

    def json(self, name: str, error: str) -> Any:
        value = self.params.get(name)
        if value is None or value == "":
            return None
        if not isinstance(value, str):
            return value
        try:
            return json.loads(value)
        except ValueError:
            raise bad_request(error) from None

    def input_file(self, name: str) -> UploadedFile | str | None:
        """An upload (a part named like the parameter, or attach://part), or a file_id/URL."""
        if name in self.files:
            return self.files[name]
        value = self.string(name)
        if value.startswith("attach://"):
            upload = self.files.get(value.removeprefix("attach://"))
            if upload is None:
                raise bad_request("wrong file identifier/HTTP URL specified")
            return upload
        return value or None

    def decoded(self) -> dict[str, Any]:
        """Parameters for test assertions: JSON decoded, attach:// replaced by the upload."""
        result: dict[str, Any] = {}
        attached: set[str] = set()
        for name, value in self.params.items():
            if name in JSON_PARAMS and isinstance(value, str):
                with contextlib.suppress(ValueError):
                    value = json.loads(value)
            if isinstance(value, str) and value.startswith("attach://"):
                attached.add(value.removeprefix("attach://"))
                value = self.files.get(value.removeprefix("attach://"), value)
            result[name] = value
        for name, upload in self.files.items():
            if name not in attached:  # a part sent under the parameter's own name
                result.setdefault(name, upload)
        return result


async def _read_call(request: web.Request, method: str) -> _Call:
    """aiogram posts url-encoded forms, or multipart ones when uploading; others send JSON."""
    params: dict[str, Any] = dict(request.query)
    files: dict[str, UploadedFile] = {}
    if request.content_type == "application/json":
        with contextlib.suppress(ValueError):
            body = await request.json()
            if isinstance(body, dict):
                params.update(body)
    elif request.can_read_body:
        try:
            form = await request.post()
        except web.HTTPRequestEntityTooLarge:
            raise TelegramApiError(413, "Request Entity Too Large") from None
        for name, value in form.items():
            if isinstance(value, web.FileField):
                files[name] = UploadedFile(value.filename, value.file.read(), value.content_type)
            else:
                params[name] = value
    return _Call(method, params, files)


def _now() -> int:
    return int(time.time())


Handler = Callable[[_Call], Awaitable[Any]]


# --------------------------------------------------------------------------- the fake


class FakeTelegramAPI:
    """The Bot API on 127.0.0.1, plus helpers for a test to play the users.

    Use ``await fake.start()`` (or ``async with fake``) and point aiogram at the returned
    base URL with ``AiohttpSession(api=TelegramAPIServer.from_base(base_url))``.
    """

    def __init__(
        self,
        *,
        bot_token: str = "123456:TEST-token-abcdefghijklmnopqrstuvwxyz12",
        bot_username: str = "thidua_test_bot",
        global_rate_per_s: float | None = None,
        per_chat_rate_per_s: float | None = None,
    ) -> None:
        self.bot_token = bot_token
        self.bot_username = bot_username
        self.bot_id = int(bot_token.split(":", 1)[0])
        self.base_url: str | None = None

        # What the bot did, for assertions.
        self.sent: list[SentMessage] = []
        self.edits: list[SentMessage] = []
        self._calls: list[_Call] = []
        self.answered_callbacks: dict[str, dict[str, Any]] = {}
        self.commands: dict[tuple[str, str], list[dict[str, str]]] = {}
        self.webhook: dict[str, Any] | None = None
        self.throttled_count = 0  # every 429 answered, from the rate limits or fail_next()
        self.dropped_updates: list[dict[str, Any]] = []  # filtered out by allowed_updates

        self._chats: dict[int, _Chat] = {}
        self._blocked_user_ids: set[int] = set()
        self._files: dict[str, _StoredFile] = {}
        self._updates: list[dict[str, Any]] = []
        self._allowed_updates: list[str] = []
        # Insertion-ordered for unanswered_callbacks(), and answered in constant time: a long
        # benchmark presses thousands of buttons.
        self._pressed_callbacks: dict[str, None] = {}
        self._read_cursors: dict[int, int] = {}
        self._injected_failures: dict[str, deque[TelegramApiError]] = {}
        self._update_ids = itertools.count(10_001)
        self._callback_ids = itertools.count(4_000_000_000_000_001)
        self._file_numbers = itertools.count(1)

        self._global_window = _RollingWindow(global_rate_per_s) if global_rate_per_s else None
        self._per_chat_rate = per_chat_rate_per_s
        self._chat_windows: dict[int, _RollingWindow] = {}

        self._let_through: int | None = None  # sends admitted before the gate closes
        self._gate = asyncio.Event()
        self.held = 0  # sends waiting at the closed gate right now

        self._long_poll: _LongPoll | None = None
        self._updates_changed = _Notifier()
        self._sent_changed = _Notifier()
        self._unreachable_mode: Literal["disconnect", "bad_gateway"] | None = None
        self._logged_out = False
        self._stopping = False
        self._launched_at = time.monotonic()
        self._runner: web.AppRunner | None = None
        self._methods = self._method_table()

    # ----------------------------------------------------------------- lifecycle

    async def start(self) -> str:
        """Serve on 127.0.0.1 at a free port; returns the base URL for aiogram."""
        app = web.Application(client_max_size=MAX_UPLOAD_BYTES + 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_api_request)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_file_download)
        # handler_cancellation: a long poll whose client went away (aiogram cancels its
        # request when polling stops) must not linger and hold the getUpdates slot.
        self._runner = web.AppRunner(
            app, handler_cancellation=True, access_log=None, shutdown_timeout=1.0
        )
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        port = self._runner.addresses[0][1]
        self._launched_at = time.monotonic()
        self.base_url = f"http://127.0.0.1:{port}"
        return self.base_url

    async def stop(self) -> None:
        self._stopping = True
        self._updates_changed.notify()  # release long polls at once
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeTelegramAPI:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    # ----------------------------------------------------------------- playing the users

    def user_sends_text(
        self, user_id: int, text: str, *, first_name: str = "Test", language_code: str = "vi"
    ) -> int:
        """Queue a private message from the user; returns its update_id."""
        chat = self._chat_of_writing_user(user_id, first_name, language_code)
        content: dict[str, Any] = {"text": text}
        if entities := _bot_command_entities(text):
            content["entities"] = entities
        return self._enqueue("message", self._new_message(chat, chat.user, content))

    def user_sends_document(
        self,
        user_id: int,
        file_name: str,
        mime_type: str,
        size: int,
        file_id: str | None = None,
        *,
        content: bytes | None = None,
        caption: str | None = None,
        first_name: str = "Test",
        language_code: str = "vi",
    ) -> int:
        """Queue a document message; getFile and the download URL then serve `content`
        (or `size` zero bytes). Returns the update_id."""
        stored = self._store_file("document", size, content, file_name, mime_type, file_id)
        media = {"document": self._document_object(stored)}
        return self._user_sends_media(user_id, media, caption, first_name, language_code)

    def user_sends_photo(
        self, user_id: int, size: int, *, caption: str | None = None, first_name: str = "Test"
    ) -> int:
        """Queue a photo message (Telegram's compressed picture, not a file); its file_id can
        only be sent on as a photo. Returns the update_id."""
        stored = self._store_file("photo", size, None, None, "image/jpeg")
        media = {"photo": self._photo_sizes(stored)}
        return self._user_sends_media(user_id, media, caption, first_name, "vi")

    def _user_sends_media(
        self,
        user_id: int,
        media: dict[str, Any],
        caption: str | None,
        first_name: str,
        language_code: str,
    ) -> int:
        chat = self._chat_of_writing_user(user_id, first_name, language_code)
        message_content = media | ({"caption": caption} if caption else {})
        return self._enqueue("message", self._new_message(chat, chat.user, message_content))

    def user_presses(
        self, user_id: int, callback_data: str, *, message_id: int | None = None
    ) -> str:
        """Queue a callback_query for a button on the bot's last message to the user (or on
        `message_id`); returns the callback query id. Like a real client, it can only press
        a button that the message currently shows."""
        chat = self._known_chat(user_id)
        message = self._pressable_message(chat, message_id)
        if not _shows_callback_button(message, callback_data):
            raise ValueError(
                f"message {message['message_id']} in chat {user_id} has no button with "
                f"callback_data={callback_data!r}; it shows {message.get('reply_markup')}"
            )
        query_id = str(next(self._callback_ids))
        self._pressed_callbacks[query_id] = None
        self._enqueue(
            "callback_query",
            {
                "id": query_id,
                "from": chat.user,
                "message": copy.deepcopy(message),
                "chat_instance": f"-{chat.id}{self.bot_id}",
                "data": callback_data,
            },
        )
        return query_id

    def knows_user(self, user_id: int, *, first_name: str = "Test") -> None:
        """A user who wrote to the bot before the test began: the bot may write to them."""
        self._chat_of_writing_user(user_id, first_name, "vi")

    def block_user(self, user_id: int) -> None:
        """The user blocks the bot: later sends answer 403, and the bot gets my_chat_member."""
        self._blocked_user_ids.add(user_id)
        if user_id in self._chats:
            self._enqueue_membership_change(self._chats[user_id], "member", "kicked")

    def unblock_user(self, user_id: int) -> None:
        """The user unblocks the bot (writing to it again does this too)."""
        if user_id not in self._blocked_user_ids:
            return
        self._blocked_user_ids.discard(user_id)
        if user_id in self._chats:
            self._enqueue_membership_change(self._chats[user_id], "kicked", "member")

    async def wait_for_messages(
        self,
        chat_id: int,
        count: int,
        timeout: float = 5.0,  # noqa: ASYNC109 -- a plain number is simplest for tests
    ) -> list[SentMessage]:
        """Wait for the next `count` messages the bot sends to `chat_id`, counted from the
        previous wait for that chat, and return exactly those."""
        start = self._read_cursors.get(chat_id, 0)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while len(new := self._sent_to(chat_id)[start:]) < count:
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise AssertionError(
                    f"expected {count} new message(s) to chat {chat_id} within {timeout}s, "
                    f"got {len(new)}: {[message.plain_text for message in new]}"
                )
            await self._sent_changed.wait(remaining)
        self._read_cursors[chat_id] = start + count
        return new[:count]

    @property
    def calls(self) -> list[tuple[str, dict[str, Any]]]:
        """Every request, as (method, decoded parameters). Decoded when asked for, not on each
        request: most tests never ask, and a benchmark makes tens of thousands."""
        return [(call.method, call.decoded()) for call in self._calls]

    @property
    def long_polling(self) -> bool:
        """Whether a getUpdates long poll is waiting right now."""
        return self._long_poll is not None

    def unanswered_callbacks(self) -> list[str]:
        return [q for q in self._pressed_callbacks if q not in self.answered_callbacks]

    def message(self, chat_id: int, message_id: int) -> dict[str, Any]:
        """The message as it stands now (after edits), as a Telegram Message object."""
        return copy.deepcopy(self._chats[chat_id].messages[message_id])

    def file_content(self, file_id: str) -> bytes | None:
        """The bytes of a file the fake holds (uploaded by the bot or sent by a user)."""
        return self._files[file_id].content

    # ----------------------------------------------------------------- fault injection

    def fail_next(
        self,
        method: str,
        status: int,
        *,
        retry_after: int | None = None,
        description: str | None = None,
    ) -> None:
        """Make the next call of `method` fail; calls queue up failures in order."""
        if status == 429:
            retry_after = retry_after or 1  # Telegram's 429 always carries retry_after
            description = description or f"Too Many Requests: retry after {retry_after}"
        description = description or DEFAULT_FAILURE_DESCRIPTIONS.get(status, "Error")
        failure = TelegramApiError(status, description, retry_after=retry_after)
        self._injected_failures.setdefault(method.lower(), deque()).append(failure)

    def hold_sends_after(self, count: int) -> None:
        """Let ``count`` more sends through, then keep every further one waiting, as a request
        Telegram has not answered yet, until ``release_sends()``. A held request whose client
        went away meanwhile (a killed bot) is dropped, never delivered."""
        self._let_through = count
        self._gate.clear()

    def release_sends(self) -> None:
        self._let_through = None
        self._gate.set()

    def set_unreachable(
        self, flag: bool, *, mode: Literal["disconnect", "bad_gateway"] = "disconnect"
    ) -> None:
        """While set, the platform is down. "disconnect" closes each connection without an
        answer (aiogram raises TelegramNetworkError); "bad_gateway" answers nginx's HTML
        502 page, as Telegram does when its backend is down (aiogram cannot decode it and
        raises ClientDecodeError, not TelegramServerError)."""
        self._unreachable_mode = mode if flag else None

    # ----------------------------------------------------------------- HTTP plumbing

    def _method_table(self) -> dict[str, tuple[str, Handler]]:
        handlers: dict[str, Handler] = {
            "getMe": self._get_me,
            "getUpdates": self._get_updates,
            "setWebhook": self._set_webhook,
            "deleteWebhook": self._delete_webhook,
            "getWebhookInfo": self._get_webhook_info,
            "sendMessage": self._send_message,
            "sendPhoto": self._send_photo,
            "sendDocument": self._send_document,
            "editMessageText": self._edit_message_text,
            "editMessageReplyMarkup": self._edit_message_reply_markup,
            "answerCallbackQuery": self._answer_callback_query,
            "sendChatAction": self._send_chat_action,
            "setMyCommands": self._set_my_commands,
            "getMyCommands": self._get_my_commands,
            "deleteMyCommands": self._delete_my_commands,
            "getFile": self._get_file,
            "close": self._close,
            "logOut": self._log_out,
        }
        # Method names are case-insensitive in the Bot API.
        return {name.lower(): (name, handler) for name, handler in handlers.items()}

    async def _handle_api_request(self, request: web.Request) -> web.StreamResponse:
        if self._unreachable_mode is not None:
            return self._refuse(request)
        requested = request.match_info["method"]
        method, handler = self._methods.get(requested.lower(), (requested, None))
        try:
            call = await _read_call(request, method)
            self._calls.append(call)
            self._authorize(request.match_info["token"])
            if handler is None:
                raise TelegramApiError(404, "Not Found: method not found")
            self._raise_injected_failure(method)
            await self._pass_gate(method)
            result = await handler(call)
        except TelegramApiError as error:
            if error.status == 429:
                self.throttled_count += 1
            return error.to_response()
        return web.json_response({"ok": True, "result": result})

    async def _handle_file_download(self, request: web.Request) -> web.StreamResponse:
        if self._unreachable_mode is not None:
            return self._refuse(request)
        path = request.match_info["path"]
        stored = next((f for f in self._files.values() if f.file_path == path), None)
        if request.match_info["token"] != self.bot_token or stored is None:
            return TelegramApiError(404, "Not Found").to_response()
        return web.Response(body=stored.body(), content_type="application/octet-stream")

    def _refuse(self, request: web.Request) -> web.Response:
        if self._unreachable_mode == "bad_gateway":
            return web.Response(status=502, text=NGINX_BAD_GATEWAY, content_type="text/html")
        if request.transport is not None:
            request.transport.close()  # the client sees the server disconnect mid-request
        return web.Response(status=502)  # never reaches the client

    def _authorize(self, token: str) -> None:
        if token != self.bot_token or self._logged_out:
            raise TelegramApiError(401, "Unauthorized")

    async def _pass_gate(self, method: str) -> None:
        if self._let_through is None or method not in RATE_LIMITED_METHODS:
            return
        if self._let_through > 0:
            self._let_through -= 1
            return
        self.held += 1
        try:
            await self._gate.wait()
        finally:
            self.held -= 1

    def _raise_injected_failure(self, method: str) -> None:
        failures = self._injected_failures.get(method.lower())
        if failures:
            raise failures.popleft()

    # ----------------------------------------------------------------- updates

    def _enqueue(self, kind: str, payload: dict[str, Any]) -> int:
        update_id = next(self._update_ids)
        update = {"update_id": update_id, kind: payload}
        # Telegram filters by allowed_updates when an update is created, not when polled.
        if kind in (set(self._allowed_updates) or DEFAULT_UPDATE_TYPES):
            self._updates.append(update)
            self._updates_changed.notify()
        else:
            self.dropped_updates.append(update)
        return update_id

    def _enqueue_membership_change(self, chat: _Chat, old: str, new: str) -> None:
        bot = self._bot_user()

        def member(status: str) -> dict[str, Any]:
            return {
                "status": status,
                "user": bot,
                **({"until_date": 0} if status == "kicked" else {}),
            }

        self._enqueue(
            "my_chat_member",
            {
                "chat": chat.as_chat(),
                "from": chat.user,
                "date": _now(),
                "old_chat_member": member(old),
                "new_chat_member": member(new),
            },
        )

    def _confirm_updates_before(self, offset: int) -> None:
        """getUpdates' offset confirms (forgets) earlier updates; a negative one keeps only
        the last -offset updates."""
        if offset > 0:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        elif offset < 0:
            self._updates = self._updates[offset:]

    def _abort_long_poll(self, reason: str) -> None:
        if self._long_poll is not None:
            self._long_poll.abort_reason = reason
            self._long_poll = None
            self._updates_changed.notify()

    # ----------------------------------------------------------------- chats and messages

    def _bot_user(self) -> dict[str, Any]:
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": "Thi đua test bot",
            "username": self.bot_username,
        }

    def _chat_of_writing_user(self, user_id: int, first_name: str, language_code: str) -> _Chat:
        user = {
            "id": user_id,
            "is_bot": False,
            "first_name": first_name,
            "language_code": language_code,
        }
        chat = self._chats.setdefault(user_id, _Chat(user))
        chat.user = user
        self.unblock_user(user_id)  # a user who writes has unblocked the bot
        return chat

    def _known_chat(self, user_id: int) -> _Chat:
        if user_id not in self._chats:
            raise ValueError(f"user {user_id} never wrote to the bot")
        return self._chats[user_id]

    def _pressable_message(self, chat: _Chat, message_id: int | None) -> dict[str, Any]:
        if message_id is None:
            sent = self._sent_to(chat.id)
            if not sent:
                raise ValueError(f"the bot never sent a message to chat {chat.id}")
            message_id = sent[-1].message_id
        if message_id not in chat.messages:
            raise ValueError(f"no message {message_id} in chat {chat.id}")
        return chat.messages[message_id]

    def _sent_to(self, chat_id: int) -> list[SentMessage]:
        return [message for message in self.sent if message.chat_id == chat_id]

    def _new_message(
        self, chat: _Chat, sender: dict[str, Any], content: dict[str, Any]
    ) -> dict[str, Any]:
        message = {
            "message_id": chat.next_message_id(),
            "from": sender,
            "chat": chat.as_chat(),
            "date": _now(),
            **content,
        }
        chat.messages[message["message_id"]] = message
        return message

    def _target_chat(self, call: _Call) -> _Chat:
        return self._chat_by_id(call.string("chat_id"))

    def _chat_by_id(self, raw_chat_id: str) -> _Chat:
        raw = raw_chat_id.strip()
        if not raw:
            raise bad_request("chat_id is empty")
        try:
            chat_id = int(raw)
        except ValueError:  # "@username": no public chats here
            raise bad_request("chat not found") from None
        if chat_id not in self._chats:
            raise bad_request("chat not found")
        return self._chats[chat_id]

    def _check_not_blocked(self, chat: _Chat) -> None:
        if chat.id in self._blocked_user_ids:
            raise TelegramApiError(403, FORBIDDEN_BLOCKED)

    def _admit_delivery(self, method: str, chat: _Chat) -> None:
        """The checks Telegram makes at the last moment: blocked user, then flood limits."""
        self._check_not_blocked(chat)
        if method not in RATE_LIMITED_METHODS:
            return
        now = time.monotonic()
        windows = [window for window in (self._global_window, self._chat_window(chat.id)) if window]
        waits = [wait for window in windows if (wait := window.retry_after(now)) is not None]
        if waits:
            raise too_many_requests(max(waits))
        for window in windows:
            window.record(now)

    def _chat_window(self, chat_id: int) -> _RollingWindow | None:
        if not self._per_chat_rate:
            return None
        if chat_id not in self._chat_windows:
            self._chat_windows[chat_id] = _RollingWindow(self._per_chat_rate)
        return self._chat_windows[chat_id]

    def _formatted(
        self, call: _Call, text_param: str, entities_param: str, *, allow_empty: bool
    ) -> FormattedText:
        raw = call.string(text_param)
        if len(raw.encode("utf-8")) > MAX_RAW_TEXT_BYTES:
            raise bad_request("text is too long")
        explicit_entities = call.json(entities_param, "can't parse entities JSON object")
        formatted = format_text(raw, call.string("parse_mode"), explicit_entities)
        if not formatted.text and not allow_empty:
            raise bad_request("text must be non-empty")
        return formatted

    def _deliver(
        self,
        call: _Call,
        chat: _Chat,
        content: dict[str, Any],
        formatted: FormattedText,
        markup: dict[str, Any] | None,
        *,
        file_name: str | None = None,
    ) -> dict[str, Any]:
        if markup is not None and "inline_keyboard" in markup:
            content["reply_markup"] = markup  # only inline keyboards are echoed back
        message = self._new_message(chat, self._bot_user(), content)
        self.sent.append(
            self._record(call, chat.id, message["message_id"], formatted, markup, file_name)
        )
        self._sent_changed.notify()
        return message

    def _record(
        self,
        call: _Call,
        chat_id: int,
        message_id: int,
        formatted: FormattedText,
        markup: dict[str, Any] | None,
        file_name: str | None = None,
    ) -> SentMessage:
        raw_text = call.string("text") or call.string("caption") or None
        return SentMessage(
            method=call.method,
            chat_id=chat_id,
            message_id=message_id,
            text=raw_text,
            parse_mode=call.string("parse_mode") or None,
            reply_markup=markup,
            plain_text=formatted.text,
            entities=formatted.entities,
            file_name=file_name,
        )

    # ----------------------------------------------------------------- reply markup

    def _reply_markup(self, call: _Call) -> dict[str, Any] | None:
        markup = call.json("reply_markup", "can't parse reply keyboard markup JSON object")
        if markup is None:
            return None
        if not isinstance(markup, dict):
            raise bad_request("object expected as reply markup")
        if markup.get("keyboard"):
            _check_reply_keyboard(markup["keyboard"])
            return markup
        if markup.get("inline_keyboard"):
            _check_inline_keyboard(markup["inline_keyboard"])
            return markup
        if markup.get("remove_keyboard") or markup.get("force_reply"):
            return markup
        return None  # e.g. an empty inline keyboard: Telegram reads it as "no keyboard"

    def _inline_markup(self, call: _Call) -> dict[str, Any] | None:
        markup = self._reply_markup(call)
        if markup is not None and "inline_keyboard" not in markup:
            raise bad_request("inline keyboard expected")
        return markup

    # ----------------------------------------------------------------- methods: bot and updates

    async def _get_me(self, call: _Call) -> dict[str, Any]:
        return {
            **self._bot_user(),
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    async def _get_updates(self, call: _Call) -> list[dict[str, Any]]:
        if self.webhook is not None:
            raise TelegramApiError(409, CONFLICT_WEBHOOK_ACTIVE)
        limit = min(max(call.integer("limit", 100), 1), 100)
        timeout = min(max(call.integer("timeout", 0), 0), MAX_LONG_POLL_SECONDS)
        allowed = call.json("allowed_updates", "can't parse allowed_updates JSON object")
        if allowed is not None:
            self._allowed_updates = list(allowed)
        self._confirm_updates_before(call.integer("offset", 0))
        if self._updates or timeout == 0 or self._stopping:
            return self._updates[:limit]
        return await self._long_poll_updates(limit, timeout)

    async def _long_poll_updates(self, limit: int, seconds: int) -> list[dict[str, Any]]:
        # A new long poll ends the one in flight, as the Bot API server does: that is the
        # 409 two bot instances keep giving each other.
        self._abort_long_poll(CONFLICT_OTHER_GET_UPDATES)
        poll = self._long_poll = _LongPoll()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds
        try:
            while not self._updates and not self._stopping:
                remaining = deadline - loop.time()
                if poll.abort_reason is not None or remaining <= 0:
                    break
                await self._updates_changed.wait(remaining)
        finally:
            if self._long_poll is poll:
                self._long_poll = None
        if poll.abort_reason is not None:
            raise TelegramApiError(409, poll.abort_reason)
        return self._updates[:limit]

    async def _set_webhook(self, call: _Call) -> bool:
        if call.flag("drop_pending_updates"):
            self._updates.clear()
        url = call.string("url")
        if not url:
            self.webhook = None
            return True
        _check_webhook_url(url)
        secret_token = call.string("secret_token")
        if len(secret_token) > 256:
            raise bad_request("secret token is too long")
        if not re.fullmatch(r"[A-Za-z0-9_-]*", secret_token):
            raise bad_request("secret token contains unallowed characters")
        allowed = call.json("allowed_updates", "can't parse allowed_updates JSON object")
        if allowed is not None:
            self._allowed_updates = list(allowed)
        self.webhook = {
            "url": url,
            "secret_token": secret_token or None,
            "max_connections": min(max(call.integer("max_connections", 40), 1), 100),
            "allowed_updates": allowed,
            "ip_address": call.string("ip_address") or None,
            "drop_pending_updates": call.flag("drop_pending_updates"),
        }
        self._abort_long_poll(CONFLICT_SET_WEBHOOK)
        return True

    async def _delete_webhook(self, call: _Call) -> bool:
        if call.flag("drop_pending_updates"):
            self._updates.clear()
        self.webhook = None
        return True

    async def _get_webhook_info(self, call: _Call) -> dict[str, Any]:
        info: dict[str, Any] = {
            "url": self.webhook["url"] if self.webhook else "",
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }
        if self.webhook:
            info["max_connections"] = self.webhook["max_connections"]
            if self.webhook["ip_address"]:
                info["ip_address"] = self.webhook["ip_address"]
            if self._allowed_updates:
                info["allowed_updates"] = self._allowed_updates
        return info

    async def _close(self, call: _Call) -> bool:
        elapsed = time.monotonic() - self._launched_at
        if elapsed < CLOSE_FORBIDDEN_FOR_SECONDS:
            raise too_many_requests(math.ceil(CLOSE_FORBIDDEN_FOR_SECONDS - elapsed))
        return True

    async def _log_out(self, call: _Call) -> bool:
        self._logged_out = True  # the cloud API no longer knows the token
        return True

    # ----------------------------------------------------------------- methods: messages

    async def _send_message(self, call: _Call) -> dict[str, Any]:
        if not call.string("text"):
            raise bad_request("message text is empty")
        formatted = self._formatted(call, "text", "entities", allow_empty=False)
        markup = self._reply_markup(call)
        chat = self._target_chat(call)
        _check_length(formatted, MAX_MESSAGE_LENGTH, "message is too long")
        self._admit_delivery(call.method, chat)
        content = {"text": formatted.text, **_entities_field("entities", formatted)}
        return self._deliver(call, chat, content, formatted, markup)

    async def _send_photo(self, call: _Call) -> dict[str, Any]:
        return await self._send_media(call, "photo")

    async def _send_document(self, call: _Call) -> dict[str, Any]:
        return await self._send_media(call, "document")

    async def _send_media(self, call: _Call, kind: Literal["photo", "document"]) -> dict[str, Any]:
        source = call.input_file(kind)
        if source is None:
            raise bad_request(f"there is no {kind} in the request")
        caption = self._formatted(call, "caption", "caption_entities", allow_empty=True)
        markup = self._reply_markup(call)
        chat = self._target_chat(call)
        _check_length(caption, MAX_CAPTION_LENGTH, "message caption is too long")
        stored = self._media_file(kind, source)
        self._admit_delivery(call.method, chat)
        content: dict[str, Any] = {
            kind: self._photo_sizes(stored) if kind == "photo" else self._document_object(stored)
        }
        if caption.text:
            content["caption"] = caption.text
            content.update(_entities_field("caption_entities", caption))
        return self._deliver(call, chat, content, caption, markup, file_name=stored.file_name)

    async def _edit_message_text(self, call: _Call) -> dict[str, Any]:
        if not call.string("text"):
            raise bad_request("message text is empty")
        formatted = self._formatted(call, "text", "entities", allow_empty=False)
        markup = self._inline_markup(call)
        chat, message = self._message_to_edit(call)
        if "text" not in message:
            raise bad_request("there is no text in the message to edit")
        _check_length(formatted, MAX_MESSAGE_LENGTH, "message is too long")
        unchanged = (
            message["text"] == formatted.text
            and message.get("entities", []) == formatted.entities
            and message.get("reply_markup") == markup
        )
        if unchanged:
            raise bad_request(NOT_MODIFIED)
        self._admit_delivery(call.method, chat)
        message["text"] = formatted.text
        message.pop("entities", None)
        message.update(_entities_field("entities", formatted))
        return self._finish_edit(call, chat, message, markup, formatted)

    async def _edit_message_reply_markup(self, call: _Call) -> dict[str, Any]:
        markup = self._inline_markup(call)
        chat, message = self._message_to_edit(call)
        if message.get("reply_markup") == markup:
            raise bad_request(NOT_MODIFIED)
        self._admit_delivery(call.method, chat)
        shown = FormattedText(
            message.get("text", message.get("caption", "")),
            message.get("entities", message.get("caption_entities", [])),
        )
        return self._finish_edit(call, chat, message, markup, shown)

    def _message_to_edit(self, call: _Call) -> tuple[_Chat, dict[str, Any]]:
        if call.string("inline_message_id"):
            raise bad_request("MESSAGE_ID_INVALID")  # inline mode is not simulated
        chat = self._target_chat(call)
        if not call.string("message_id"):
            raise bad_request("message identifier is not specified")
        message = chat.messages.get(call.integer("message_id", 0))
        if message is None:
            raise bad_request("message to edit not found")
        if not message["from"]["is_bot"]:
            raise bad_request("message can't be edited")
        return chat, message

    def _finish_edit(
        self,
        call: _Call,
        chat: _Chat,
        message: dict[str, Any],
        markup: dict[str, Any] | None,
        shown: FormattedText,
    ) -> dict[str, Any]:
        if markup is None:
            message.pop("reply_markup", None)
        else:
            message["reply_markup"] = markup
        message["edit_date"] = _now()
        self.edits.append(self._record(call, chat.id, message["message_id"], shown, markup))
        return message

    async def _answer_callback_query(self, call: _Call) -> bool:
        query_id = call.string("callback_query_id")
        if query_id not in self._pressed_callbacks or query_id in self.answered_callbacks:
            raise bad_request(CALLBACK_QUERY_INVALID)
        if len(call.string("text")) > MAX_CALLBACK_ANSWER_LENGTH:
            raise bad_request("MESSAGE_TOO_LONG")
        self.answered_callbacks[query_id] = call.decoded()
        return True

    async def _send_chat_action(self, call: _Call) -> bool:
        chat = self._target_chat(call)
        if call.string("action") not in CHAT_ACTIONS:
            raise bad_request("wrong parameter action in request")
        self._check_not_blocked(chat)
        return True

    # ----------------------------------------------------------------- methods: commands

    async def _set_my_commands(self, call: _Call) -> bool:
        commands = call.json("commands", "can't parse commands JSON object") or []
        if not isinstance(commands, list):
            raise bad_request("expected an Array of BotCommand")
        for command in commands:
            _check_command_fields(command)
        key = self._commands_key(call)
        cleaned = [_clean_command(command) for command in commands]
        # The last checks are made by Telegram's servers, hence the MTProto error names.
        if len(cleaned) > MAX_COMMANDS:
            raise bad_request("BOT_COMMANDS_TOO_MUCH")
        if any(not re.fullmatch(r"[a-z0-9_]+", command["command"]) for command in cleaned):
            raise bad_request("BOT_COMMAND_INVALID")
        if cleaned:
            self.commands[key] = cleaned
        else:
            self.commands.pop(key, None)
        return True

    async def _get_my_commands(self, call: _Call) -> list[dict[str, str]]:
        return self.commands.get(self._commands_key(call), [])

    async def _delete_my_commands(self, call: _Call) -> bool:
        self.commands.pop(self._commands_key(call), None)
        return True

    def _commands_key(self, call: _Call) -> tuple[str, str]:
        """(scope, language_code). The scope is its type, with chat_id (and user_id) appended
        for the scopes that name a chat, e.g. "chat:42" or "chat_member:42:7"."""
        scope = call.json("scope", "can't parse BotCommandScope JSON object") or {"type": "default"}
        scope_key = _command_scope_key(scope)
        if scope_key.split(":")[0] in CHAT_COMMAND_SCOPES:
            self._chat_by_id(str(scope["chat_id"]))
        language_code = call.string("language_code")
        if language_code and not re.fullmatch(r"[a-z]{2}", language_code):
            raise bad_request("invalid language code specified")
        return scope_key, language_code

    # ----------------------------------------------------------------- methods: files

    async def _get_file(self, call: _Call) -> dict[str, Any]:
        stored = self._files.get(call.string("file_id"))
        if stored is None:
            raise bad_request("invalid file_id")
        if stored.size > MAX_DOWNLOAD_BYTES:
            raise bad_request("file is too big")
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": stored.size,
            "file_path": stored.file_path,
        }

    def _media_file(
        self, kind: Literal["photo", "document"], source: UploadedFile | str
    ) -> _StoredFile:
        if isinstance(source, UploadedFile):
            if len(source.content) > MAX_UPLOAD_BYTES:
                raise TelegramApiError(413, "Request Entity Too Large")
            return self._store_file(
                kind, len(source.content), source.content, source.filename, source.content_type
            )
        if source.startswith(("http://", "https://")):
            # Telegram would download it; the fake only knows the name.
            name = urlsplit(source).path.rsplit("/", 1)[-1] or "file"
            return self._store_file(kind, 0, None, name, mimetypes.guess_type(name)[0])
        stored = self._files.get(source)
        if stored is None:
            raise bad_request("wrong file identifier/HTTP URL specified")
        if stored.kind != kind:
            raise bad_request("type of file mismatch")
        return stored

    def _store_file(
        self,
        kind: Literal["photo", "document"],
        size: int,
        content: bytes | None,
        file_name: str | None,
        mime_type: str | None,
        file_id: str | None = None,
    ) -> _StoredFile:
        number = next(self._file_numbers)
        extension = mimetypes.guess_extension(mime_type or "") or ""
        stored = _StoredFile(
            file_id=file_id or f"FAKE-{kind.upper()}-{number:06d}",
            file_unique_id=f"U{number:06d}",
            kind=kind,
            file_path=f"{kind}s/file_{number}{extension}",
            size=size,
            content=content,
            file_name=file_name,
            mime_type=mime_type or (mimetypes.guess_type(file_name or "")[0]),
        )
        self._files[stored.file_id] = stored
        return stored

    @staticmethod
    def _document_object(stored: _StoredFile) -> dict[str, Any]:
        document: dict[str, Any] = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": stored.size,
        }
        if stored.file_name:
            document["file_name"] = stored.file_name
        if stored.mime_type:
            document["mime_type"] = stored.mime_type
        return document

    @staticmethod
    def _photo_sizes(stored: _StoredFile) -> list[dict[str, Any]]:
        # The fake does not decode images; the dimensions are placeholders.
        return [
            {
                "file_id": stored.file_id,
                "file_unique_id": stored.file_unique_id,
                "width": 1280,
                "height": 720,
                "file_size": stored.size,
            }
        ]


# --------------------------------------------------------------------------- validation helpers


def _check_length(formatted: FormattedText, limit: int, error: str) -> None:
    # tdlib's utf8_length(): Unicode code points, not UTF-16 units.
    if len(formatted.text) > limit:
        raise bad_request(error)


def _entities_field(name: str, formatted: FormattedText) -> dict[str, Any]:
    return {name: formatted.entities} if formatted.entities else {}


def _check_webhook_url(url: str) -> None:
    # Like the Bot API server, a URL without a scheme is taken as https.
    try:
        parts = urlsplit(url if "://" in url else f"https://{url}")
        port = parts.port
    except ValueError:
        raise bad_request("invalid webhook URL specified") from None
    if not parts.hostname:
        raise bad_request("invalid webhook URL specified")
    if parts.scheme != "https":
        raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
    if (port or 443) not in WEBHOOK_PORTS:
        raise bad_request("bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443")


def _check_inline_keyboard(rows: Any) -> None:
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request(
            'field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays'
        )
    buttons = [button for row in rows for button in row]
    # First the Bot API server's own parsing, then tdlib's and Telegram's checks.
    for button in buttons:
        _parse_inline_button(button)
    for button in buttons:
        if not button["text"]:
            raise bad_request("inline keyboard button text must be non-empty")
        callback_data = "" if button.get("url") else button.get("callback_data", "")
        if len(callback_data.encode("utf-8")) > MAX_CALLBACK_DATA_BYTES:
            raise bad_request("BUTTON_DATA_INVALID")
    if len(buttons) > MAX_INLINE_BUTTONS:
        raise bad_request("reply markup is too long")


def _parse_inline_button(button: Any) -> None:
    def fail(detail: str) -> TelegramApiError:
        return bad_request(f"can't parse inline keyboard button: {detail}")

    if not isinstance(button, dict):
        raise fail("InlineKeyboardButton must be an Object")
    for name in ("text", "url", "callback_data"):
        if name in button and not isinstance(button[name], str):
            raise fail(f'Field "{name}" must be of type String')
    if "text" not in button:
        raise fail('Can\'t find field "text"')
    # url and callback_data only count when non-empty; with both, url wins silently.
    has_kind = bool(button.get("url") or button.get("callback_data")) or any(
        kind in button for kind in PRESENCE_BUTTON_KINDS
    )
    if not has_kind:
        raise fail("Text buttons are unallowed in the inline keyboard")


def _check_reply_keyboard(rows: Any) -> None:
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request('field "keyboard" must be an Array of Arrays')
    for button in (button for row in rows for button in row):
        text = button if isinstance(button, str) else (button or {}).get("text")
        if text is None:
            raise bad_request("can't parse keyboard button: Can't find field \"text\"")
        if not text:
            raise bad_request("keyboard button text must be non-empty")


def _shows_callback_button(message: dict[str, Any], callback_data: str) -> bool:
    rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
    return any(button.get("callback_data") == callback_data for row in rows for button in row)


def _check_command_fields(command: Any) -> None:
    if not isinstance(command, dict):
        raise bad_request("can't parse BotCommand: expected an Object")
    for name in ("command", "description"):
        if name not in command:
            raise bad_request(f"can't parse BotCommand: Can't find field \"{name}\"")
        if not isinstance(command[name], str):
            raise bad_request(f'can\'t parse BotCommand: Field "{name}" must be of type String')


def _clean_command(command: dict[str, str]) -> dict[str, str]:
    """tdlib's checks: trimmed, one leading "/" dropped, lengths in code points."""
    name = command["command"].strip()
    name = name.removeprefix("/")
    if not name:
        raise bad_request("command must be non-empty")
    if len(name) > MAX_COMMAND_LENGTH:
        raise bad_request(f"command length must not exceed {MAX_COMMAND_LENGTH}")
    description = command["description"].strip()
    if not description:
        raise bad_request("command description must be non-empty")
    if len(description) > MAX_COMMAND_DESCRIPTION_LENGTH:
        raise bad_request(
            f"command description length must not exceed {MAX_COMMAND_DESCRIPTION_LENGTH}"
        )
    return {"command": name, "description": description}


def _command_scope_key(scope: Any) -> str:
    def fail(detail: str) -> TelegramApiError:
        return bad_request(f"can't parse BotCommandScope: {detail}")

    if not isinstance(scope, dict):
        raise fail("BotCommandScope must be an Object")
    kind = scope.get("type")
    if not isinstance(kind, str):
        raise fail('Can\'t find field "type"')
    if kind in CHATLESS_COMMAND_SCOPES:
        return kind
    if kind not in CHAT_COMMAND_SCOPES:
        raise fail("Unsupported type specified")
    if scope.get("chat_id") in (None, ""):
        raise fail("Empty chat_id specified")
    if kind != "chat_member":
        return f"{kind}:{scope['chat_id']}"
    user_id = scope.get("user_id")
    if not isinstance(user_id, int) or user_id <= 0:
        raise fail("Invalid user_id specified")
    return f"{kind}:{scope['chat_id']}:{user_id}"
