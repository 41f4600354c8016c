"""Runs the bot on Zalo: long polling, or a webhook when ``ZALO_WEBHOOK_URL`` is set.

Like the Telegram runner, start-up waits out an unreachable API with backoff instead of
crashing, and a stop lets the updates in hand finish (bounded). The same web server serves the
webhook and the charts Zalo fetches by URL.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import replace
from functools import partial
from typing import Any
from urllib.parse import urlsplit
from weakref import WeakValueDictionary

from aiohttp import web

from bot.app import CoreApp
from bot.channel import Background, running_alongside
from bot.events import FileRef, Incoming, Outcome, Reply
from channels import backoff
from channels.documents import add_document_route, links_enabled
from channels.lifecycle import freeze_start_up_heap
from channels.numbered import pressed
from channels.zalo.adapter import CHANNEL, FILES_ON_ZALO, Kind, read_update, unwrap
from channels.zalo.client import ZaloClient, ZaloError, ZaloUnreachable
from channels.zalo.photos import ROUTE, ChartLinks
from channels.zalo.sender import ZaloOutput, ZaloSender

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Bot-Api-Secret-Token"
SHUTDOWN_GRACE_SECONDS = 8.0
REPLY_ATTEMPTS = 4


class ZaloChannel:
    """The bot on Zalo (see bot.channel.Channel): updates in, answers out, whether they come
    by polling or by the webhook."""

    name = CHANNEL

    def __init__(self, app: CoreApp) -> None:
        settings = app.settings
        client = ZaloClient(settings.require_zalo().get_secret_value(), settings.zalo_api_url)
        charts = ChartLinks(settings.public_url, app.clock) if settings.public_url else None
        self.app = app
        self.output = ZaloOutput(client, app, charts)
        self.sender = ZaloSender(self.output, settings.zalo_messages_per_second)
        self._chat_locks: WeakValueDictionary[str, asyncio.Lock] = WeakValueDictionary()
        app.attach(self)

    async def serve(self, stop: asyncio.Event, alongside: Sequence[Background] = ()) -> None:
        """Serve Zalo until ``stop`` is set."""
        await _serve(self, stop, alongside)

    async def read_file(self, file: FileRef) -> bytes:
        """A photo a person sent, from Zalo's CDN."""
        return await self.output.client.fetch(file.file_ref)

    async def handle(self, body: Any) -> None:
        """Never raises: one bad update must not stop polling or fail the webhook."""
        try:
            await self._handle(body)
        except Exception:
            log.exception("Zalo update failed")

    async def _handle(self, body: Any) -> None:
        update = unwrap(body)
        if update is None:
            log.info("Zalo update without a message ignored")
            return
        read = read_update(update)
        if read.kind is Kind.IGNORED:
            return
        event = read.incoming
        # One update at a time per chat, in the order Zalo gave them: "2" must be read against
        # the options the previous answer showed.
        lock = self._chat_locks.setdefault(event.identity.chat_id, asyncio.Lock())
        async with lock:
            if read.kind is Kind.FILE:
                await self._explain_files(event)
            else:
                await self._converse(event)

    async def _converse(self, event: Incoming) -> None:
        event = await self._with_pressed_option(event)
        outcome = await self.app.handle(event)
        await self._show(event, outcome)
        async for later in self.app.follow_ups(event, outcome):
            await self._show(event, later)

    async def _with_pressed_option(self, event: Incoming) -> Incoming:
        """A typed number stands for the option it was shown against, as a press would."""
        if not (event.text and event.text.strip().isdigit()):
            return event
        shown = await self.app.recall_options(CHANNEL, event.identity.chat_id)
        payload = pressed(event.text, shown)
        return replace(event, text=None, payload=payload) if payload else event

    async def _explain_files(self, event: Incoming) -> None:
        """In the person's language: the core never sees this event, so the channel asks."""
        _ = self.app.translator(await self.app.locale_of(event.identity))
        await self._show(event, Outcome([Reply(_(FILES_ON_ZALO))]))

    async def _show(self, event: Incoming, outcome: Outcome) -> None:
        # A press answered only by a notice ("no longer valid") must still say something here.
        replies = outcome.replies or ([Reply(outcome.notice)] if outcome.notice else [])
        try:
            await self.output.send(event.identity.chat_id, replies, attempts=REPLY_ATTEMPTS)
        except (ZaloError, ZaloUnreachable) as error:
            log.warning("Zalo answer dropped: %s", error)


async def _serve(bot: ZaloChannel, stop: asyncio.Event, alongside: Sequence[Background]) -> None:
    settings = bot.app.settings
    client = bot.output.client
    web_runner = None
    try:
        if not await retry_until_reachable("getMe", client.get_me, stop):
            return
        freeze_start_up_heap()
        async with running_alongside(alongside):
            if settings.zalo_webhook_url or bot.output.charts or links_enabled(bot.app):
                web_runner = await _serve_http(bot)
            if settings.zalo_webhook_url:
                await _await_webhook(bot, stop)
            else:
                await _poll(bot, stop)
    finally:
        if web_runner is not None:
            await web_runner.cleanup()
        await client.close()
        log.info("Zalo stopped")


# Start-up calls wait out an unreachable Zalo.
retry_until_reachable = partial(
    backoff.retry_until_reachable, platform="Zalo", unreachable=(ZaloUnreachable, ZaloError)
)


async def _poll(bot: ZaloChannel, stop: asyncio.Event) -> None:
    client = bot.output.client
    if not await retry_until_reachable("deleteWebhook", client.delete_webhook, stop):
        return
    log.info("Zalo: polling")
    in_hand: set[asyncio.Task] = set()
    delay = 1.0
    while not stop.is_set():
        try:
            update = await _until_stopped(client.get_update(), stop)
        except (ZaloUnreachable, ZaloError) as error:
            log.warning("getUpdates failed (%s); retrying in %.0fs", error, delay)
            await backoff.stopped_within(stop, delay)
            delay = backoff.next_delay(delay)
            continue
        delay = 1.0
        if update is not None:
            task = asyncio.create_task(bot.handle(update))
            in_hand.add(task)
            task.add_done_callback(in_hand.discard)
    await _drain(in_hand)


async def _until_stopped(call: Awaitable[Any], stop: asyncio.Event) -> Any:
    """The call's answer, or None once a stop is asked (the long poll is abandoned)."""
    polling = asyncio.ensure_future(call)
    stopping = asyncio.ensure_future(stop.wait())
    done, _ = await asyncio.wait({polling, stopping}, return_when=asyncio.FIRST_COMPLETED)
    for task in (polling, stopping):
        if task not in done:
            task.cancel()
    return polling.result() if polling in done else None


async def _drain(in_hand: set[asyncio.Task]) -> None:
    if not in_hand:
        return
    _, late = await asyncio.wait(set(in_hand), timeout=SHUTDOWN_GRACE_SECONDS)
    if late:
        log.warning("shutdown: %s Zalo update(s) still in hand; not waiting longer", len(late))


async def _serve_http(bot: ZaloChannel) -> web.AppRunner:
    settings, charts = bot.app.settings, bot.output.charts
    app = web.Application()
    if settings.zalo_webhook_url:
        path = urlsplit(settings.zalo_webhook_url).path or "/"
        secret = settings.zalo_webhook_secret.get_secret_value()
        app.router.add_post(path, webhook_handler(bot, secret))
    if charts is not None:
        app.router.add_get(ROUTE, charts.serve)
    if links_enabled(bot.app):
        add_document_route(app, bot.app)
    runner = web.AppRunner(app)
    await runner.setup()
    host, port = settings.zalo_host_port
    await web.TCPSite(runner, host, port).start()
    log.info("Zalo web server listening on %s:%s", host, port)
    return runner


def webhook_handler(
    bot: ZaloChannel, secret: str
) -> Callable[[web.Request], Awaitable[web.Response]]:
    expected = secret.encode()

    async def receive(request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, expected):
            return web.json_response({"ok": False, "description": "forbidden"}, status=403)
        try:
            body = await request.json()
        except json.JSONDecodeError:
            return web.json_response({"ok": False, "description": "not JSON"}, status=400)
        await bot.handle(body)
        return web.json_response({"ok": True})

    return receive


async def _await_webhook(bot: ZaloChannel, stop: asyncio.Event) -> None:
    settings = bot.app.settings
    secret = settings.zalo_webhook_secret.get_secret_value()
    register = lambda: bot.output.client.set_webhook(settings.zalo_webhook_url, secret)  # noqa: E731
    if await retry_until_reachable("setWebhook", register, stop):
        log.info("Zalo: webhook registered")
        await stop.wait()
