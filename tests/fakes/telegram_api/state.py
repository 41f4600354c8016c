"""What the fake Telegram holds: the bot, its private chats and their messages, the files, the
queue of updates, the flood-limit windows, and the records a test asserts on.

TelegramState also carries the operations that several Bot API methods share (finding the chat
a call names, admitting a delivery past the blocked-user and flood checks, posting a message,
queueing an update). The methods themselves are in methods/, the test's side in users.py, the
HTTP side in server.py; FakeTelegramAPI is all of them on one object.

Public attributes are for tests to read; the underscored ones are this package's own, shared
between its modules. A few underscored names are reached from outside all the same and must
keep their names: tests/test_telegram.py forges a button in `_chats`, benchmarks/forms.py
overrides `_deliver` (and users.py's `_sent_to`) to time each reply.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import mimetypes
import time
from dataclasses import dataclass
from typing import Any

from .errors import FORBIDDEN_BLOCKED, TelegramApiError, bad_request, too_many_requests
from .limits import DEFAULT_UPDATE_TYPES, RATE_LIMITED_METHODS, RollingWindow
from .objects import Chat, FileKind, SentMessage, StoredFile, unix_now
from .validation import Call


class Notifier:
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
class LongPoll:
    abort_reason: str | None = None


class TelegramState:
    """The fake's data, and the operations the Bot API methods share."""

    def __init__(
        self,
        *,
        bot_token: str,
        bot_username: str,
        global_rate_per_s: float | None,
        per_chat_rate_per_s: float | None,
    ) -> None:
        self.bot_token = bot_token
        self.bot_username = bot_username
        self.bot_id = int(bot_token.split(":", 1)[0])

        # What the bot did, for assertions.
        self.sent: list[SentMessage] = []
        self.edits: list[SentMessage] = []
        self.answered_callbacks: dict[str, dict[str, Any]] = {}
        # Keyed (scope, language_code) as Telegram keeps menus; only the default scope exists.
        self.commands: dict[tuple[str, str], list[dict[str, str]]] = {}
        self.webhook: dict[str, Any] | None = None
        self.dropped_updates: list[dict[str, Any]] = []  # filtered out by allowed_updates

        self._chats: dict[int, Chat] = {}
        self._blocked_user_ids: set[int] = set()
        self._files: dict[str, StoredFile] = {}
        self._file_numbers = itertools.count(1)
        # Insertion-ordered for unanswered_callbacks(), and answered in constant time: a long
        # benchmark presses thousands of buttons.
        self._pressed_callbacks: dict[str, None] = {}

        self._updates: list[dict[str, Any]] = []
        self._update_ids = itertools.count(10_001)
        self._allowed_updates: list[str] = []
        self._updates_changed = Notifier()
        self._sent_changed = Notifier()
        self._long_poll: LongPoll | None = None
        self._stopping = False

        self._global_window = RollingWindow(global_rate_per_s) if global_rate_per_s else None
        self._per_chat_rate = per_chat_rate_per_s
        self._chat_windows: dict[int, RollingWindow] = {}

    # ----------------------------------------------------------------- chats and messages

    def _bot_user(self) -> dict[str, Any]:
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": "Thi đua test bot",
            "username": self.bot_username,
        }

    def _target_chat(self, call: Call) -> Chat:
        raw = call.string("chat_id").strip()
        if not raw:
            raise bad_request("chat_id is empty")
        try:
            chat_id = int(raw)
        except ValueError:  # "@username": no public chats here
            raise bad_request("chat not found") from None
        if chat_id not in self._chats:
            raise bad_request("chat not found")
        return self._chats[chat_id]

    def _new_message(
        self, chat: Chat, sender: dict[str, Any], content: dict[str, Any]
    ) -> dict[str, Any]:
        message = {
            "message_id": chat.next_message_id(),
            "from": sender,
            "chat": chat.as_chat(),
            "date": unix_now(),
            **content,
        }
        chat.messages[message["message_id"]] = message
        return message

    def _admit_delivery(self, method: str, chat: Chat) -> None:
        """The checks Telegram makes at the last moment: blocked user, then flood limits."""
        if chat.id in self._blocked_user_ids:
            raise TelegramApiError(403, FORBIDDEN_BLOCKED)
        if method not in RATE_LIMITED_METHODS:
            return
        now = time.monotonic()
        windows = [window for window in (self._global_window, self._chat_window(chat.id)) if window]
        waits = [wait for window in windows if (wait := window.retry_after(now)) is not None]
        if waits:
            raise too_many_requests(max(waits))
        for window in windows:
            window.record(now)

    def _chat_window(self, chat_id: int) -> RollingWindow | None:
        if not self._per_chat_rate:
            return None
        if chat_id not in self._chat_windows:
            self._chat_windows[chat_id] = RollingWindow(self._per_chat_rate)
        return self._chat_windows[chat_id]

    def _deliver(
        self,
        call: Call,
        chat: Chat,
        content: dict[str, Any],
        markup: dict[str, Any] | None,
        *,
        file_name: str | None = None,
    ) -> dict[str, Any]:
        """Post the bot's message, admitted already, and record it in `sent`."""
        if markup is not None:
            content["reply_markup"] = markup
        message = self._new_message(chat, self._bot_user(), content)
        shown = content.get("text", content.get("caption", ""))
        self.sent.append(
            self._record(call, chat.id, message["message_id"], shown, markup, file_name)
        )
        self._sent_changed.notify()
        return message

    def _record(
        self,
        call: Call,
        chat_id: int,
        message_id: int,
        shown: str,
        markup: dict[str, Any] | None,
        file_name: str | None = None,
    ) -> SentMessage:
        return SentMessage(
            method=call.method,
            chat_id=chat_id,
            message_id=message_id,
            text=call.string("text") or call.string("caption") or None,
            parse_mode=None,
            reply_markup=markup,
            plain_text=shown,
            file_name=file_name,
        )

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

    # ----------------------------------------------------------------- files

    def _store_file(
        self,
        kind: FileKind,
        size: int,
        content: bytes | None,
        file_name: str | None,
        mime_type: str | None,
        file_id: str | None = None,
    ) -> StoredFile:
        number = next(self._file_numbers)
        extension = mimetypes.guess_extension(mime_type or "") or ""
        stored = StoredFile(
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
