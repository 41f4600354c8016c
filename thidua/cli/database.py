"""``thidua db upgrade``: create or migrate the schema."""

from __future__ import annotations

import argparse

from bot.config import Settings
from bot.db.database import Database
from bot.db.migrate import upgrade_async
from thidua.cli import common


def add_commands(sub: argparse._SubParsersAction) -> None:
    actions = common.actions(sub.add_parser("db", help="database schema"))
    actions.add_parser("upgrade", help="create or migrate the schema").set_defaults(
        command=db_upgrade
    )


async def db_upgrade(_args: argparse.Namespace, settings: Settings) -> None:
    await upgrade_async(settings.database_url)
    _ = common.translator(settings)
    print(_("Database is up to date: {url}", url=Database(settings.database_url).safe_url))
