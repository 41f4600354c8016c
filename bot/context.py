"""What a handler knows about the event in hand: who, which role and unit, when, what language.

Who the person is comes in two weights. Every update reads an :class:`Account`: one cheap row
query, enough to authorise and to answer a form step. The ORM objects (person, roles, units)
load only for handlers that change or show them: the router loads them before every route but
the few marked lean, and a lean handler calls :meth:`Context.load` if it turns out to need them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.config import Settings
from bot.db import audit
from bot.db.models import ChannelIdentity, Person, Role, Unit
from bot.events import FileRef, Identity
from bot.i18n import Translator
from bot.services.setup import people
from bot.services.setup.people import Account

# The office reports for the Sở, the unit its grant names.
UNIT_REPORTING = (Role.HEAD, Role.MEMBER, Role.OFFICE)


@dataclass
class Context:
    session: AsyncSession
    clock: Clock
    settings: Settings
    identity: Identity
    account: Account | None
    t: Translator
    # The bytes of a file the person sent, fetched from their platform.
    read_file: Callable[[FileRef], Awaitable[bytes]]
    _loaded: ChannelIdentity | None = field(default=None, repr=False)

    async def load(self) -> None:
        """The person's ORM objects, for what ``person``, ``unit`` and ``channel_identity``
        return; once per update."""
        if self.account is not None and self._loaded is None:
            self._loaded = await people.identity(
                self.session, self.identity.channel, self.identity.user_id
            )

    async def reload(self) -> None:
        """Who the person is now, after this update bound them or gave them a role."""
        channel, user_id = self.identity.channel, self.identity.user_id
        self.account = await people.account(self.session, channel, user_id)
        self._loaded = await people.identity(self.session, channel, user_id)

    @property
    def person_id(self) -> int | None:
        return self.account.person_id if self.account else None

    @property
    def actor(self) -> str:
        """The person as the audit log names who did something."""
        return audit.person_actor(self.account.person_id)

    @property
    def roles(self) -> set[Role]:
        return {grant.role for grant in self.account.grants} if self.account else set()

    def has_any(self, roles: frozenset[Role]) -> bool:
        return bool(self.roles & roles)

    @property
    def unit_id(self) -> int | None:
        """The unit a head or member reports for (the first, if an office gave them several);
        for the office, the Sở."""
        grants = self.account.grants if self.account else ()
        return next((g.unit_id for g in grants if g.role in UNIT_REPORTING), None)

    @property
    def department_id(self) -> int | None:
        """The department a steering person follows the models of."""
        grants = self.account.grants if self.account else ()
        return next((g.department_id for g in grants if g.role is Role.STEERING), None)

    @property
    def channel_identity(self) -> ChannelIdentity | None:
        return self._orm() if self.account else None

    @property
    def person(self) -> Person | None:
        return self._orm().person if self.account else None

    @property
    def unit(self) -> Unit | None:
        unit_id = self.unit_id
        if unit_id is None:
            return None
        return next(grant.unit for grant in self._orm().person.roles if grant.unit_id == unit_id)

    def _orm(self) -> ChannelIdentity:
        if self._loaded is None:
            raise RuntimeError("a lean handler used the person's ORM objects: await ctx.load()")
        return self._loaded
