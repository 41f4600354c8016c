"""Time as an injected dependency: nothing else in the code calls ``datetime.now()``.

Every instant is timezone-aware UTC inside the program; conversion to Vietnam time happens only
when a date is shown to a person (see :mod:`bot.i18n`).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant, timezone-aware, in UTC."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class ManualClock:
    """A clock that only moves when told to: tests and the sandbox travel in time with it."""

    def __init__(self, start: datetime) -> None:
        self._now = _require_aware(start)

    def now(self) -> datetime:
        return self._now

    def set(self, instant: datetime) -> None:
        self._now = _require_aware(instant)

    def advance(self, delta: timedelta) -> None:
        self._now += delta


def _require_aware(instant: datetime) -> datetime:
    if instant.tzinfo is None:
        raise ValueError("ManualClock needs a timezone-aware datetime")
    return instant.astimezone(UTC)


def parse_local(text: str, zone: ZoneInfo) -> datetime:
    """ "DD/MM/YYYY" or "DD/MM/YYYY HH:MM" as people in Vietnam write it, in ``zone``."""
    for shape in ("%d/%m/%Y %H:%M", "%d/%m/%Y"):
        try:
            return datetime.strptime(text.strip(), shape).replace(tzinfo=zone)
        except ValueError:
            continue
    raise ValueError(f"not a date: {text!r} (use DD/MM/YYYY or DD/MM/YYYY HH:MM)")
