"""The main menu of large buttons, /help and /cancel."""

from __future__ import annotations

from functools import partial

from bot.context import Context
from bot.events import Incoming, Outcome
from bot.i18n import N_
from bot.routing import ANY_ROLE, Command, Router
from bot.services.reporting import drafts, office_drafts
from handlers.common import abilities, menu_reply, who_am_i


def register(router: Router) -> None:
    show_help = partial(_help, router.published)
    router.command("help", show_help, allowed=ANY_ROLE, description=N_("How to use the bot"))
    router.button("help", show_help, allowed=ANY_ROLE)
    router.command("menu", show_menu, allowed=ANY_ROLE, description=N_("Main menu"))
    router.button("menu", show_menu, allowed=ANY_ROLE)
    router.command("cancel", cancel, allowed=ANY_ROLE, description=N_("Stop what you are doing"))


async def show_menu(_event: Incoming, ctx: Context) -> Outcome:
    _ = ctx.t
    text = _("Main menu. You are:\n{roles}", roles=who_am_i(ctx))
    return Outcome([menu_reply(ctx, text)])


async def _help(commands: list[Command], _event: Incoming, ctx: Context) -> Outcome:
    _ = ctx.t
    usable = [c for c in commands if c.allowed is None or ctx.has_any(c.allowed)]
    lines = [f"/{command.name} — {_(command.description)}" for command in usable]
    text = _(
        "Choose a button below, or type a command:\n{commands}\n\n"
        "A choice can also be answered by typing its number.",
        commands="\n".join(lines),
    )
    text = f"{abilities(ctx)}\n\n{text}"
    return Outcome([menu_reply(ctx, text)])


async def cancel(_event: Incoming, ctx: Context) -> Outcome:
    """Stops the form in progress; its draft is kept for when the person comes back to it."""
    _ = ctx.t
    if await drafts.pause_all(ctx.session, ctx.person_id):
        text = _("Stopped. Your draft is kept: continue it any time from the menu.")
    elif await office_drafts.pause(ctx.session, ctx.person_id):
        # The office's forms start from a unit's card or the review queue, not the menu.
        text = _("Stopped. What you entered is kept: open it again where you started it.")
    else:
        text = _("Cancelled. Back to the main menu.")
    return Outcome([menu_reply(ctx, text)])
