"""The bot's timed work: plan reminders, the office's morning digest, the steering departments'
weekly digest, and forgetting updates too old to be delivered again. The outbox they fill is
sent by the delivery worker (scheduler/delivery.py), which runs all the time.

Reminders are planned every quarter hour and once at start-up (which is the catch-up after
downtime: the planner only ever sends each deadline's latest slot, once). Slots fall on the
quarter hours of the plan's time zone, so an 08:00 reminder goes out at 08:00.
"""

from __future__ import annotations

import logging
from zoneinfo import ZoneInfo

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger

from bot.channel import Sender
from bot.clock import Clock
from bot.db import updates
from bot.db.database import Database
from bot.services.messaging import digest, reminders, steering_digest
from bot.services.messaging.outbox import DeliveryReport, deliver_due
from scheduler.delivery import BroadcastFollower

log = logging.getLogger(__name__)

DIGEST_AT = {"hour": 8, "minute": 0}
# Monday morning, before the week's work is planned.
STEERING_DIGEST_AT = {"day_of_week": "mon", "hour": 7, "minute": 30}
HOUSEKEEPING_AT = {"hour": 3, "minute": 30}  # the quietest hour


class Jobs:
    def __init__(
        self, db: Database, clock: Clock, zone: ZoneInfo, senders: dict[str, Sender]
    ) -> None:
        self.db = db
        self.clock = clock
        self.zone = zone
        self.senders = senders

    async def remind(self) -> int:
        async with self.db.unit_of_work() as session:
            planned = await reminders.send_due(session, self.clock.now(), self.zone)
        if planned:
            log.info("reminders planned: %s", planned)
        return planned

    async def morning_digest(self) -> int:
        async with self.db.unit_of_work() as session:
            return await digest.send(session, self.clock.now(), self.zone)

    async def steering_digest(self) -> int:
        async with self.db.unit_of_work() as session:
            return await steering_digest.send(session, self.clock.now(), self.zone)

    async def forget_old_updates(self) -> int:
        async with self.db.unit_of_work() as session:
            return await updates.forget_old(session, self.clock.now())

    async def catch_up(self) -> None:
        """What the schedule would have run by now, for a clock that jumps (the sandbox)."""
        await self.remind()
        now = self.clock.now().astimezone(self.zone)
        if (now.hour, now.minute) >= (DIGEST_AT["hour"], DIGEST_AT["minute"]):
            await self.morning_digest()
        # Keyed by the week: any moment after Monday 07:30 sends the week's, once.
        if (now.weekday(), now.hour, now.minute) >= (0, 7, 30):
            await self.steering_digest()
        await self.deliver()
        await BroadcastFollower(self.db, self.senders, self.clock, self.zone).show_progress()
        await self.deliver()  # the reports of the broadcasts now done

    async def deliver(self) -> DeliveryReport:
        """Send what is due, one after another: the sandbox's catch-up (the running bot has
        the delivery worker)."""
        report = await deliver_due(self.db, self.senders, self.clock)
        if report.sent or report.blocked or report.failed:
            log.info("outbox: %s", report)
        return report


def build_scheduler(jobs: Jobs) -> AsyncIOScheduler:
    zone = jobs.zone
    scheduler = AsyncIOScheduler(timezone=zone)
    # coalesce + one instance: a job that fell behind runs once, never twice at a time.
    common = {"coalesce": True, "max_instances": 1, "misfire_grace_time": 600}
    scheduler.add_job(
        jobs.remind,
        CronTrigger(minute="0,15,30,45", timezone=zone),
        id="reminders",
        next_run_time=jobs.clock.now(),
        **common,
    )
    scheduler.add_job(
        jobs.morning_digest, CronTrigger(timezone=zone, **DIGEST_AT), id="digest", **common
    )
    scheduler.add_job(
        jobs.steering_digest,
        CronTrigger(timezone=zone, **STEERING_DIGEST_AT),
        id="steering-digest",
        **common,
    )
    scheduler.add_job(
        jobs.forget_old_updates, CronTrigger(timezone=zone, **HOUSEKEEPING_AT), id="housekeeping"
    )
    return scheduler
