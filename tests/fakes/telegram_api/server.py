"""FakeTelegramAPI: the fake served over HTTP on 127.0.0.1, and the faults a test can inject.

A request goes through what the Bot API does before any method runs (the token, the method's
name, which is case-insensitive), then through the fake's refusal of what it does not model,
then through the faults the test arranged (a failure queued by fail_next, a send held at the
gate of hold_sends_after), and only then to the method (methods/). The platform being down is
simulated at the connection: no answer at all, or nginx's HTML 502 page.

Benchmarks subclass FakeTelegramAPI and override `_handle_api_request` (benchmarks/startup.py,
to stamp the first poll) and `_raise_injected_failure` (benchmarks/broadcast.py, to fail sends
at random): those two keep their names and signatures.
"""

from __future__ import annotations

import asyncio
from collections import deque
from typing import Any, Literal

from aiohttp import web

from .errors import (
    DEFAULT_FAILURE_DESCRIPTIONS,
    NGINX_BAD_GATEWAY,
    TelegramApiError,
    method_not_implemented,
)
from .limits import MAX_UPLOAD_BYTES, RATE_LIMITED_METHODS
from .methods import METHODS, Handler
from .users import SimulatedUsers
from .validation import Call, read_call, refuse_unmodelled


class FakeTelegramAPI(SimulatedUsers):
    """The Bot API on 127.0.0.1, plus helpers for a test to play the users.

    Use ``await fake.start()`` (or ``async with fake``) and point aiogram at the returned
    base URL with ``AiohttpSession(api=TelegramAPIServer.from_base(base_url))``.
    """

    def __init__(
        self,
        *,
        bot_token: str = "123456:TEST-token-abcdefghijklmnopqrstuvwxyz12",
        bot_username: str = "thidua_test_bot",
        global_rate_per_s: float | None = None,
        per_chat_rate_per_s: float | None = None,
    ) -> None:
        super().__init__(
            bot_token=bot_token,
            bot_username=bot_username,
            global_rate_per_s=global_rate_per_s,
            per_chat_rate_per_s=per_chat_rate_per_s,
        )
        self.base_url: str | None = None
        self.throttled_count = 0  # every 429 answered, from the rate limits or fail_next()
        self._calls: list[Call] = []
        self._injected_failures: dict[str, deque[TelegramApiError]] = {}
        self._let_through: int | None = None  # sends admitted before the gate closes
        self._gate = asyncio.Event()
        self.held = 0  # sends waiting at the closed gate right now
        self._unreachable_mode: Literal["disconnect", "bad_gateway"] | None = None
        self._runner: web.AppRunner | None = None
        # Method names are case-insensitive in the Bot API.
        self._methods: dict[str, tuple[str, Handler]] = {
            name.lower(): (name, handler) for name, handler in METHODS.items()
        }

    # ----------------------------------------------------------------- lifecycle

    async def start(self) -> str:
        """Serve on 127.0.0.1 at a free port; returns the base URL for aiogram."""
        app = web.Application(client_max_size=MAX_UPLOAD_BYTES + 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_api_request)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_file_download)
        # handler_cancellation: a long poll whose client went away (aiogram cancels its
        # request when polling stops) must not linger and hold the getUpdates slot.
        self._runner = web.AppRunner(
            app, handler_cancellation=True, access_log=None, shutdown_timeout=1.0
        )
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        port = self._runner.addresses[0][1]
        self.base_url = f"http://127.0.0.1:{port}"
        return self.base_url

    async def stop(self) -> None:
        self._stopping = True
        self._updates_changed.notify()  # release long polls at once
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeTelegramAPI:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    # ----------------------------------------------------------------- what the bot asked

    @property
    def calls(self) -> list[tuple[str, dict[str, Any]]]:
        """Every request, as (method, decoded parameters). Decoded when asked for, not on each
        request: most tests never ask, and a benchmark makes tens of thousands."""
        return [(call.method, call.decoded()) for call in self._calls]

    @property
    def long_polling(self) -> bool:
        """Whether a getUpdates long poll is waiting right now."""
        return self._long_poll is not None

    # ----------------------------------------------------------------- fault injection

    def fail_next(
        self,
        method: str,
        status: int,
        *,
        retry_after: int | None = None,
        description: str | None = None,
    ) -> None:
        """Make the next call of `method` fail; calls queue up failures in order."""
        if status == 429:
            retry_after = retry_after or 1  # Telegram's 429 always carries retry_after
            description = description or f"Too Many Requests: retry after {retry_after}"
        description = description or DEFAULT_FAILURE_DESCRIPTIONS.get(status, "Error")
        failure = TelegramApiError(status, description, retry_after=retry_after)
        self._injected_failures.setdefault(method.lower(), deque()).append(failure)

    def hold_sends_after(self, count: int) -> None:
        """Let ``count`` more sends through, then keep every further one waiting, as a request
        Telegram has not answered yet, until ``release_sends()``. A held request whose client
        went away meanwhile (a killed bot) is dropped, never delivered."""
        self._let_through = count
        self._gate.clear()

    def release_sends(self) -> None:
        self._let_through = None
        self._gate.set()

    def set_unreachable(
        self, flag: bool, *, mode: Literal["disconnect", "bad_gateway"] = "disconnect"
    ) -> None:
        """While set, the platform is down. "disconnect" closes each connection without an
        answer (aiogram raises TelegramNetworkError); "bad_gateway" answers nginx's HTML
        502 page, as Telegram does when its backend is down (aiogram cannot decode it and
        raises ClientDecodeError, not TelegramServerError)."""
        self._unreachable_mode = mode if flag else None

    # ----------------------------------------------------------------- HTTP plumbing

    async def _handle_api_request(self, request: web.Request) -> web.StreamResponse:
        if self._unreachable_mode is not None:
            return self._refuse(request)
        requested = request.match_info["method"]
        method, handler = self._methods.get(requested.lower(), (requested, None))
        try:
            call = await read_call(request, method)
            self._calls.append(call)
            self._authorize(request.match_info["token"])
            if handler is None:
                raise method_not_implemented(requested)
            refuse_unmodelled(call)
            self._raise_injected_failure(method)
            await self._pass_gate(method)
            result = await handler(self, call)
        except TelegramApiError as error:
            if error.status == 429:
                self.throttled_count += 1
            return error.to_response()
        return web.json_response({"ok": True, "result": result})

    async def _handle_file_download(self, request: web.Request) -> web.StreamResponse:
        if self._unreachable_mode is not None:
            return self._refuse(request)
        path = request.match_info["path"]
        stored = next((f for f in self._files.values() if f.file_path == path), None)
        if request.match_info["token"] != self.bot_token or stored is None:
            return TelegramApiError(404, "Not Found").to_response()
        return web.Response(body=stored.body(), content_type="application/octet-stream")

    def _refuse(self, request: web.Request) -> web.Response:
        if self._unreachable_mode == "bad_gateway":
            return web.Response(status=502, text=NGINX_BAD_GATEWAY, content_type="text/html")
        if request.transport is not None:
            request.transport.close()  # the client sees the server disconnect mid-request
        return web.Response(status=502)  # never reaches the client

    def _authorize(self, token: str) -> None:
        if token != self.bot_token:
            raise TelegramApiError(401, "Unauthorized")

    async def _pass_gate(self, method: str) -> None:
        if self._let_through is None or method not in RATE_LIMITED_METHODS:
            return
        if self._let_through > 0:
            self._let_through -= 1
            return
        self.held += 1
        try:
            await self._gate.wait()
        finally:
            self.held -= 1

    def _raise_injected_failure(self, method: str) -> None:
        failures = self._injected_failures.get(method.lower())
        if failures:
            raise failures.popleft()
