"""Reading one API call as the Bot API server reads it, and the checks several methods share.

aiogram posts url-encoded forms, or multipart ones when it uploads a file; other clients send JSON
bodies or query strings. The server takes them all, and reads every value as a string that each
method converts as it needs (a number, a flag, a JSON document), so the fake does the same.

The fake models what thidua's bot sends (channels/telegram): plain text, inline keyboards and
one command menu per language. A parameter that would ask Telegram for more is refused with a
400 that says so (UNMODELLED_PARAMETERS), never silently ignored.
"""

from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from .errors import TelegramApiError, bad_request, not_modelled
from .limits import MAX_CALLBACK_DATA_BYTES, MAX_INLINE_BUTTONS, MAX_RAW_TEXT_BYTES, shown_text

# Parameters whose value is a JSON document inside a form field.
JSON_PARAMS = frozenset(
    {
        "reply_markup", "entities", "caption_entities", "commands", "scope",
        "allowed_updates", "link_preview_options", "reply_parameters",
    }
)  # fmt: skip

# The bot sends no parse mode (channels/telegram/runner.py, make_bot), so the fake has no parser
# for one; it has no entities or command scopes for the same reason.
UNMODELLED_PARAMETERS = {
    "parse_mode": "parse modes",
    "entities": "message entities",
    "caption_entities": "message entities",
    "scope": "command scopes",
}

# Markup that is not an inline keyboard: the bot never sends one.
REPLY_KEYBOARD_KINDS = ("keyboard", "remove_keyboard", "force_reply")

# Inline button kinds recognised by mere presence of the field (url and callback_data
# only count when non-empty), in the Bot API server's order.
PRESENCE_BUTTON_KINDS = (
    "callback_game", "pay", "switch_inline_query", "switch_inline_query_chosen_chat",
    "switch_inline_query_current_chat", "login_url", "web_app", "copy_text",
)  # fmt: skip


@dataclass
class UploadedFile:
    """A file part of a multipart request."""

    filename: str
    content: bytes
    content_type: str


@dataclass
class Call:
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


async def read_call(request: web.Request, method: str) -> Call:
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
    return Call(method, params, files)


def refuse_unmodelled(call: Call) -> None:
    # Present at all is enough, even empty: the bot sends none of these, so any of them means
    # the bot has changed in a way the fake has not followed.
    for name, what in UNMODELLED_PARAMETERS.items():
        if call.params.get(name) is not None:
            raise not_modelled(what, f"{name}={call.string(name)}")


def read_text(call: Call, name: str, *, allow_empty: bool) -> str:
    """The text or caption parameter, trimmed as Telegram trims it."""
    raw = call.string(name)
    if len(raw.encode("utf-8")) > MAX_RAW_TEXT_BYTES:
        raise bad_request("text is too long")
    text = shown_text(raw)
    if not text and not allow_empty:
        raise bad_request("text must be non-empty")
    return text


def inline_markup(call: Call) -> dict[str, Any] | None:
    """The reply_markup of a send or an edit: a checked inline keyboard, or None."""
    markup = call.json("reply_markup", "can't parse reply keyboard markup JSON object")
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise bad_request("object expected as reply markup")
    if kinds := [kind for kind in REPLY_KEYBOARD_KINDS if markup.get(kind)]:
        raise not_modelled("reply keyboards", f"reply_markup with {', '.join(kinds)}")
    if markup.get("inline_keyboard"):
        _check_inline_keyboard(markup["inline_keyboard"])
        return markup
    return None  # e.g. an empty inline keyboard: Telegram reads it as "no keyboard"


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
