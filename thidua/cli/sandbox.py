"""``thidua sandbox`` (``make demo``): the bot in this terminal, on a SQLite file, no token.

The sandbox channel binds its personas the real way, with invite codes; :class:`SandboxOffice`
is the Department office that issues them, wired here because only the composition root may
hand a channel anything beyond the core.
"""

from __future__ import annotations

import argparse
import logging
from datetime import datetime
from pathlib import Path

from bot.clock import ManualClock
from bot.config import Settings
from bot.db.models import Role
from bot.services.setup import invites, units
from channels.sandbox import CHANNEL, Persona, Sandbox, head_of
from thidua.cli import common
from thidua.runtime import Runtime, build_runtime

SANDBOX_START = "01/10/2016 08:00"  # three weeks before the plan's first fixed deadline


def add_commands(sub: argparse._SubParsersAction) -> None:
    sandbox = sub.add_parser("sandbox", help="talk to the bot in this terminal (no network)")
    sandbox.add_argument(
        "--db",
        type=Path,
        default=Path(".sandbox/thidua-sandbox.db"),
        help="SQLite file (kept between runs; delete it to start over)",
    )
    sandbox.add_argument(
        "--date", default=SANDBOX_START, help="simulated start, DD/MM/YYYY [HH:MM]"
    )
    sandbox.add_argument(
        "--unit", help="unit code of the principal you play (default: first school)"
    )
    sandbox.set_defaults(command=run_sandbox)


class SandboxOffice:
    """The office as the sandbox needs it: who to play first, and invite codes."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime

    async def first_school(self) -> str:
        async with self.runtime.db.unit_of_work() as session:
            return await units.first_school(session)

    async def invite(self, persona: Persona) -> str | None:
        runtime = self.runtime
        async with runtime.db.unit_of_work() as session:
            issued = await invites.invite_unless_bound(
                session,
                runtime.clock,
                channel=CHANNEL,
                user_id=persona.key,
                role=Role(persona.role),
                unit_code=persona.unit_code,
                ttl=runtime.settings.invite_ttl,
            )
        return issued.display_code if issued else None


async def run_sandbox(args: argparse.Namespace, settings: Settings) -> None:
    from scheduler import Jobs

    # The terminal is the chat here: log lines would interleave with the conversation.
    logging.getLogger().setLevel(logging.WARNING)
    args.db.parent.mkdir(parents=True, exist_ok=True)
    settings = settings.model_copy(update={"database_url": f"sqlite+aiosqlite:///{args.db}"})
    clock = ManualClock(_start(args.date, settings))
    runtime = await build_runtime(settings, clock)
    from channels.documents import serve_documents

    documents = await serve_documents(runtime.app)  # links to documents, if configured
    try:
        office = SandboxOffice(runtime)
        persona = head_of(args.unit or await office.first_school())
        sandbox = Sandbox(runtime.app, clock, persona, office)
        sandbox.catch_up = Jobs(runtime.db, clock, settings.zone, {CHANNEL: sandbox}).catch_up
        await sandbox.serve()
    finally:
        if documents is not None:
            await documents.cleanup()
        await runtime.db.dispose()


def _start(text: str, settings: Settings) -> datetime:
    return common.local_time("--date", text, settings.zone)
