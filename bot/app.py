"""The core: one event in, an outcome out, inside one database unit of work.

Its methods are the entry points of every channel (see :mod:`bot.channel`): a channel calls
:meth:`CoreApp.handle`, then :meth:`CoreApp.follow_ups`, and for what a platform without
buttons needs, the options a chat was shown; it knows nothing else of the core.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from weakref import WeakValueDictionary

from sqlalchemy.ext.asyncio import AsyncSession

from bot.channel import Channel
from bot.clock import Clock
from bot.config import Settings
from bot.context import Context
from bot.db.database import Database
from bot.db.models import Role
from bot.db.updates import first_delivery
from bot.events import FileRef, Identity, Incoming, Outcome, Reply
from bot.i18n import Translator, normalise_locale
from bot.routing import Handler, Router
from bot.services.messaging import chat_options
from bot.services.paperwork import links
from bot.services.setup import people

log = logging.getLogger(__name__)
FileReader = Callable[[FileRef], Awaitable[bytes]]


class CoreApp:
    def __init__(self, *, db: Database, clock: Clock, settings: Settings, router: Router) -> None:
        self.db = db
        self.clock = clock
        self.settings = settings
        self.router = router
        # Per channel, how to fetch the bytes of a file a person sent (see attach).
        self.file_readers: dict[str, FileReader] = {}
        # One event at a time per chat: a double tap must not race itself. (Across replicas,
        # the database constraints and version checks do the same job.)
        self._chat_locks: WeakValueDictionary[tuple[str, str], asyncio.Lock] = WeakValueDictionary()

    def attach(self, channel: Channel) -> None:
        """A channel made for this core: files its people send are read through it."""
        self.file_readers[channel.name] = channel.read_file

    async def handle(self, event: Incoming) -> Outcome:
        key = (event.identity.channel, event.identity.chat_id)
        lock = self._chat_locks.setdefault(key, asyncio.Lock())
        async with lock:
            return await self._run(event, self.router.dispatch, first=True)

    async def follow_ups(self, event: Incoming, outcome: Outcome) -> AsyncIterator[Outcome]:
        """The outcomes of the slow work an outcome left to do, each in its own unit of work;
        the channel shows the first outcome before asking for these."""
        while outcome.then is not None:
            outcome = await self._run(event, outcome.then, first=False)
            yield outcome

    async def _run(self, event: Incoming, handler: Handler, *, first: bool) -> Outcome:
        # Follow-ups only read (see Outcome.then): they must not hold SQLite's one writer for
        # the seconds an export takes.
        scope = self.db.unit_of_work() if first else self.db.reading()
        try:
            async with scope as session:
                if first and not await self._first_delivery(session, event):
                    return Outcome()
                ctx = await self._context(session, event)
                if not first:  # the router loads what a route needs; a follow-up gets it all
                    await ctx.load()
                return await handler(event, ctx)
        except Exception:
            # The unit of work rolled back, so nothing half-done was kept; what the person
            # entered before this event is untouched. Tell them, and keep serving others.
            log.exception("update from %s failed", event.identity.channel)
            return self.failure(event.identity)

    async def _first_delivery(self, session: AsyncSession, event: Incoming) -> bool:
        channel, now = event.identity.channel, self.clock.now()
        return await first_delivery(session, channel, event.update_id, now)

    async def _context(self, session: AsyncSession, event: Incoming) -> Context:
        account = await people.account(session, event.identity.channel, event.identity.user_id)
        locale = account.locale if account else self.guess_locale(event.identity)
        return Context(
            session=session,
            clock=self.clock,
            settings=self.settings,
            identity=event.identity,
            account=account,
            t=self.translator(locale),
            read_file=self.read_file,
        )

    async def read_file(self, file: FileRef) -> bytes:
        return await self.file_readers[file.channel](file)

    async def linked_document(self, token: str) -> links.Opened | None:
        """The document a signed link names (see bot/services/paperwork/links.py); None when
        the deployment has no DOCUMENT_LINK_SECRET."""
        secret = self.settings.document_link_secret
        if secret is None:
            return None
        key = secret.get_secret_value().encode()
        async with self.db.reading() as session:
            return await links.opened(session, key, token, self.clock.now())

    async def locale_of(self, identity: Identity) -> str:
        """The language to answer someone in outside an update the core handles."""
        async with self.db.reading() as session:
            chosen = await people.locale_of(session, identity.channel, identity.user_id)
        return chosen or self.guess_locale(identity)

    async def remember_options(self, channel: str, chat_id: str, payloads: list[str]) -> None:
        """What typing 1, 2, ... presses in a chat without buttons, until the next options."""
        async with self.db.unit_of_work() as session:
            await chat_options.remember(session, channel, chat_id, payloads, self.clock.now())

    async def recall_options(self, channel: str, chat_id: str) -> list[str]:
        async with self.db.reading() as session:
            return await chat_options.recall(session, channel, chat_id)

    def command_menu(self, locale: str) -> list[tuple[str, str]]:
        """The commands a unit head may use, described in ``locale``; a platform publishes
        them beside the text box (office tools stay unlisted)."""
        _ = self.translator(locale)
        return [
            (command.name, _(command.description))
            for command in self.router.published
            if command.allowed is None or Role.HEAD in command.allowed
        ]

    def translator(self, locale: str) -> Translator:
        return Translator(locale, self.settings.zone)

    def guess_locale(self, identity: Identity) -> str:
        return normalise_locale(identity.language_code, self.settings.default_locale)

    def failure(self, identity: Identity) -> Outcome:
        _ = self.translator(self.guess_locale(identity))
        text = _(
            "Sorry, something went wrong on our side. Nothing you entered before was lost; "
            "please try again in a moment."
        )
        return Outcome(replies=[Reply(text)], notice=_("Please try again"))
