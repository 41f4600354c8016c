"""The channel-neutral conversation model.

Channels (Telegram, Zalo, the terminal sandbox) turn platform updates into :class:`Incoming`
events and render :class:`Reply` objects back; the core never sees a platform type.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass, field
from typing import Any

# Telegram caps callback_data at 64 bytes; payloads carry ids, never names, to stay well inside.
MAX_PAYLOAD_BYTES = 64


@dataclass(frozen=True)
class Identity:
    """Who wrote, as the channel knows them."""

    channel: str  # "telegram", "zalo", "sandbox"
    user_id: str
    chat_id: str
    display_name: str = ""
    language_code: str | None = None


@dataclass(frozen=True)
class FileRef:
    """A file a person sent; the platform keeps the bytes, ``file_ref`` fetches them again."""

    channel: str
    file_ref: str
    file_name: str
    mime_type: str
    size: int
    # A picture sent as a photo (not as a file): passed on, it is shown as a photo again.
    is_photo: bool = False

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


@dataclass(frozen=True)
class Incoming:
    """One thing a person did: typed text, sent a file, or pressed a button carrying ``payload``.

    ``update_id`` identifies the platform's update, so one delivered twice is handled once.
    """

    identity: Identity
    text: str | None = None
    payload: str | None = None
    file: FileRef | None = None
    update_id: str | None = None

    @property
    def command(self) -> str | None:
        """``start`` for "/start abc" (and "/start@thidua_bot abc"), else None."""
        if not self.text or not self.text.startswith("/"):
            return None
        head = self.text[1:].split(maxsplit=1)[0] if len(self.text) > 1 else ""
        return head.split("@", 1)[0].lower()

    @property
    def argument(self) -> str:
        """What follows the command, e.g. the invite code in "/start CODE"."""
        if self.command is None:
            return ""
        parts = self.text.split(maxsplit=1)
        return parts[1].strip() if len(parts) > 1 else ""


@dataclass(frozen=True)
class Button:
    label: str
    payload: str
    # What to type instead of pressing it, where the core reads that word itself (a form's
    # "back", "done"...); a channel without buttons shows it in place of a number.
    typed: str | None = None

    def __post_init__(self) -> None:
        size = len(self.payload.encode())
        if not 1 <= size <= MAX_PAYLOAD_BYTES:
            raise ValueError(f"button payload must be 1-{MAX_PAYLOAD_BYTES} bytes, got {size}")


@dataclass(frozen=True)
class Document:
    """A file to send: one the bot made (``content``), or one the platform already holds."""

    file_name: str
    content: bytes | None = None
    file_ref: str | None = None
    # A picture the platform holds (a photo a person sent), shown as a photo, not a file.
    is_photo: bool = False
    # Where a platform that cannot send files (Zalo) lets the person download it instead.
    link: str | None = None


@dataclass(frozen=True)
class Reply:
    """A message to show. ``text`` is plain text: each channel escapes it for its own markup."""

    text: str
    buttons: tuple[tuple[Button, ...], ...] = ()
    # A PNG image (a chart) shown before the text.
    photo: bytes | None = None
    # A file (an export, a unit's attachment) sent with the text as its caption.
    document: Document | None = None

    def all_buttons(self) -> list[Button]:
        return [button for row in self.buttons for button in row]

    def to_dict(self) -> dict[str, object]:
        """JSON for the outbox: a message rendered now, delivered later. A document goes by
        the platform's reference to it: the outbox keeps no file contents."""
        rows = [[{"label": b.label, "payload": b.payload} for b in row] for row in self.buttons]
        data: dict[str, object] = {"text": self.text, "buttons": rows}
        if self.document is not None and self.document.file_ref is not None:
            document = self.document
            data["document"] = {
                "file_name": document.file_name,
                "file_ref": document.file_ref,
                "is_photo": document.is_photo,
            }
        return data

    @classmethod
    def from_dict(cls, data: dict) -> Reply:
        rows = tuple(tuple(Button(**b) for b in row) for row in data.get("buttons", []))
        document = Document(**data["document"]) if data.get("document") else None
        return cls(data["text"], buttons=rows, document=document)


@dataclass
class Outcome:
    """What the core answers to one event."""

    replies: list[Reply] = field(default_factory=list)
    # For a button press: the short acknowledgement every press must get.
    notice: str | None = None
    # Slow work (building a workbook) to run once these replies are shown, so the person sees
    # that it is under way; a handler that only reads, whose outcome is shown when ready.
    then: Callable[[Incoming, Any], Awaitable[Outcome]] | None = None
