"""The command menu Telegram shows beside the text box, in each language we ship."""

from __future__ import annotations

from bot.app import CoreApp
from bot.db.models import Role
from bot.i18n import LOCALES

# The default list (no language_code) is what people whose app language we don't ship see.
DEFAULT = None


def published_commands(app: CoreApp) -> dict[str | None, list[tuple[str, str]]]:
    """Commands a unit head may use, described in each language; office tools stay unlisted."""
    commands = [
        command
        for command in app.router.published
        if command.allowed is None or Role.HEAD in command.allowed
    ]
    languages = {DEFAULT: app.settings.default_locale} | {code: code for code in LOCALES}
    return {
        code: [(c.name, app.translator(locale)(c.description)) for c in commands]
        for code, locale in languages.items()
    }
