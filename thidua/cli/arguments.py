"""Argument types shared by the subcommands: each rejects bad input with a one-line reason."""

from __future__ import annotations

import argparse
from datetime import timedelta
from pathlib import Path

from bot.config import Settings
from bot.db.models import Role
from bot.i18n import Translator


class UsageError(ValueError):
    """Bad input to a subcommand, found after parsing; the message is one printable line."""


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


def translator(settings: Settings) -> Translator:
    """The CLI speaks the deployment's default language."""
    return Translator(settings.default_locale, settings.zone)
