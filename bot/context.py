"""What a handler knows about the event in hand: who, which role and unit, when, what language."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.config import Settings
from bot.db.models import ChannelIdentity, Person, Role, RoleGrant, Unit
from bot.events import FileRef, Identity
from bot.i18n import Translator


@dataclass
class Context:
    session: AsyncSession
    clock: Clock
    settings: Settings
    identity: Identity
    account: ChannelIdentity | None
    t: Translator
    # The bytes of a file the person sent, fetched from their platform.
    read_file: Callable[[FileRef], Awaitable[bytes]]

    @property
    def person(self) -> Person | None:
        return self.account.person if self.account else None

    @property
    def roles(self) -> set[Role]:
        return {grant.role for grant in self._grants}

    def has_any(self, roles: frozenset[Role]) -> bool:
        return bool(self.roles & roles)

    @property
    def unit(self) -> Unit | None:
        """The unit a head or member reports for (the first, if an office gave them several)."""
        for grant in self._grants:
            if grant.role in (Role.HEAD, Role.MEMBER):
                return grant.unit
        return None

    @property
    def _grants(self) -> list[RoleGrant]:
        return sorted(self.person.roles, key=lambda g: g.id) if self.person else []
