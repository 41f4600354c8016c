"""The test's side of the chats: playing the users who write to the bot, press its buttons and
block it, and reading back what they were sent.

Each move queues the update Telegram would deliver for it. Like a real client, a simulated user
can only press a button the message shows now, and only a user who wrote to the bot (or is known
to have, see knows_user) can be written to.
"""

from __future__ import annotations

import asyncio
import copy
import itertools
from typing import Any

from .limits import bot_command_entities
from .objects import Chat, SentMessage, unix_now
from .state import TelegramState


class SimulatedUsers(TelegramState):
    """The test-facing controls over the fake's state (FakeTelegramAPI adds the HTTP side)."""

    def __init__(self, **settings: Any) -> None:
        super().__init__(**settings)
        self._read_cursors: dict[int, int] = {}
        self._callback_ids = itertools.count(4_000_000_000_000_001)

    # ----------------------------------------------------------------- playing the users

    def user_sends_text(
        self, user_id: int, text: str, *, first_name: str = "Test", language_code: str = "vi"
    ) -> int:
        """Queue a private message from the user; returns its update_id."""
        chat = self._chat_of_writing_user(user_id, first_name, language_code)
        content: dict[str, Any] = {"text": text}
        if entities := bot_command_entities(text):
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
        return self._user_sends_media(
            user_id, stored.as_content(), caption, first_name, language_code
        )

    def user_sends_photo(
        self, user_id: int, size: int, *, caption: str | None = None, first_name: str = "Test"
    ) -> int:
        """Queue a photo message (Telegram's compressed picture, not a file); its file_id can
        only be sent on as a photo. Returns the update_id."""
        stored = self._store_file("photo", size, None, None, "image/jpeg")
        return self._user_sends_media(user_id, stored.as_content(), caption, first_name, "vi")

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
        rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
        if not any(button.get("callback_data") == callback_data for row in rows for button in row):
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

    def _chat_of_writing_user(self, user_id: int, first_name: str, language_code: str) -> Chat:
        user = {
            "id": user_id,
            "is_bot": False,
            "first_name": first_name,
            "language_code": language_code,
        }
        chat = self._chats.setdefault(user_id, Chat(user))
        chat.user = user
        self.unblock_user(user_id)  # a user who writes has unblocked the bot
        return chat

    def _enqueue_membership_change(self, chat: Chat, old: str, new: str) -> None:
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
                "date": unix_now(),
                "old_chat_member": member(old),
                "new_chat_member": member(new),
            },
        )

    def _known_chat(self, user_id: int) -> Chat:
        if user_id not in self._chats:
            raise ValueError(f"user {user_id} never wrote to the bot")
        return self._chats[user_id]

    def _pressable_message(self, chat: Chat, message_id: int | None) -> dict[str, Any]:
        if message_id is None:
            sent = self._sent_to(chat.id)
            if not sent:
                raise ValueError(f"the bot never sent a message to chat {chat.id}")
            message_id = sent[-1].message_id
        if message_id not in chat.messages:
            raise ValueError(f"no message {message_id} in chat {chat.id}")
        return chat.messages[message_id]

    # ----------------------------------------------------------------- what the users got

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

    def _sent_to(self, chat_id: int) -> list[SentMessage]:
        return [message for message in self.sent if message.chat_id == chat_id]

    def unanswered_callbacks(self) -> list[str]:
        return [q for q in self._pressed_callbacks if q not in self.answered_callbacks]

    def message(self, chat_id: int, message_id: int) -> dict[str, Any]:
        """The message as it stands now (after edits), as a Telegram Message object."""
        return copy.deepcopy(self._chats[chat_id].messages[message_id])

    def file_content(self, file_id: str) -> bytes | None:
        """The bytes of a file the fake holds (uploaded by the bot or sent by a user)."""
        return self._files[file_id].content
