"""What the subcommands share: argument types that reject bad input with a one-line reason,
the CLI's language, and one unit of work per command."""

from __future__ import annotations

import argparse
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import parse_local
from bot.config import Settings
from bot.db.models import Role
from bot.i18n import N_, Explained, Translator
from thidua.runtime import open_database

# Who the audit log names for what a command did.
CLI_ACTOR = "cli"
T = TypeVar("T")


class UsageError(Explained):
    """Bad input to a subcommand, found after parsing; the message is one printable line, in
    the CLI's language."""


def role(value: str) -> Role:
    try:
        return Role(value)
    except ValueError:
        choices = ", ".join(r.value for r in Role)
        raise argparse.ArgumentTypeError(f"unknown role {value!r} (choose {choices})") from None


def existing_file(value: str) -> Path:
    path = Path(value)
    if not path.is_file():
        raise argparse.ArgumentTypeError(f"no such file: {value}")
    return path


def days(value: str) -> timedelta:
    if not value.isdigit() or not 1 <= int(value) <= 365:
        raise argparse.ArgumentTypeError("must be a whole number of days from 1 to 365")
    return timedelta(days=int(value))


def local_time(option: str, text: str, zone: ZoneInfo) -> datetime:
    """``text`` (DD/MM/YYYY [HH:MM]) in the plan's time zone, or a refusal naming ``option``."""
    try:
        return parse_local(text, zone)
    except ValueError:
        raise UsageError(
            N_("{option}: not a date: {text} (use DD/MM/YYYY or DD/MM/YYYY HH:MM)"),
            option=option,
            text=repr(text),
        ) from None


def translator(settings: Settings) -> Translator:
    """The CLI speaks the deployment's default language."""
    return Translator(settings.default_locale, settings.zone)


def actions(parser: argparse.ArgumentParser) -> argparse._SubParsersAction:
    """A command group's actions (``thidua plan load``, ``thidua plan show``...)."""
    return parser.add_subparsers(required=True, metavar="ACTION")


async def with_database(settings: Settings, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    """``work(session)`` in one unit of work: all of a command's changes are kept, or none."""
    db = await open_database(settings)
    try:
        async with db.unit_of_work() as session:
            return await work(session)
    finally:
        await db.dispose()
