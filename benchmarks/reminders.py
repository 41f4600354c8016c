"""Planning reminders at province scale: every deadline, 2,000 units with 3 members each.

For each deadline of the shipped plan, at its first reminder slot, the planner works out who
still owes it and renders each reminder in the member's language; then the reminders go into
the outbox. Prints a table, then one JSON line. Goal: planning every deadline under 1 s.

    .venv/bin/python benchmarks/reminders.py [--units 2000] [--members 3]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert, select

from bot.clock import ManualClock
from bot.config import Settings
from bot.db.models import ChannelIdentity, Person, Role, RoleGrant, Unit
from bot.db.repositories import PlanRepository
from bot.services.messaging import reminders
from bot.services.messaging.outbox import enqueue
from bot.text import fold
from thidua.runtime import build_runtime

GOAL_SECONDS = 1.0
START = datetime(2016, 9, 1, tzinfo=UTC)


async def main(units: int, members: int) -> dict:
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(_env_file=None, database_url=f"sqlite+aiosqlite:///{folder}/r.db")
        runtime = await build_runtime(settings, ManualClock(START))
        await _populate(runtime.db, units, members)
        figures = await _measure(runtime, settings)
        await runtime.db.dispose()
    return {"units": units, "members_per_unit": members, **figures, "goal_s": GOAL_SECONDS}


async def _populate(db, units: int, members: int) -> None:
    """Schools under the district offices, each with a head and members bound on Telegram."""
    async with db.unit_of_work() as session:
        offices = list(await session.scalars(select(Unit.id).where(Unit.kind == "district_office")))
        await session.execute(
            insert(Unit),
            [
                {
                    "code": f"BENCH-{i:05d}",
                    "name": f"Trường bench {i}",
                    "search_name": fold(f"Truong {i}"),
                    "kind": "school",
                    "block": "district",
                    "parent_id": offices[i % len(offices)],
                    "active": True,
                }
                for i in range(units)
            ],
        )
        school_ids = list(await session.scalars(select(Unit.id).where(Unit.code.like("BENCH-%"))))
        people = [
            {"full_name": f"Người {n}", "locale": "vi" if n % 4 else "en", "created_at": START}
            for n in range(units * members)
        ]
        await session.execute(insert(Person), people)
        person_ids = list(await session.scalars(select(Person.id).order_by(Person.id)))
        await session.execute(
            insert(ChannelIdentity),
            [
                {
                    "person_id": pid,
                    "channel": "telegram",
                    "user_id": str(pid),
                    "chat_id": str(pid),
                    "linked_at": START,
                }
                for pid in person_ids
            ],
        )
        await session.execute(
            insert(RoleGrant),
            [
                {
                    "person_id": pid,
                    "unit_id": school_ids[n // members],
                    "granted_at": START,
                    "granted_by": "bench",
                    "role": Role.HEAD if n % members == 0 else Role.MEMBER,
                }
                for n, pid in enumerate(person_ids)
            ],
        )


async def _measure(runtime, settings) -> dict:
    zone = settings.zone
    async with runtime.db.unit_of_work() as session:
        repo = PlanRepository(session)
        deadlines = await repo.deadlines(await repo.active())
        timed = await _plan_every_deadline(session, deadlines, zone)
        # A second pass under tracemalloc, which slows Python down: memory only.
        tracemalloc.start()
        await _plan_every_deadline(session, deadlines, zone)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        started = time.perf_counter()
        queued = await enqueue(session, timed["messages"], START)
        queueing = time.perf_counter() - started
    return {
        "deadlines": len(deadlines),
        "reminders": len(timed["messages"]),
        "plan_s": timed["plan_s"],
        "render_s": timed["render_s"],
        "plan_and_render_s": round(timed["plan_s"] + timed["render_s"], 3),
        "outbox_write_s": round(queueing, 3),
        "queued": queued,
        "peak_memory_mb": round(peak / 2**20, 1),
    }


async def _plan_every_deadline(session, deadlines, zone) -> dict:
    """Each deadline at its first slot: who is owed a reminder, then the messages."""
    started = time.perf_counter()
    by_slot = []
    for deadline in deadlines:
        first_slot = reminders.slots(deadline, zone)[0]
        by_slot.append((first_slot, await reminders.recipients(session, deadline, first_slot)))
    planned_at = time.perf_counter()
    messages = [m for slot, planned in by_slot for m in reminders.rendered(planned, slot, zone)]
    rendered_at = time.perf_counter()
    return {
        "messages": messages,
        "plan_s": round(planned_at - started, 3),
        "render_s": round(rendered_at - planned_at, 3),
    }


def report(figures: dict) -> None:
    print(
        f"{figures['units']} units × {figures['members_per_unit']} members, "
        f"{figures['deadlines']} deadlines: {figures['reminders']} reminders"
    )
    print(f"  who is owed (queries)     {figures['plan_s']:>8.3f} s")
    print(f"  rendered in each language {figures['render_s']:>8.3f} s")
    verdict = "met" if figures["plan_and_render_s"] < GOAL_SECONDS else "MISSED"
    print(
        f"  planned in total          {figures['plan_and_render_s']:>8.3f} s   "
        f"(goal < {GOAL_SECONDS} s: {verdict})"
    )
    print(f"  peak memory while planning {figures['peak_memory_mb']:>7.1f} MB")
    written = figures["outbox_write_s"]
    print(f"  written to the outbox     {written:>8.3f} s   ({figures['queued']} rows)")
    print(json.dumps(figures))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=2000)
    parser.add_argument("--members", type=int, default=3)
    options = parser.parse_args()
    report(asyncio.run(main(options.units, options.members)))
