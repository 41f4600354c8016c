"""The command menu Telegram shows beside the text box, in each language we ship."""

from __future__ import annotations

from bot.app import CoreApp
from bot.i18n import LOCALES

# The default list (no language_code) is what people whose app language we don't ship see.
DEFAULT = None


def published_commands(app: CoreApp) -> dict[str | None, list[tuple[str, str]]]:
    """Per Telegram language code, the commands and their descriptions."""
    languages = {DEFAULT: app.settings.default_locale} | {code: code for code in LOCALES}
    return {code: app.command_menu(locale) for code, locale in languages.items()}
