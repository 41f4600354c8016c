"""The objects the fake keeps, and how they show as Bot API objects: a private chat, a file
Telegram holds, and the record of a message the bot sent, which is what tests assert on.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Literal

FileKind = Literal["photo", "document"]


def unix_now() -> int:
    return int(time.time())


@dataclass
class SentMessage:
    """One message the bot sent (or, in FakeTelegramAPI.edits, one edit it made)."""

    method: str
    chat_id: int
    message_id: int
    text: str | None  # the raw text or caption as sent
    # Always None: the fake refuses every parse mode. Kept so tests can say the bot sent none.
    parse_mode: str | None
    reply_markup: dict[str, Any] | None
    plain_text: str  # what the user reads: trimmed as Telegram trims it
    file_name: str | None = None


@dataclass
class StoredFile:
    file_id: str
    file_unique_id: str
    kind: FileKind
    file_path: str
    size: int
    content: bytes | None = None  # None: only the size is known (sent by a simulated user)
    file_name: str | None = None
    mime_type: str | None = None

    def body(self) -> bytes:
        return self.content if self.content is not None else bytes(self.size)

    def document_object(self) -> dict[str, Any]:
        document: dict[str, Any] = {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": self.size,
        }
        if self.file_name:
            document["file_name"] = self.file_name
        if self.mime_type:
            document["mime_type"] = self.mime_type
        return document

    def photo_sizes(self) -> list[dict[str, Any]]:
        # The fake does not decode images; the dimensions are placeholders.
        return [
            {
                "file_id": self.file_id,
                "file_unique_id": self.file_unique_id,
                "width": 1280,
                "height": 720,
                "file_size": self.size,
            }
        ]

    def as_content(self) -> dict[str, Any]:
        """The message field that shows this file."""
        if self.kind == "photo":
            return {"photo": self.photo_sizes()}
        return {"document": self.document_object()}


@dataclass
class Chat:
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
