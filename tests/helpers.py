"""Test helpers: a person chatting with the core, and invite codes issued as the office would."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from itertools import count

from bot.app import CoreApp
from bot.clock import Clock
from bot.db.database import Database
from bot.db.models import Role
from bot.events import Button, Identity, Incoming, Outcome
from bot.services.invites import create_invite

TEST_TOKEN = "123456:TEST-token-abcdefghijklmnopqrstuvwxyz12"
_user_ids = count(1000)


@dataclass
class Person:
    """Someone typing and pressing buttons in one chat, with what the bot last showed them."""

    app: CoreApp
    identity: Identity
    last: Outcome = field(default_factory=Outcome)

    @classmethod
    def new(cls, app: CoreApp, *, language: str = "vi", channel: str = "telegram") -> Person:
        user_id = str(next(_user_ids))
        return cls(app, Identity(channel, user_id, user_id, f"User {user_id}", language))

    async def says(self, text: str) -> Outcome:
        self.last = await self.app.handle(Incoming(self.identity, text=text))
        return self.last

    async def presses(self, payload: str) -> Outcome:
        self.last = await self.app.handle(Incoming(self.identity, payload=payload))
        return self.last

    async def taps(self, label_part: str) -> Outcome:
        """Press the button whose label contains ``label_part`` in the last reply shown."""
        return await self.presses(self.button(label_part).payload)

    def button(self, label_part: str) -> Button:
        buttons = [b for reply in self.last.replies for b in reply.all_buttons()]
        matching = [b for b in buttons if label_part in b.label]
        assert matching, f"no button with {label_part!r} among {[b.label for b in buttons]}"
        return matching[0]

    @property
    def text(self) -> str:
        return "\n".join(reply.text for reply in self.last.replies)


async def issue_code(
    db: Database,
    clock: Clock,
    role: Role,
    unit_code: str | None = None,
    ttl: timedelta = timedelta(days=14),
) -> str:
    """A code as ``thidua invite create`` would print it."""
    async with db.unit_of_work() as session:
        issued = await create_invite(
            session, clock, role=role, unit_code=unit_code, created_by="test", ttl=ttl
        )
    return issued.code
