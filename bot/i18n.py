"""Translations (gettext catalogs compiled by Babel) and locale-aware formatting.

Message ids are English; ``locales/vi`` holds the Vietnamese translations, the primary language.
Dates are always shown as dd/mm/yyyy in the configured time zone (Vietnam time by default).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

from babel.support import Translations

LOCALES = ("vi", "en")
DOMAIN = "messages"
LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"


class CatalogMissingError(RuntimeError):
    pass


class Explained(ValueError):
    """A refusal a person reads: ``message`` is a msgid with ``{placeholders}`` for
    ``values``; ``str(error)`` is the English text (for logs), ``explain(t)`` the person's."""

    def __init__(self, message: str, **values: object) -> None:
        super().__init__(message.format(**values) if values else message)
        self.message, self.values = message, values

    def explain(self, t: Translator) -> str:
        return t(self.message, **self.values)


def N_(message: str) -> str:
    """Marks a module-level string for extraction; it is translated where it is shown."""
    return message


@cache
def _catalog(locale: str, locales_dir: Path = LOCALES_DIR) -> Translations:
    compiled = locales_dir / locale / "LC_MESSAGES" / f"{DOMAIN}.mo"
    if not compiled.exists():
        raise CatalogMissingError(
            f"No compiled catalog at {compiled}: run 'make i18n' (pybabel compile -d locales)."
        )
    with compiled.open("rb") as stream:
        return Translations(stream, domain=DOMAIN)


def check_catalogs(locales: Iterable[str] = LOCALES) -> None:
    """Fail at start-up, not at the first message, when a catalog was never compiled."""
    for locale in locales:
        _catalog(locale)


def normalise_locale(code: str | None, default: str) -> str:
    """Map a platform language code ("en-US", "vi") to one we ship."""
    if code:
        short = code.split("-", 1)[0].split("_", 1)[0].lower()
        if short in LOCALES:
            return short
    return default


# A cut-off at 23:59 (or 23:59:59) means "by the end of the day".
END_OF_DAY = (23, 59)


class Translator:
    """Translates and formats for one person: their language and the plan's time zone."""

    def __init__(self, locale: str, zone: ZoneInfo) -> None:
        self.locale = locale
        self.zone = zone
        self._translations = _catalog(locale)

    def __call__(self, message: str, **values: object) -> str:
        text = self._translations.gettext(message)
        return text.format(**values) if values else text

    def plural(self, singular: str, plural: str, count: int, **values: object) -> str:
        return self._translations.ngettext(singular, plural, count).format(count=count, **values)

    def number(self, value: int) -> str:
        """Thousands grouped as each language writes them: 1.200 in Vietnamese, 1,200 in English."""
        grouped = f"{value:,}"
        return grouped.replace(",", ".") if self.locale == "vi" else grouped

    def date(self, instant: datetime) -> str:
        return instant.astimezone(self.zone).strftime("%d/%m/%Y")

    def datetime(self, instant: datetime) -> str:
        return instant.astimezone(self.zone).strftime("%H:%M %d/%m/%Y")

    def cutoff(self, instant: datetime) -> str:
        """A deadline's cut-off as people say it: the last day alone when it runs to the end of
        that day ("19/10/2016"), with the hour otherwise ("17:00 19/10/2016")."""
        local = instant.astimezone(self.zone)
        if (local.hour, local.minute) == END_OF_DAY:
            return self.date(instant)
        return self.datetime(instant)
