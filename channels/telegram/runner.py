"""Runs the bot on Telegram: long polling, or a webhook when ``WEBHOOK_URL`` is set.

Start-up waits out an unreachable Bot API with backoff instead of crashing; SIGTERM stops taking
new updates, lets the ones in hand finish (bounded), then closes the session.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from contextlib import suppress
from functools import partial
from urllib.parse import urlsplit

from aiogram import Bot, Dispatcher, Router
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import (
    ClientDecodeError,
    TelegramAPIError,
    TelegramBadRequest,
    TelegramNetworkError,
    TelegramServerError,
)
from aiogram.methods import (
    AnswerCallbackQuery,
    DeleteWebhook,
    GetMe,
    GetUpdates,
    SendMessage,
    SetMyCommands,
    SetWebhook,
)
from aiogram.methods.base import Response
from aiogram.types import BotCommand, CallbackQuery, Message, Update
from aiogram.webhook.aiohttp_server import SimpleRequestHandler, setup_application
from aiohttp import web

from bot.app import CoreApp
from bot.channel import Background, running_alongside
from bot.config import Settings, SettingsError
from bot.events import FileRef, Incoming, Outcome
from channels import backoff
from channels.lifecycle import freeze_start_up_heap, stop_on_signals
from channels.telegram.adapter import (
    CHANNEL,
    deliver,
    download,
    incoming_from_callback,
    incoming_from_message,
    notice_text,
)
from channels.telegram.commands import published_commands
from channels.telegram.sender import TelegramSender

log = logging.getLogger(__name__)

# aiogram parses every answer as pydantic's Response[T]; pydantic keeps those generic classes
# only weakly, so garbage collection drops them and each request rebuilds one (milliseconds).
# Holding the ones the bot uses keeps them built.
PINNED_RESPONSE_TYPES = [
    Response[method.__returning__]
    for method in (
        GetMe,
        GetUpdates,
        SendMessage,
        AnswerCallbackQuery,
        DeleteWebhook,
        SetWebhook,
        SetMyCommands,
    )
]
SHUTDOWN_GRACE_SECONDS = 8.0  # SIGTERM to exit must stay under 10 s


class InFlight:
    """An aiogram outer middleware counting updates in hand, so shutdown can wait for them."""

    def __init__(self) -> None:
        self._count = 0
        self._idle = asyncio.Event()
        self._idle.set()

    async def __call__(self, handler: Callable, event: object, data: dict) -> object:
        self._count += 1
        self._idle.clear()
        try:
            return await handler(event, data)
        finally:
            self._count -= 1
            if self._count == 0:
                self._idle.set()

    async def drain(self) -> None:
        try:
            async with asyncio.timeout(SHUTDOWN_GRACE_SECONDS):
                await self._idle.wait()
        except TimeoutError:
            log.warning("shutdown: %s update(s) still in hand; not waiting longer", self._count)


def make_bot(settings: Settings) -> Bot:
    session = AiohttpSession(api=TelegramAPIServer.from_base(settings.telegram_api_url))
    # No parse mode: the core's replies are plain text, so Telegram takes them literally and
    # there is no markup to escape, or to get wrong.
    return Bot(token=settings.require_telegram().get_secret_value(), session=session)


async def _deliver_follow_ups(
    app: CoreApp, bot: Bot, chat_id: int, event: Incoming, outcome: Outcome
) -> None:
    async for later in app.follow_ups(event, outcome):
        await deliver(bot, chat_id, later)


def make_dispatcher(app: CoreApp, inflight: InFlight) -> Dispatcher:
    router = Router(name="core")

    @router.message()
    async def on_message(message: Message, bot: Bot, event_update: Update) -> None:
        event = incoming_from_message(message, event_update.update_id)
        outcome = await app.handle(event)
        await deliver(bot, message.chat.id, outcome)
        await _deliver_follow_ups(app, bot, message.chat.id, event, outcome)

    @router.callback_query()
    async def on_button(query: CallbackQuery, bot: Bot, event_update: Update) -> None:
        notice, outcome = None, Outcome()
        event = incoming_from_callback(query, event_update.update_id)
        chat_id = query.message.chat.id if query.message else query.from_user.id
        try:
            outcome = await app.handle(event)
            notice = notice_text(outcome)
            await deliver(bot, chat_id, outcome)
        finally:
            # Every press gets an answer, or the button keeps spinning on the person's phone.
            await _answer(query, notice)
        await _deliver_follow_ups(app, bot, chat_id, event, outcome)

    # No aiogram FSM: conversation state lives in the database (drafts), owned by the core.
    dispatcher = Dispatcher(disable_fsm=True)
    dispatcher.include_router(router)
    dispatcher.update.outer_middleware(inflight)
    return dispatcher


async def _answer(query: CallbackQuery, notice: str | None) -> None:
    try:
        await query.answer(notice)
    except TelegramAPIError as error:
        log.info("could not answer a button press: %s", error)


# Start-up calls wait out an unreachable Telegram. A proxy's HTML error page (Telegram's own
# 502) reaches aiogram as a decode error.
retry_until_reachable = partial(
    backoff.retry_until_reachable,
    platform="Telegram",
    unreachable=(TelegramNetworkError, TelegramServerError, ClientDecodeError, OSError),
)


class TelegramChannel:
    """The bot on Telegram (see bot.channel.Channel)."""

    name = CHANNEL

    def __init__(self, app: CoreApp, bot: Bot | None = None) -> None:
        self.app = app
        self.bot = bot or make_bot(app.settings)
        self.sender = TelegramSender(self.bot)
        app.attach(self)

    async def read_file(self, file: FileRef) -> bytes:
        return await download(self.bot, file)

    async def serve(
        self, stop: asyncio.Event | None = None, alongside: Sequence[Background] = ()
    ) -> None:
        """Serve until ``stop`` is set (by default: until SIGTERM or SIGINT)."""
        app, bot, inflight = self.app, self.bot, InFlight()
        dispatcher = make_dispatcher(app, inflight)
        stop = stop or stop_on_signals()
        publishing = None
        try:
            if not await retry_until_reachable("getMe", bot.me, stop):
                return
            freeze_start_up_heap()
            async with running_alongside(alongside):
                # The command menu is cosmetic: publish it beside serving, not before it.
                publishing = asyncio.create_task(_publish_commands(bot, app, stop))
                if app.settings.webhook_url:
                    await _serve_webhook(bot, dispatcher, app.settings, stop)
                else:
                    await _poll(bot, dispatcher, stop)
                await inflight.drain()
        finally:
            if publishing is not None:
                publishing.cancel()
            await bot.session.close()
            log.info("stopped")


async def _publish_commands(bot: Bot, app: CoreApp, stop: asyncio.Event) -> None:
    for language, items in published_commands(app).items():
        menu = [BotCommand(command=name, description=text) for name, text in items]
        publish = lambda m=menu, lang=language: bot.set_my_commands(m, language_code=lang)  # noqa: E731
        await retry_until_reachable("setMyCommands", publish, stop)


async def _poll(bot: Bot, dispatcher: Dispatcher, stop: asyncio.Event) -> None:
    if not await retry_until_reachable("deleteWebhook", bot.delete_webhook, stop):
        return
    me = await bot.me()
    log.info("polling as @%s", me.username)
    polling = asyncio.create_task(
        dispatcher.start_polling(bot, handle_signals=False, close_bot_session=False)
    )
    await stop.wait()
    try:
        await dispatcher.stop_polling()
    except RuntimeError:  # the stop came before polling had started
        polling.cancel()
    with suppress(asyncio.CancelledError):
        await polling


async def _serve_webhook(
    bot: Bot, dispatcher: Dispatcher, settings: Settings, stop: asyncio.Event
) -> None:
    path = urlsplit(settings.webhook_url).path or "/"
    secret = settings.webhook_secret.get_secret_value()
    app = web.Application()
    SimpleRequestHandler(dispatcher=dispatcher, bot=bot, secret_token=secret).register(
        app, path=path
    )
    setup_application(app, dispatcher, bot=bot)
    runner = web.AppRunner(app)
    await runner.setup()
    host, port = settings.listen_host_port
    await web.TCPSite(runner, host, port).start()
    register = lambda: bot.set_webhook(settings.webhook_url, secret_token=secret)  # noqa: E731
    try:
        registered = await retry_until_reachable("setWebhook", register, stop)
    except TelegramBadRequest as error:
        await runner.cleanup()
        message = f"Invalid setting WEBHOOK_URL: Telegram refused it ({error.message})"
        raise SettingsError(message) from None
    if registered:
        log.info("webhook listening on %s:%s%s", host, port, path)
        await stop.wait()
    await runner.cleanup()
