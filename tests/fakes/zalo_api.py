"""A local fake of the Zalo Bot API, served over real HTTP by aiohttp; the bot's real httpx
client talks to it as it would to bot-api.zaloplatforms.com.

Faithful to what is known of the platform (see channels/zalo/client.py for the sources and
the assumptions): ``/bot<TOKEN>/<method>`` JSON POSTs answered ``{ok, result}`` or ``{ok: false,
error_code, description}``; ``getUpdates`` hands out one update per call, with no offset, and
answers 408 after its long-poll timeout when idle; updates carry ``event_name`` and a message
with a string ``message_id``, ``from``, ``chat`` (PRIVATE) and ``date`` in milliseconds; text
and captions are refused over 2000 characters; ``sendPhoto`` takes a URL, which the fake fetches
as Zalo would; ``setWebhook`` wants https and a secret of 8-256 characters, which it sends back
in ``X-Bot-Api-Secret-Token`` with each delivery. Users' photos are served by the fake, as
Zalo's CDN serves them.

Not simulated: groups, stickers' content, voice messages, chat actions beyond accepting them.
"""

from __future__ import annotations

import asyncio
import itertools
import secrets
import time
from collections import deque
from dataclasses import dataclass
from typing import Any

import aiohttp
from aiohttp import web

MAX_TEXT = 2000
MAX_POLL_SECONDS = 30
TEXT = "message.text.received"
IMAGE = "message.image.received"
STICKER = "message.sticker.received"
UNSUPPORTED = "message.unsupported.received"


class ZaloApiError(Exception):
    def __init__(self, code: int, description: str) -> None:
        super().__init__(description)
        self.code = code
        self.description = description


@dataclass(frozen=True)
class SentMessage:
    chat_id: str
    text: str
    photo: bytes | None = None


class FakeZaloAPI:
    def __init__(self, *, bot_token: str, poll_seconds: float = MAX_POLL_SECONDS) -> None:
        self.bot_token = bot_token
        # The longest a getUpdates waits before its 408, whatever the bot asked (tests shorten it).
        self.poll_seconds = poll_seconds
        self.base_url: str | None = None
        self.sent: list[SentMessage] = []
        self.idle_polls = 0
        self.webhook: dict[str, str] | None = None
        self.photos: dict[str, bytes] = {}
        self._updates: deque[dict[str, Any]] = deque()
        self._arrived = asyncio.Event()
        self._polled = asyncio.Event()
        self._sent_changed = asyncio.Event()
        self._blocked: set[str] = set()
        self._failures: dict[str, deque[int]] = {}
        self._read: dict[str, int] = {}
        self._message_numbers = itertools.count(1)
        self._runner: web.AppRunner | None = None

    # ----------------------------------------------------------------- lifecycle

    async def __aenter__(self) -> FakeZaloAPI:
        app = web.Application()
        app.router.add_post("/bot{token}/{method}", self._api)
        app.router.add_get("/photos/{name}", self._photo)
        self._runner = web.AppRunner(app, handler_cancellation=True, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        self.base_url = f"http://127.0.0.1:{self._runner.addresses[0][1]}"
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self._runner.cleanup()

    # ----------------------------------------------------------------- playing the users

    def user_sends_text(self, user_id: str, text: str, *, name: str = "Test") -> dict[str, Any]:
        return self._queue(TEXT, user_id, name, {"text": text})

    def user_sends_photo(
        self, user_id: str, content: bytes, *, caption: str | None = None, name: str = "Test"
    ) -> dict[str, Any]:
        photo_name = f"{secrets.token_hex(8)}.jpg"
        self.photos[photo_name] = content
        message = {"photo": f"{self.base_url}/photos/{photo_name}"}
        if caption:
            message["caption"] = caption
        return self._queue(IMAGE, user_id, name, message)

    def user_sends_document(self, user_id: str, *, name: str = "Test") -> dict[str, Any]:
        """Zalo passes no files to bots: a document arrives as an unsupported message."""
        return self._queue(UNSUPPORTED, user_id, name, {})

    def update(self, event_name: str, user_id: str, name: str, content: dict) -> dict[str, Any]:
        """An update as Zalo builds it, without queueing it (for webhook deliveries)."""
        message = {
            "message_id": secrets.token_hex(10),
            "date": int(time.time() * 1000),
            "chat": {"id": user_id, "chat_type": "PRIVATE"},
            "from": {"id": user_id, "display_name": name, "is_bot": False},
            **content,
        }
        return {"event_name": event_name, "message": message}

    async def next_poll(self) -> None:
        """Until the bot asks for updates again: a bot back from a restart is listening.

        With no offset, an update is handed to whichever long poll is waiting, the one a
        stopped bot abandoned included; a person typing in the instant of a restart can lose
        a message on Zalo too.
        """
        self._polled.clear()
        await self._polled.wait()

    def block(self, user_id: str) -> None:
        self._blocked.add(user_id)

    def fail_next(self, method: str, code: int) -> None:
        self._failures.setdefault(method, deque()).append(code)

    async def deliver(self, update: dict[str, Any], to: str, *, secret: str | None = None) -> int:
        """POST an update to the bot's webhook as Zalo does; returns the HTTP status."""
        secret = self.webhook["secret_token"] if secret is None else secret
        headers = {"X-Bot-Api-Secret-Token": secret}
        async with (
            aiohttp.ClientSession() as session,
            session.post(to, json={"ok": True, "result": update}, headers=headers) as response,
        ):
            return response.status

    async def wait_for_messages(
        self,
        chat_id: str,
        count: int,
        timeout: float = 5.0,  # noqa: ASYNC109 -- a plain number is simplest for tests
    ) -> list[SentMessage]:
        """The next ``count`` messages to ``chat_id`` since the previous wait for it."""
        start = self._read.get(chat_id, 0)
        async with asyncio.timeout(timeout):
            while len(new := self.messages_to(chat_id)[start:]) < count:
                self._sent_changed.clear()
                await self._sent_changed.wait()
        self._read[chat_id] = start + count
        return new[:count]

    def messages_to(self, chat_id: str) -> list[SentMessage]:
        return [message for message in self.sent if message.chat_id == chat_id]

    def _queue(self, event: str, user_id: str, name: str, content: dict) -> dict[str, Any]:
        update = self.update(event, user_id, name, content)
        self._updates.append(update)
        self._arrived.set()
        return update

    # ----------------------------------------------------------------- the API

    async def _api(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.bot_token:
            return _error(401, "Unauthorized")
        method = request.match_info["method"]
        try:
            params = await request.json()
        except ValueError:
            params = {}
        try:
            self._injected_failure(method)
            handler = getattr(self, f"_{method}", None)
            if handler is None:
                raise ZaloApiError(404, "Not Found")
            result = await handler(params)
        except ZaloApiError as error:
            return _error(error.code, error.description)
        return web.json_response({"ok": True, "result": result})

    def _injected_failure(self, method: str) -> None:
        if failures := self._failures.get(method):
            raise ZaloApiError(failures.popleft(), "Injected failure")

    async def _getMe(self, _params: dict) -> dict[str, Any]:
        return {"id": "bot-1", "account_name": "thidua_bot", "account_type": "BASIC"}

    async def _getUpdates(self, params: dict) -> dict[str, Any]:
        if self.webhook is not None:
            raise ZaloApiError(409, "Conflict: webhook is active")
        self._polled.set()
        wait = min(float(params.get("timeout", MAX_POLL_SECONDS)), self.poll_seconds)
        if not self._updates:
            self._arrived.clear()
            try:
                await asyncio.wait_for(self._arrived.wait(), wait)
            except TimeoutError:
                self.idle_polls += 1
                raise ZaloApiError(408, "Request timeout") from None
        return self._updates.popleft()

    async def _sendMessage(self, params: dict) -> dict[str, Any]:
        chat_id = self._chat(params)
        text = _text(params, "text", required=True)
        return self._record(SentMessage(chat_id, text))

    async def _sendPhoto(self, params: dict) -> dict[str, Any]:
        chat_id = self._chat(params)
        caption = _text(params, "caption", required=False)
        url = params.get("photo")
        if not isinstance(url, str) or not url.startswith(("http://", "https://")):
            raise ZaloApiError(400, "photo must be a URL")
        return self._record(SentMessage(chat_id, caption, photo=await _download(url)))

    async def _sendChatAction(self, params: dict) -> bool:
        self._chat(params)
        return True

    async def _setWebhook(self, params: dict) -> dict[str, Any]:
        url, secret = params.get("url", ""), params.get("secret_token", "")
        if not url.startswith("https://"):
            raise ZaloApiError(400, "url must be https")
        if not 8 <= len(secret) <= 256:
            raise ZaloApiError(400, "secret_token must be 8-256 characters")
        self.webhook = {"url": url, "secret_token": secret}
        return {"url": url, "updated_at": int(time.time() * 1000)}

    async def _deleteWebhook(self, _params: dict) -> dict[str, Any]:
        self.webhook = None
        return {"url": ""}

    async def _getWebhookInfo(self, _params: dict) -> dict[str, Any]:
        return {"url": self.webhook["url"] if self.webhook else ""}

    def _chat(self, params: dict) -> str:
        chat_id = params.get("chat_id")
        if not isinstance(chat_id, str) or not chat_id:
            raise ZaloApiError(400, "chat_id is required")
        if chat_id in self._blocked:
            raise ZaloApiError(403, "Forbidden: the user blocked the bot")
        return chat_id

    def _record(self, message: SentMessage) -> dict[str, Any]:
        self.sent.append(message)
        self._sent_changed.set()
        return {
            "message_id": f"sent-{next(self._message_numbers)}",
            "date": int(time.time() * 1000),
        }

    async def _photo(self, request: web.Request) -> web.Response:
        content = self.photos.get(request.match_info["name"])
        if content is None:
            raise web.HTTPNotFound()
        return web.Response(body=content, content_type="image/jpeg")


def _text(params: dict, name: str, *, required: bool) -> str:
    text = params.get(name) or ""
    if required and not text:
        raise ZaloApiError(400, f"{name} is required")
    if len(text) > MAX_TEXT:
        raise ZaloApiError(400, f"{name} is longer than {MAX_TEXT} characters")
    return text


async def _download(url: str) -> bytes:
    async with aiohttp.ClientSession() as session, session.get(url) as response:
        if response.status != 200:
            raise ZaloApiError(400, f"photo could not be fetched ({response.status})")
        return await response.read()


def _error(code: int, description: str) -> web.Response:
    # Zalo's status follows the error code for client errors.
    return web.json_response(
        {"ok": False, "error_code": code, "description": description}, status=code
    )
