"""Charts for Zalo: ``sendPhoto`` takes only a URL, so the bot serves its PNGs itself.

A chart is kept in this process's memory for ten minutes under a random id, behind a URL signed
with HMAC: Zalo fetches it within seconds, and nobody can guess or extend an address. The key is
drawn at start-up rather than configured: the pictures live in this process only, so a key that
outlived them would protect nothing.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from aiohttp import web

from bot.clock import Clock

LIFETIME_SECONDS = 600
ROUTE = "/zalo/charts/{token}"


class ChartLinks:
    def __init__(self, public_url: str, clock: Clock) -> None:
        self._base = public_url.rstrip("/")
        self._key = secrets.token_bytes(32)
        self._clock = clock
        self._pictures: dict[str, tuple[float, bytes]] = {}

    def url_for(self, png: bytes) -> str:
        self._forget_expired()
        picture_id = secrets.token_urlsafe(12)
        expires = int(self._now()) + LIFETIME_SECONDS
        self._pictures[picture_id] = (expires, png)
        return f"{self._base}/zalo/charts/{picture_id}.{expires}.{self._sign(picture_id, expires)}"

    def picture(self, token: str) -> bytes | None:
        picture_id, _, rest = token.partition(".")
        expires, _, signature = rest.partition(".")
        if not expires.isdigit() or not hmac.compare_digest(
            signature, self._sign(picture_id, int(expires))
        ):
            return None
        if int(expires) < self._now():
            return None
        kept = self._pictures.get(picture_id)
        return kept[1] if kept else None

    async def serve(self, request: web.Request) -> web.Response:
        png = self.picture(request.match_info["token"])
        if png is None:
            raise web.HTTPNotFound()
        return web.Response(body=png, content_type="image/png")

    def _sign(self, picture_id: str, expires: int) -> str:
        message = f"{picture_id}.{expires}".encode()
        return hmac.new(self._key, message, hashlib.sha256).hexdigest()[:32]

    def _now(self) -> float:
        return self._clock.now().timestamp()

    def _forget_expired(self) -> None:
        now = self._now()
        for picture_id in [key for key, (expires, _) in self._pictures.items() if expires < now]:
            del self._pictures[picture_id]
