"""A thin async client of the Zalo Bot API (``<ZALO_API_URL>/bot<TOKEN>/<method>``, JSON POST).

What was checked against public material (Zalo's own docs site did not come up in search; the
shapes below agree across several independent bots and SDKs built on the platform):
- Every answer is ``{"ok": true, "result": ...}`` or ``{"ok": false, "error_code": N,
  "description": "..."}``; 408 is the error code of a long poll that timed out idle.
- ``getUpdates`` is a POST with ``{"timeout": seconds}`` and no offset; ``result`` is one update
  (an object, not a list): ``{"event_name": ..., "message": {...}}``.
- A message has ``message_id`` (a string), ``from`` ``{id, display_name, is_bot}``, ``chat``
  ``{id, chat_type: PRIVATE|GROUP}``, ``date`` in milliseconds, and ``text``, or for
  ``message.image.received`` a ``photo`` URL and a ``caption``.
- ``sendMessage``/``sendPhoto`` answer ``{"message_id", "date"}``; ``sendPhoto`` takes
  ``photo`` (a URL) and ``caption``; the webhook's secret comes back in
  ``X-Bot-Api-Secret-Token``; webhook bodies come flat or wrapped in ``{ok, result}``.
Assumed, not found documented: the HTTP status of errors (read from ``error_code`` whatever the
status), 429 for flooding and 403 for a chat that blocked the bot, as on Telegram; ``photo_url``
as an older spelling of ``photo``; the 2000-character limit also applies to captions.

The token is part of every URL, so no URL is ever logged or put in an error: httpx's own
request log is silenced and transport errors are re-raised without their cause.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import httpx

IDLE = 408  # a long poll that ended with nothing to deliver
POLL_SECONDS = 30

logging.getLogger("httpx").setLevel(logging.WARNING)
logging.getLogger("httpcore").setLevel(logging.WARNING)


class ZaloError(Exception):
    """Zalo answered ``ok: false``."""

    def __init__(self, code: int, description: str) -> None:
        super().__init__(f"Zalo error {code}: {description}")
        self.code = code
        self.description = description


class ZaloUnreachable(Exception):
    """No usable answer: a network failure, a timeout, or a proxy's error page."""


@dataclass(frozen=True)
class ZaloBotInfo:
    id: str
    name: str


class ZaloClient:
    def __init__(self, token: str, api_url: str, *, timeout: float = POLL_SECONDS + 10) -> None:
        self._http = httpx.AsyncClient(base_url=f"{api_url}/bot{token}/", timeout=timeout)

    async def get_me(self) -> ZaloBotInfo:
        me = await self.call("getMe")
        return ZaloBotInfo(str(me.get("id", "")), me.get("account_name") or me.get("name", ""))

    async def get_update(self, wait_seconds: int = POLL_SECONDS) -> dict[str, Any] | None:
        """The next update, or None when the long poll ended idle."""
        try:
            return await self.call("getUpdates", timeout=wait_seconds)
        except ZaloError as error:
            if error.code == IDLE:
                return None
            raise

    async def send_message(self, chat_id: str, text: str) -> dict[str, Any]:
        return await self.call("sendMessage", chat_id=chat_id, text=text)

    async def send_photo(self, chat_id: str, photo_url: str, caption: str) -> dict[str, Any]:
        return await self.call("sendPhoto", chat_id=chat_id, photo=photo_url, caption=caption)

    async def set_webhook(self, url: str, secret_token: str) -> None:
        await self.call("setWebhook", url=url, secret_token=secret_token)

    async def delete_webhook(self) -> None:
        await self.call("deleteWebhook")

    async def call(self, method: str, **params: Any) -> Any:
        try:
            response = await self._http.post(method, json=params)
            answer = response.json()
        except (httpx.HTTPError, ValueError) as error:
            # ``from None``: the cause would carry the request, and the request the token.
            raise ZaloUnreachable(f"{method}: {type(error).__name__}") from None
        if not isinstance(answer, dict):
            raise ZaloUnreachable(f"{method}: unexpected answer")
        if not answer.get("ok"):
            code = answer.get("error_code") or response.status_code
            raise ZaloError(int(code), str(answer.get("description", "")))
        return answer.get("result")

    async def fetch(self, url: str) -> bytes:
        """A file a person sent (a photo), from Zalo's CDN: an address without the token."""
        try:
            response = await self._http.get(url)
            response.raise_for_status()
        except httpx.HTTPError as error:
            raise ZaloUnreachable(f"photo: {type(error).__name__}") from None
        return response.content

    async def close(self) -> None:
        await self._http.aclose()
