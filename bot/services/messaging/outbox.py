"""The persistent outbox: messages the bot sends on its own (reminders, digests, broadcasts).

A message is written once under a unique key, then claimed, sent and recorded (:func:`claim`,
:func:`deliver_claimed`; :func:`deliver_due` does both for what is due now): a crash loses
nothing, and a message recorded as sent is never sent again. Each channel supplies a
:class:`bot.channel.Sender` that paces itself to its platform's limits and reports what the
platform said.

Exactly once, and where it cannot be: a message is marked sent in the transaction right after
the platform's answer. A process killed between the platform accepting a message and that
commit (the length of one request and one small transaction, per message in flight) leaves the
row claimed but not recorded; the next elected sender sends it again (:func:`release_claimed`).
No platform API lets a bot ask "did this arrive?", so that window is at least once, on purpose:
an announcement lost is worse than one doubled. A kill at any other moment doubles nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from bot.channel import Delivery, Sender, SendResult
from bot.clock import Clock
from bot.db.database import Database, insert_for
from bot.db.models import ChannelIdentity, OutboxMessage, OutboxStatus
from bot.events import Reply

log = logging.getLogger(__name__)

# 1 s, 2 s, 4 s ... : about half an hour of a platform outage before a message is given up.
MAX_ATTEMPTS = 12
FIRST_RETRY = timedelta(seconds=1)
LONGEST_RETRY = timedelta(hours=1)
# While one worker sends a message, others leave it alone. A sender elected after a crash
# takes back at once what the dead one held (release_claimed); the lease is for the rest.
SEND_LEASE = timedelta(minutes=5)


@dataclass(frozen=True)
class Claimed:
    """A message a worker holds, as plain values: it is sent outside any transaction."""

    id: int
    channel: str
    chat_id: str
    reachable: bool
    reply: Reply
    parts_sent: int


@dataclass
class DeliveryReport:
    sent: int = 0
    retried: int = 0
    blocked: int = 0
    failed: int = 0

    def count(self, outcome: str) -> None:
        setattr(self, outcome, getattr(self, outcome) + 1)


async def enqueue(
    session: AsyncSession,
    messages: Iterable[tuple[str, int, dict[str, Any]]],
    now: datetime,
    *,
    broadcast_id: int | None = None,
) -> int:
    """Add (key, identity id, payload) messages; a key already there is skipped. Returns how
    many were new."""
    rows = [
        {
            "dedupe_key": key,
            "identity_id": identity_id,
            "payload": payload,
            "status": OutboxStatus.PENDING,
            "attempts": 0,
            "parts_sent": 0,
            "next_attempt_at": now,
            "created_at": now,
            "broadcast_id": broadcast_id,
        }
        for key, identity_id, payload in messages
    ]
    if not rows:
        return 0
    insert = insert_for(session)(OutboxMessage)
    # RETURNING lists only the rows actually inserted: the ones whose key was new.
    added = await session.scalars(
        insert.on_conflict_do_nothing(index_elements=["dedupe_key"]).returning(OutboxMessage.id),
        rows,
    )
    return len(added.all())


async def deliver_due(
    db: Database, senders: dict[str, Sender], clock: Clock, *, limit: int = 100
) -> DeliveryReport:
    """Send what is due now, one message after another (the sandbox, the tests); the running
    bot's worker does the same with several messages in flight."""
    report = DeliveryReport()
    for _ in range(limit):
        claimed = await claim(db, senders, clock)
        if claimed is None:
            break
        report.count(await deliver_claimed(db, claimed, senders, clock))
    return report


async def claim(db: Database, channels: Iterable[str], clock: Clock) -> Claimed | None:
    """The next message due on one of ``channels``, leased to the caller in one short
    transaction: a network call must not hold the database."""
    async with db.unit_of_work() as session:
        message = await _claim_next(session, clock.now(), list(channels))
        if message is None:
            return None
        message.next_attempt_at = clock.now() + SEND_LEASE
        message.claimed_at = clock.now()
        return Claimed(
            id=message.id,
            channel=message.identity.channel,
            chat_id=message.identity.chat_id,
            reachable=message.identity.unreachable_since is None,
            reply=Reply.from_dict(message.payload),
            parts_sent=message.parts_sent,
        )


async def deliver_claimed(
    db: Database, claimed: Claimed, senders: dict[str, Sender], clock: Clock
) -> str:
    """Send a claimed message and record what the platform said; returns the report's
    counter for it (``sent``, ``retried``, ``blocked``, ``failed``)."""
    result = None
    if claimed.reachable:
        sender = senders[claimed.channel]
        result = await sender.send(claimed.chat_id, claimed.reply, from_part=claimed.parts_sent)
    async with db.unit_of_work() as session:
        message = await session.get(
            OutboxMessage, claimed.id, options=[joinedload(OutboxMessage.identity)]
        )
        return _record(message, result, clock.now())


async def release_claimed(session: AsyncSession, now: datetime) -> int:
    """Messages a sender that died was holding: due again now. Only the elected sender may
    call this, when it takes over (no other sender is alive to be holding them)."""
    result = await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.claimed_at.is_not(None))
        .values(claimed_at=None, next_attempt_at=now)
    )
    return result.rowcount


async def _claim_next(
    session: AsyncSession, now: datetime, channels: list[str]
) -> OutboxMessage | None:
    query = (
        select(OutboxMessage)
        .join(ChannelIdentity, ChannelIdentity.id == OutboxMessage.identity_id)
        .where(
            OutboxMessage.status == OutboxStatus.PENDING,
            OutboxMessage.next_attempt_at <= now,
            ChannelIdentity.channel.in_(channels),
        )
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(1)
        .options(joinedload(OutboxMessage.identity))
        .with_for_update(skip_locked=True, of=OutboxMessage)
    )
    return await session.scalar(query)


def _record(message: OutboxMessage, result: SendResult | None, now: datetime) -> str:
    """What the platform said; ``None``: the person was already known to be unreachable."""
    message.claimed_at = None
    if result is None:
        return _finish(message, OutboxStatus.FAILED, "unreachable", "blocked")
    message.attempts += 1
    message.parts_sent = max(message.parts_sent, result.parts_sent)
    if result.outcome is Delivery.SENT:
        message.sent_at = now
        return _finish(message, OutboxStatus.SENT, None, "sent")
    if result.outcome is Delivery.BLOCKED:
        message.identity.unreachable_since = now
        return _finish(message, OutboxStatus.FAILED, result.error or "blocked", "blocked")
    if message.attempts >= MAX_ATTEMPTS:
        return _finish(message, OutboxStatus.FAILED, result.error, "failed")
    message.next_attempt_at = now + _retry_delay(message.attempts, result.retry_after)
    message.last_error = result.error
    return "retried"


def _finish(message: OutboxMessage, status: OutboxStatus, error: str | None, outcome: str) -> str:
    message.status = status
    message.last_error = error
    return outcome


def _retry_delay(attempts: int, retry_after: float | None) -> timedelta:
    """What the platform asked for (429), else an exponential backoff."""
    if retry_after is not None:
        return timedelta(seconds=retry_after)
    return min(FIRST_RETRY * 2 ** (attempts - 1), LONGEST_RETRY)
