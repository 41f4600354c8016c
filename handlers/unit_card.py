"""/unit <name>: find a unit with or without diacritics, and show its card."""

from __future__ import annotations

from bot.context import Context
from bot.db.models import Unit
from bot.events import Button, Incoming, Outcome, Reply
from bot.i18n import N_
from bot.routing import OFFICE_ONLY, SECTOR_ROLES, Router, button_argument
from bot.services.awards.register import list_awards
from bot.services.obligations.deadlines import unit_submissions
from bot.services.reporting.submissions import STATUS_NAMES
from bot.services.setup import people, units
from bot.text import fold
from handlers import documents
from handlers.awards import record_button
from handlers.common import ROLE_NAMES, menu_buttons, menu_reply, refused

MATCHES_SHOWN = 8


def register(router: Router) -> None:
    description = N_("Find a unit and see its card")
    router.command("unit", search, allowed=SECTOR_ROLES, description=description)
    router.button("un", card, allowed=SECTOR_ROLES)


async def search(event: Incoming, ctx: Context) -> Outcome:
    _ = ctx.t
    if len(fold(event.argument)) < 2:
        return Outcome([menu_reply(ctx, _("Type part of the unit's name, e.g. /unit hung vuong"))])
    found = await units.search(ctx.session, event.argument, MATCHES_SHOWN + 1)
    if not found:
        return Outcome([menu_reply(ctx, _("No unit matches “{typed}”.", typed=event.argument))])
    if len(found) == 1:
        return await _card(found[0], ctx)
    buttons = tuple((Button(unit.name, f"un:{unit.id}"),) for unit in found[:MATCHES_SHOWN])
    return Outcome([Reply(_("Several units match; which one?"), buttons=buttons)])


async def card(event: Incoming, ctx: Context) -> Outcome:
    argument = button_argument(event.payload)
    unit = await units.unit(ctx.session, int(argument)) if argument.isdigit() else None
    return await _card(unit, ctx) if unit is not None else await refused(event, ctx)


async def _card(unit: Unit, ctx: Context) -> Outcome:
    _ = ctx.t
    lines = [f"{unit.name} ({unit.code})"]
    submitted = await unit_submissions(ctx.session, unit)
    lines.append(_("Registrations and reports:"))
    rows = [
        f"  • {deadline.title_in(_.locale)}: {_(STATUS_NAMES[s.status])} · {s.reference}"
        + (_(" · late") if s.late else "")
        for s, deadline in submitted
    ]
    lines += rows or [_("  (none yet)")]
    papers = tuple(
        (documents.button(s.id, ctx, _("📄 {title}", title=deadline.title_in(_.locale))),)
        for s, deadline in submitted
    )
    award_rows = [
        f"  • {kind.name if _.locale == 'vi' else kind.name_en}: {award.recipient_name} "
        f"({award.decision_number}, {award.decision_date:%d/%m/%Y})"
        for award, kind, _unit in await list_awards(ctx.session, unit.id)
    ]
    lines += [_("Awards:"), *(award_rows or [_("  (none yet)")])]
    if not ctx.has_any(OFFICE_ONLY):
        return Outcome([Reply("\n".join(lines), buttons=(*papers, *menu_buttons(ctx)))])
    lines += [_("Members:"), *await _members(unit, ctx)]
    buttons = (*papers, (record_button(unit, ctx),), *menu_buttons(ctx))
    return Outcome([Reply("\n".join(lines), buttons=buttons)])


async def _members(unit: Unit, ctx: Context) -> list[str]:
    """Only the office sees who is bound to a unit."""
    members = await people.members_of(ctx.session, unit.id)
    return [f"  • {name} ({ctx.t(ROLE_NAMES[role])})" for name, role in members] or [
        ctx.t(N_("  (none yet)"))
    ]
