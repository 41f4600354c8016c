"""The core: one event in, an outcome out, inside one database unit of work.

Channels call :meth:`CoreApp.handle` and know nothing else of the core.
"""

from __future__ import annotations

import asyncio
import logging
from weakref import WeakValueDictionary

from bot.clock import Clock
from bot.config import Settings
from bot.context import Context
from bot.db.database import Database
from bot.db.repositories import PeopleRepository
from bot.events import Identity, Incoming, Outcome, Reply
from bot.i18n import Translator, normalise_locale
from bot.routing import Router
from bot.services.updates import first_delivery

log = logging.getLogger(__name__)


class CoreApp:
    def __init__(self, *, db: Database, clock: Clock, settings: Settings, router: Router) -> None:
        self.db = db
        self.clock = clock
        self.settings = settings
        self.router = router
        # One event at a time per chat: a double tap must not race itself. (Across replicas,
        # the database constraints and version checks do the same job.)
        self._chat_locks: WeakValueDictionary[tuple[str, str], asyncio.Lock] = WeakValueDictionary()

    async def handle(self, event: Incoming) -> Outcome:
        key = (event.identity.channel, event.identity.chat_id)
        lock = self._chat_locks.setdefault(key, asyncio.Lock())
        async with lock:
            return await self._handle(event)

    async def _handle(self, event: Incoming) -> Outcome:
        try:
            async with self.db.unit_of_work() as session:
                if not await first_delivery(session, event, self.clock.now()):
                    return Outcome()
                account = await PeopleRepository(session).identity(
                    event.identity.channel, event.identity.user_id
                )
                locale = account.person.locale if account else self.guess_locale(event.identity)
                ctx = Context(
                    session=session,
                    clock=self.clock,
                    settings=self.settings,
                    identity=event.identity,
                    account=account,
                    t=self.translator(locale),
                )
                return await self.router.dispatch(event, ctx)
        except Exception:
            # The unit of work rolled back, so nothing half-done was kept; what the person
            # entered before this event is untouched. Tell them, and keep serving others.
            log.exception("update from %s failed", event.identity.channel)
            return self.failure(event.identity)

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
