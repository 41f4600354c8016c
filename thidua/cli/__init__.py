"""The ``thidua`` command (also ``python -m thidua`` and ``python -m bot``): one module per
command group. With :mod:`thidua.runtime` it is the composition root, the one place that knows
every layer: ``thidua run`` and ``thidua sandbox`` make the channels for the core. Bad input ends
with one line on stderr and exit code 2; tokens are never printed.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys

from bot.config import Settings, SettingsError, load_settings
from bot.i18n import CatalogMissingError, Explained, Translator
from bot.plan import PlanError
from bot.services.setup.invites import InviteError
from bot.services.setup.units_import import UnitImportError
from thidua.cli import (
    awards,
    database,
    documents,
    exemplars,
    export,
    invites,
    models,
    people,
    plan,
    reminders,
    run,
    sandbox,
    units,
)
from thidua.cli.common import UsageError

EXIT_BAD_INPUT = 2
EXPECTED_ERRORS = (
    SettingsError,
    PlanError,
    InviteError,
    UnitImportError,
    CatalogMissingError,
    UsageError,
)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    settings = None
    try:
        settings = load_settings()
        _configure_logging(settings)
        return asyncio.run(args.command(args, settings)) or 0
    except EXPECTED_ERRORS as error:
        print(f"thidua: {_explained(error, settings)}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # `thidua units list | head`: the reader has what it wanted. Python would complain
        # again when it flushes stdout at exit, so stdout goes nowhere from here on.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


def _explained(error: Exception, settings: Settings | None) -> str:
    """The refusal in the CLI's language, once the settings say which."""
    if isinstance(error, Explained) and settings is not None:
        return error.explain(Translator(settings.default_locale, settings.zone))
    return str(error)


def _configure_logging(settings: Settings) -> None:
    logging.basicConfig(
        level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    # HTTP client loggers print request URLs, and a Bot API URL contains the token.
    for chatty in ("httpx", "httpcore", "aiohttp.access", "alembic.runtime.migration"):
        logging.getLogger(chatty).setLevel(logging.WARNING)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="thidua", description="thidua-bot: emulation registration and reporting bot."
    )
    sub = parser.add_subparsers(required=True, metavar="COMMAND")
    for group in (
        run,
        sandbox,
        database,
        plan,
        units,
        models,
        invites,
        people,
        reminders,
        awards,
        exemplars,
        export,
        documents,
    ):
        group.add_commands(sub)
    return parser
