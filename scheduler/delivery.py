"""The outbox's sender: one per deployment (elected), several messages in flight, each paced by
its channel's sender; it also shows the office how a broadcast is going, edited in place.

Started beside the bot by ``thidua run``; the sandbox and the tests send with ``deliver_due``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from zoneinfo import ZoneInfo

from bot.channel import Delivery, Sender, SendResult
from bot.clock import Clock
from bot.db.database import Database
from bot.events import Reply
from bot.services.messaging import broadcast
from bot.services.messaging.outbox import claim, deliver_claimed, release_claimed
from scheduler.leadership import SenderElection

log = logging.getLogger(__name__)

# Messages in flight at once: enough that a chat's one-second spacing or a slow answer never
# leaves the bot's 30 a second unused.
IN_FLIGHT = 8
IDLE_SECONDS = 0.5
PROGRESS_EVERY_SECONDS = 2.0
ELECTION_EVERY_SECONDS = 5.0
STOP_GRACE_SECONDS = 8.0


class DeliveryWorker:
    def __init__(
        self,
        db: Database,
        senders: dict[str, Sender],
        clock: Clock,
        zone: ZoneInfo,
        *,
        in_flight: int = IN_FLIGHT,
    ) -> None:
        self.db = db
        self.senders = senders
        self.clock = clock
        self.zone = zone
        self.in_flight = in_flight
        self.election = SenderElection(db)
        self._stop = asyncio.Event()
        self._task: asyncio.Task | None = None
        self.follower = BroadcastFollower(db, senders, clock, zone)

    def start(self) -> None:
        self._task = asyncio.create_task(self.run())

    def shutdown(self, wait: bool = True) -> None:
        """Stop claiming; what is in hand is sent and recorded (see ``drained``)."""
        self._stop.set()

    async def drained(self) -> None:
        if self._task is not None:
            try:
                async with asyncio.timeout(STOP_GRACE_SECONDS):
                    await self._task
            except TimeoutError:
                log.warning("outbox: messages still in hand at shutdown; they will be resent")

    async def run(self) -> None:
        try:
            while not self._stop.is_set():
                if await self._elected():
                    await self._serve()
                else:
                    await self._pause(ELECTION_EVERY_SECONDS)
        finally:
            await self.election.resign()

    async def _elected(self) -> bool:
        try:
            return await self.election.win()
        except Exception:
            log.exception("outbox: could not take part in the sender election")
            return False

    async def _serve(self) -> None:
        async with self.db.unit_of_work() as session:
            released = await release_claimed(session, self.clock.now())
        log.info("outbox: this process sends")
        if released:
            log.warning("outbox: %s message(s) were in flight at a crash; sending again", released)
        # Set when this process stops sending: asked to stop, or its lock went with its connection.
        over = asyncio.Event()
        carriers = [self._carry(over) for _ in range(self.in_flight)]
        await asyncio.gather(*carriers, self._follow_broadcasts(over))

    async def _carry(self, over: asyncio.Event) -> None:
        while not (self._stop.is_set() or over.is_set()):
            try:
                claimed = await claim(self.db, self.senders, self.clock)
                if claimed is None:
                    await self._pause(IDLE_SECONDS)
                    continue
                await deliver_claimed(self.db, claimed, self.senders, self.clock)
            except Exception:
                log.exception("outbox: delivery failed; trying again shortly")
                await self._pause(IDLE_SECONDS)

    async def _follow_broadcasts(self, over: asyncio.Event) -> None:
        while not self._stop.is_set():
            try:
                await self.follower.show_progress()
            except Exception:
                log.exception("outbox: could not show a broadcast's progress")
            await self._pause(PROGRESS_EVERY_SECONDS)
            if not await self.election.holds():
                break
        over.set()

    async def _pause(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stop.wait(), seconds)


class BroadcastFollower:
    """Shows each broadcast's author how it is going, and reports when it is done."""

    def __init__(
        self, db: Database, senders: dict[str, Sender], clock: Clock, zone: ZoneInfo
    ) -> None:
        self.db = db
        self.senders = senders
        self.clock = clock
        self.zone = zone
        self._shown: dict[int, str] = {}  # the progress line each broadcast's message shows

    async def show_progress(self) -> None:
        """Each broadcast under way: its author's progress message, then, once every message
        is sent or given up, the final report."""
        async with self.db.reading() as session:
            under_way = await broadcast.progress(session, self.zone)
        for progress in under_way:
            sender = self.senders.get(progress.channel)
            if sender is not None and sender.can_edit:
                await self._show(progress, sender)
            if progress.finished:
                async with self.db.unit_of_work() as session:
                    await broadcast.finish(
                        session, progress.broadcast_id, self.clock.now(), self.zone
                    )
                self._shown.pop(progress.broadcast_id, None)

    async def _show(self, progress: broadcast.Progress, sender: Sender) -> None:
        line = Reply(progress.text)
        if progress.message_ref is None:
            result = await sender.send(progress.chat_id, line)
            if result.outcome is Delivery.SENT and result.message_ref:
                async with self.db.unit_of_work() as session:
                    await broadcast.remember_progress_message(
                        session, progress.broadcast_id, result.message_ref
                    )
        elif self._shown.get(progress.broadcast_id) != progress.text:
            result = await sender.edit(progress.chat_id, progress.message_ref, line)
        else:
            result = SendResult(Delivery.SENT)
        if result.outcome is Delivery.SENT:
            self._shown[progress.broadcast_id] = progress.text
