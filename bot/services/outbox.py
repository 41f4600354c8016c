"""The persistent outbox: messages the bot sends on its own (reminders, digests, broadcasts).

A message is written once under a unique key, then delivered by :func:`deliver_due`: a crash
loses nothing, and a message recorded as sent is never sent again.
Each channel supplies a :class:`Sender` that reports what the platform said.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from bot.clock import Clock
from bot.db.database import Database
from bot.db.models import ChannelIdentity, OutboxMessage, OutboxStatus
from bot.events import Reply

log = logging.getLogger(__name__)

INSERTS = {"sqlite": sqlite.insert, "postgresql": postgresql.insert}
MAX_ATTEMPTS = 8
FIRST_RETRY = timedelta(seconds=5)
LONGEST_RETRY = timedelta(hours=1)
# While one worker sends a message, others leave it alone. If the worker dies after sending
# but before recording it, the message goes out again once the lease ends: at least once.
SEND_LEASE = timedelta(minutes=5)


class Delivery(enum.Enum):
    SENT = "sent"
    RETRY = "retry"  # the platform asked to wait (429) or failed for now (5xx, timeout)
    BLOCKED = "blocked"  # the person blocked the bot (403): stop trying


@dataclass(frozen=True)
class SendResult:
    outcome: Delivery
    retry_after: float | None = None
    error: str | None = None


class Sender(Protocol):
    async def send(self, chat_id: str, reply: Reply) -> SendResult: ...


@dataclass
class DeliveryReport:
    sent: int = 0
    retried: int = 0
    blocked: int = 0
    failed: int = 0


async def enqueue(
    session: AsyncSession, messages: Iterable[tuple[str, int, dict[str, Any]]], now: datetime
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
            "next_attempt_at": now,
            "created_at": now,
        }
        for key, identity_id, payload in messages
    ]
    if not rows:
        return 0
    insert = INSERTS[session.bind.dialect.name](OutboxMessage)
    # RETURNING lists only the rows actually inserted: the ones whose key was new.
    added = await session.scalars(
        insert.on_conflict_do_nothing(index_elements=["dedupe_key"]).returning(OutboxMessage.id),
        rows,
    )
    return len(added.all())


async def deliver_due(
    db: Database, senders: dict[str, Sender], clock: Clock, *, limit: int = 100
) -> DeliveryReport:
    """Send what is due. Each message is claimed with a lease in one short transaction, sent
    outside any transaction (a network call must not hold the database), then recorded."""
    report = DeliveryReport()
    for _ in range(limit):
        async with db.unit_of_work() as session:
            message = await _claim_next(session, clock.now(), senders)
            if message is None:
                break
            message.next_attempt_at = clock.now() + SEND_LEASE
            claimed = (message.id, message.identity.channel, message.identity.chat_id)
            reachable = message.identity.unreachable_since is None
            reply = Reply.from_dict(message.payload)
        result = await senders[claimed[1]].send(claimed[2], reply) if reachable else None
        async with db.unit_of_work() as session:
            message = await session.get(
                OutboxMessage, claimed[0], options=[joinedload(OutboxMessage.identity)]
            )
            _record(message, result, clock.now(), report)
    return report


async def _claim_next(
    session: AsyncSession, now: datetime, senders: dict[str, Sender]
) -> OutboxMessage | None:
    query = (
        select(OutboxMessage)
        .join(ChannelIdentity, ChannelIdentity.id == OutboxMessage.identity_id)
        .where(
            OutboxMessage.status == OutboxStatus.PENDING,
            OutboxMessage.next_attempt_at <= now,
            ChannelIdentity.channel.in_(list(senders)),
        )
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(1)
        .options(joinedload(OutboxMessage.identity))
        .with_for_update(skip_locked=True, of=OutboxMessage)
    )
    return await session.scalar(query)


def _record(
    message: OutboxMessage, result: SendResult | None, now: datetime, report: DeliveryReport
) -> None:
    """What the platform said; ``None``: the person was already known to be unreachable."""
    if result is None:
        _finish(message, OutboxStatus.FAILED, "unreachable", report, "blocked")
        return
    message.attempts += 1
    if result.outcome is Delivery.SENT:
        message.sent_at = now
        _finish(message, OutboxStatus.SENT, None, report, "sent")
    elif result.outcome is Delivery.BLOCKED:
        message.identity.unreachable_since = now
        _finish(message, OutboxStatus.FAILED, result.error or "blocked", report, "blocked")
    elif message.attempts >= MAX_ATTEMPTS:
        _finish(message, OutboxStatus.FAILED, result.error, report, "failed")
    else:
        message.next_attempt_at = now + _retry_delay(message.attempts, result.retry_after)
        message.last_error = result.error
        report.retried += 1


def _finish(
    message: OutboxMessage,
    status: OutboxStatus,
    error: str | None,
    report: DeliveryReport,
    counter: str,
) -> None:
    message.status = status
    message.last_error = error
    setattr(report, counter, getattr(report, counter) + 1)


def _retry_delay(attempts: int, retry_after: float | None) -> timedelta:
    """What the platform asked for (429), else an exponential backoff."""
    if retry_after is not None:
        return timedelta(seconds=retry_after)
    return min(FIRST_RETRY * 2 ** (attempts - 1), LONGEST_RETRY)
