"""sendMessage, sendPhoto, sendDocument and editMessageText: the bot's replies, and the progress
line it edits in place during a broadcast.

Each checks in the Bot API server's order (the text, the markup, the chat, the length, the file),
and only then what Telegram decides at the last moment (blocked user, flood limits), so a refused
request never counts against a limit. The text is plain: a parse mode, entities or a reply
keyboard were refused before these run (validation.py).
"""

from __future__ import annotations

from typing import Any

from ..errors import NOT_MODIFIED, bad_request
from ..limits import MAX_CAPTION_LENGTH, MAX_MESSAGE_LENGTH, check_length
from ..objects import Chat, FileKind, unix_now
from ..state import TelegramState
from ..validation import Call, inline_markup, read_text
from .files import media_file


async def send_message(state: TelegramState, call: Call) -> dict[str, Any]:
    if not call.string("text"):
        raise bad_request("message text is empty")
    text = read_text(call, "text", allow_empty=False)
    markup = inline_markup(call)
    chat = state._target_chat(call)
    check_length(text, MAX_MESSAGE_LENGTH, "message is too long")
    state._admit_delivery(call.method, chat)
    return state._deliver(call, chat, {"text": text}, markup)


async def send_photo(state: TelegramState, call: Call) -> dict[str, Any]:
    return await _send_media(state, call, "photo")


async def send_document(state: TelegramState, call: Call) -> dict[str, Any]:
    return await _send_media(state, call, "document")


async def _send_media(state: TelegramState, call: Call, kind: FileKind) -> dict[str, Any]:
    source = call.input_file(kind)
    if source is None:
        raise bad_request(f"there is no {kind} in the request")
    caption = read_text(call, "caption", allow_empty=True)
    markup = inline_markup(call)
    chat = state._target_chat(call)
    check_length(caption, MAX_CAPTION_LENGTH, "message caption is too long")
    stored = media_file(state, kind, source)
    state._admit_delivery(call.method, chat)
    content = stored.as_content() | ({"caption": caption} if caption else {})
    return state._deliver(call, chat, content, markup, file_name=stored.file_name)


async def edit_message_text(state: TelegramState, call: Call) -> dict[str, Any]:
    if not call.string("text"):
        raise bad_request("message text is empty")
    text = read_text(call, "text", allow_empty=False)
    markup = inline_markup(call)
    chat, message = _message_to_edit(state, call)
    if "text" not in message:
        raise bad_request("there is no text in the message to edit")
    check_length(text, MAX_MESSAGE_LENGTH, "message is too long")
    if message["text"] == text and message.get("reply_markup") == markup:
        raise bad_request(NOT_MODIFIED)
    state._admit_delivery(call.method, chat)
    message["text"] = text
    if markup is None:
        message.pop("reply_markup", None)
    else:
        message["reply_markup"] = markup
    message["edit_date"] = unix_now()
    state.edits.append(state._record(call, chat.id, message["message_id"], text, markup))
    return message


def _message_to_edit(state: TelegramState, call: Call) -> tuple[Chat, dict[str, Any]]:
    if call.string("inline_message_id"):
        raise bad_request("MESSAGE_ID_INVALID")  # inline mode is not simulated
    chat = state._target_chat(call)
    if not call.string("message_id"):
        raise bad_request("message identifier is not specified")
    message = chat.messages.get(call.integer("message_id", 0))
    if message is None:
        raise bad_request("message to edit not found")
    if not message["from"]["is_bot"]:
        raise bad_request("message can't be edited")
    return chat, message


METHODS = {
    "sendMessage": send_message,
    "sendPhoto": send_photo,
    "sendDocument": send_document,
    "editMessageText": edit_message_text,
}
