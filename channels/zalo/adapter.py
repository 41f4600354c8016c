"""Translation between Zalo updates and core events, and core replies and Zalo messages.

Zalo has no buttons, no message editing and no documents: buttons become numbered options
(channels/numbered.py), long texts are split under Zalo's 2000 characters, a chart is a photo
URL the bot serves itself (or is left out: the table of figures always follows it), and a file
the bot would attach is replaced by a note.
"""

from __future__ import annotations

import enum
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bot.events import FileRef, Identity, Incoming, Reply
from bot.i18n import N_, Translator
from bot.text import split_text

CHANNEL = "zalo"
MAX_TEXT = 2000

TEXT = "message.text.received"
IMAGE = "message.image.received"
STICKER = "message.sticker.received"
UNSUPPORTED = "message.unsupported.received"

FILES_ON_ZALO = N_(
    "Zalo does not pass files on to bots. Please send the document as a photo (one picture per "
    "page), or send the file to the bot on Telegram."
)
NO_FILE_ON_ZALO = N_(
    "(The file cannot be sent on Zalo: open it from Telegram, or ask the Department office.)"
)
FILE_LINK_ON_ZALO = N_("📄 Download it here (the link is valid for 24 hours): {link}")


class Kind(enum.Enum):
    MESSAGE = "message"  # text or a photo: for the core
    FILE = "file"  # something the bot cannot read (a document): explain what to do instead
    IGNORED = "ignored"  # a sticker, a group chat, the bot's own messages


@dataclass(frozen=True)
class ZaloUpdate:
    kind: Kind
    incoming: Incoming | None = None


def unwrap(body: Any) -> dict[str, Any] | None:
    """The update in a webhook body or a getUpdates result: flat, or wrapped in {ok, result}."""
    if isinstance(body, dict) and "result" in body and "event_name" not in body:
        body = body["result"]
    return body if isinstance(body, dict) and isinstance(body.get("message"), dict) else None


def read_update(update: dict[str, Any]) -> ZaloUpdate:
    message = update["message"]
    sender, chat = message.get("from") or {}, message.get("chat") or {}
    if sender.get("is_bot") or chat.get("chat_type", "PRIVATE") != "PRIVATE" or not sender:
        # Forms and invite codes are personal: the bot talks to people one to one.
        return ZaloUpdate(Kind.IGNORED)
    identity = Identity(
        CHANNEL,
        str(sender["id"]),
        str(chat.get("id") or sender["id"]),
        display_name=sender.get("display_name") or sender.get("name") or "",
    )
    event = update.get("event_name")
    if event == TEXT and message.get("text"):
        return ZaloUpdate(Kind.MESSAGE, _incoming(identity, message, text=message["text"]))
    if event == IMAGE and _photo_url(message):
        photo = _photo_file(message)
        return ZaloUpdate(
            Kind.MESSAGE, _incoming(identity, message, text=message.get("caption"), file=photo)
        )
    if event == UNSUPPORTED:
        return ZaloUpdate(Kind.FILE, _incoming(identity, message))
    return ZaloUpdate(Kind.IGNORED)


def _incoming(identity: Identity, message: dict[str, Any], **content: Any) -> Incoming:
    return Incoming(identity, update_id=update_id_of(message), **content)


def update_id_of(message: dict[str, Any]) -> str:
    """Zalo updates carry no update id: the message id is the stable one, so a webhook delivered
    twice is handled once. A message without one is known by a digest of its content."""
    if message.get("message_id"):
        return str(message["message_id"])[:64]
    canonical = json.dumps(message, sort_keys=True, ensure_ascii=False).encode()
    return "sha256:" + hashlib.sha256(canonical).hexdigest()[:48]


def _photo_url(message: dict[str, Any]) -> str | None:
    return message.get("photo") or message.get("photo_url")


def _photo_file(message: dict[str, Any]) -> FileRef:
    return FileRef(
        channel=CHANNEL,
        file_ref=_photo_url(message),
        file_name=f"photo-{update_id_of(message)[-16:]}.jpg",
        mime_type="image/jpeg",
        # Zalo does not say; the platform already keeps photos small.
        size=0,
    )


@dataclass(frozen=True)
class Outgoing:
    text: str
    photo_url: str | None = None


def outgoing(
    reply: Reply, text: str, t: Translator, photo_url: Callable[[bytes], str | None]
) -> list[Outgoing]:
    """``text``: the reply's text with its numbered options."""
    if reply.document is not None and reply.document.link:
        text = f"{text}\n\n{t(FILE_LINK_ON_ZALO, link=reply.document.link)}"
    elif reply.document is not None:
        text = f"{text}\n\n{t(NO_FILE_ON_ZALO)}"
    if reply.photo is not None:
        url = photo_url(reply.photo)
        if url is None:
            return []  # the figures follow as text: a caption alone would announce nothing
        caption, *rest = split_text(text, MAX_TEXT)
        return [Outgoing(caption, url), *(Outgoing(piece) for piece in rest)]
    return [Outgoing(piece) for piece in split_text(text, MAX_TEXT)]
