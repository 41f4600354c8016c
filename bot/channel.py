"""The contract between the core and a chat platform: what every channel implements.

A channel (Telegram, Zalo, the terminal sandbox) is a thin adapter. It turns the platform's
updates into :class:`~bot.events.Incoming` events for :meth:`bot.app.CoreApp.handle` and shows
the :class:`~bot.events.Outcome` it gets back; its :class:`Sender` delivers what the outbox sends
on its own (reminders, notices, broadcasts) and says what the platform answered. A channel uses
this module, the event model (:mod:`bot.events`) and the core's entry points (:mod:`bot.app`),
never the database or the services behind them.
"""

from __future__ import annotations

import asyncio
import enum
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from bot.events import FileRef, Reply

# Where the bot's web server serves a document behind a signed link (bot/services/paperwork).
DOCUMENT_ROUTE = "/documents/{token}"


class Delivery(enum.Enum):
    SENT = "sent"
    RETRY = "retry"  # the platform asked to wait (429) or failed for now (5xx, timeout)
    BLOCKED = "blocked"  # the person blocked the bot (403): stop trying


@dataclass(frozen=True)
class SendResult:
    outcome: Delivery
    retry_after: float | None = None
    error: str | None = None
    # How many parts of a long text are out in all (a retry goes on from there).
    parts_sent: int = 0
    # The platform's id of the (last) message sent, to edit it later.
    message_ref: str | None = None


class Sender(Protocol):
    """A channel's delivery. ``edit`` is called only when ``can_edit``: a channel that cannot
    edit a message it sent (Zalo) gets no live progress, only the report at the end."""

    can_edit: bool

    async def send(self, chat_id: str, reply: Reply, *, from_part: int = 0) -> SendResult: ...

    async def edit(self, chat_id: str, message_ref: str, reply: Reply) -> SendResult: ...


class Background(Protocol):
    """Work that runs while a channel serves (the scheduler, the outbox's worker): started once
    the platform answers, stopped when the channel stops."""

    def start(self) -> None: ...
    def shutdown(self, wait: bool = True) -> None: ...


@runtime_checkable
class Draining(Protocol):
    """Background work with sends in hand (the outbox's worker): the platform's session stays
    open until they are done and recorded."""

    async def drained(self) -> None: ...


class Channel(Protocol):
    """One platform, as the composition root runs it."""

    name: str  # "telegram", "zalo", "sandbox": the channel of its people's identities
    sender: Sender

    async def read_file(self, file: FileRef) -> bytes:
        """The bytes of a file a person sent, fetched again from the platform."""
        ...

    async def serve(self, stop: asyncio.Event, alongside: Sequence[Background] = ()) -> None:
        """Take updates until ``stop`` is set, with ``alongside`` running once the platform
        answers; on leaving, the updates in hand are finished (bounded)."""
        ...


@asynccontextmanager
async def running_alongside(work: Sequence[Background]) -> AsyncIterator[None]:
    """The background work runs for the block; leaving it stops the work and waits for the
    sends in hand, so the channel closes its session only after them."""
    started: list[Background] = []
    try:
        for item in work:
            item.start()
            started.append(item)
        yield
    finally:
        for item in started:
            item.shutdown(wait=False)
        await asyncio.gather(*(item.drained() for item in started if isinstance(item, Draining)))
