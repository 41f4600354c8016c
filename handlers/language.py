"""/lang: Vietnamese or English, remembered per person."""

from __future__ import annotations

from bot.context import Context
from bot.events import Button, Incoming, Outcome, Reply
from bot.i18n import LOCALES, N_, Translator
from bot.routing import ANY_ROLE, Router, button_argument
from bot.services.setup import people
from handlers.common import menu_reply

# Each language names itself, so a person who cannot read the current one still finds theirs.
LANGUAGE_NAMES = {"vi": "Tiếng Việt", "en": "English"}


def register(router: Router) -> None:
    router.command("lang", choose, allowed=ANY_ROLE, description=N_("Change language"))
    router.button("lang", choose, allowed=ANY_ROLE)


async def choose(event: Incoming, ctx: Context) -> Outcome:
    wanted = (button_argument(event.payload) if event.payload else event.argument).lower()
    if wanted in LOCALES:
        return await _switch(wanted, ctx)
    _ = ctx.t
    buttons = tuple((Button(LANGUAGE_NAMES[code], f"lang:{code}"),) for code in LOCALES)
    text = _("Unknown language. Please choose one:") if wanted else _("Choose your language:")
    return Outcome([Reply(text, buttons=buttons)])


async def _switch(locale: str, ctx: Context) -> Outcome:
    await people.set_locale(ctx.session, ctx.person_id, locale)
    ctx.t = Translator(locale, ctx.t.zone)
    _ = ctx.t
    # Translators: said in the language just chosen, so each catalog names its own language.
    return Outcome([menu_reply(ctx, _("Language set to English."))], notice=LANGUAGE_NAMES[locale])
