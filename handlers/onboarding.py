"""/start with an invite code, and what people who are not bound yet are told."""

from __future__ import annotations

from bot.context import Context
from bot.events import Incoming, Outcome, Reply
from bot.i18n import N_
from bot.routing import ANY_ROLE, PUBLIC, Router
from bot.services.setup import invites
from bot.services.setup.invites import RedeemStatus
from handlers.common import ROLE_NAMES, menu_reply, place_name

REFUSALS = {
    RedeemStatus.WRONG: N_(
        "That invite code is not correct. Please check it and send it again "
        "(12 letters and digits, e.g. ABCD-EFGH-JKMN)."
    ),
    RedeemStatus.USED: N_(
        "That invite code has already been used. Each code works only once: "
        "please ask the Department office (Văn phòng Sở) for a new one."
    ),
    RedeemStatus.EXPIRED: N_(
        "That invite code has expired. Please ask the Department office (Văn phòng Sở) "
        "for a new one."
    ),
    RedeemStatus.REVOKED: N_(
        "That invite code was withdrawn by the Department office. Please ask them for a new one."
    ),
    RedeemStatus.OTHER_ACCOUNT: N_(
        "This account is already linked to someone else, so it cannot take that code. "
        "Nothing was changed."
    ),
}


def register(router: Router) -> None:
    description = N_("Start, or link with an invite code")
    router.command("start", start, allowed=PUBLIC, description=description)
    link_description = N_("Use the bot from another app (Zalo or Telegram)")
    router.command("link", link, allowed=ANY_ROLE, description=link_description)


async def start(event: Incoming, ctx: Context) -> Outcome:
    if event.argument:
        return await _redeem(event.argument, ctx)
    if ctx.person is None:
        return await explain_invites(event, ctx)
    _ = ctx.t
    return Outcome([menu_reply(ctx, _("Welcome back, {name}!", name=ctx.person.full_name))])


async def link(_event: Incoming, ctx: Context) -> Outcome:
    """A one-time code that joins another app (Zalo, Telegram) to this person's account."""
    _ = ctx.t
    issued = await invites.create_link_code(ctx.session, ctx.clock, ctx.person)
    text = _(
        "To use the bot from another app too (Zalo or Telegram), send it this code within "
        "{minutes} minutes:\n{code}\nThe code works once, and only links to your account.",
        minutes=int(invites.LINK_TTL.total_seconds() // 60),
        code=issued.display_code,
    )
    return Outcome([Reply(text)])


async def explain_invites(event: Incoming, ctx: Context) -> Outcome:
    """Anything from a person not yet bound: a typed code works, everything else is explained."""
    code = invites.normalise_code(event.text or "") if event.payload is None else None
    if code is not None and event.command is None:
        return await _redeem(code, ctx)
    _ = ctx.t
    text = _(
        "Hello! This bot collects emulation registrations and reports for the education sector.\n"
        "You are not linked to a unit yet. Please ask the Department office (Văn phòng Sở) for "
        "an invite code, then open the invite link or send:\n/start YOUR-CODE"
    )
    return Outcome([Reply(text)], notice=_("Please link your account first."))


async def _redeem(raw_code: str, ctx: Context) -> Outcome:
    _ = ctx.t
    code = invites.normalise_code(raw_code) or raw_code.strip().upper()
    result = await invites.redeem(ctx.session, ctx.clock, ctx.identity, code, ctx.t.locale)
    if result.status is RedeemStatus.COOLDOWN:
        text = _(
            "Too many wrong codes were tried from this chat. Please wait and try again after "
            "{time}.",
            time=ctx.t.datetime(result.retry_at),
        )
        return Outcome([Reply(text)])
    if result.status in REFUSALS:
        return Outcome([Reply(_(REFUSALS[result.status]))])
    # The person may be new: reload who they are so the menu fits their new role.
    await ctx.reload()
    role = _(ROLE_NAMES[result.role])
    where = place_name(ctx, result.unit, result.department)
    if result.status is RedeemStatus.LINKED:
        text = _(
            "Linked! This app now uses your account: you are {role} of {unit}.",
            role=role,
            unit=where,
        )
    elif result.status is RedeemStatus.ALREADY:
        text = _("You already are {role} of {unit}.", role=role, unit=where)
    else:
        text = _("Linked! You are now {role} of {unit}.", role=role, unit=where)
    return Outcome([menu_reply(ctx, text)])
