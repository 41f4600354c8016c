"""/unit <name>: find a unit with or without diacritics, and show its card."""

from __future__ import annotations

from sqlalchemy import select

from bot.context import Context
from bot.db.models import Award, AwardType, Deadline, Person, RoleGrant, Submission, Unit
from bot.events import Button, Incoming, Outcome, Reply
from bot.i18n import N_
from bot.routing import OFFICE_ONLY, SECTOR_ROLES, Router, button_argument
from bot.text import fold
from handlers.awards import record_button
from handlers.menu import ROLE_NAMES, menu_buttons, menu_reply, refused
from handlers.status import STATUS_NAMES

MATCHES_SHOWN = 8


def register(router: Router) -> None:
    description = N_("Find a unit and see its card")
    router.command("unit", search, allowed=SECTOR_ROLES, description=description)
    router.button("un", card, allowed=SECTOR_ROLES)


async def search(event: Incoming, ctx: Context) -> Outcome:
    _ = ctx.t
    typed = fold(event.argument)
    if len(typed) < 2:
        return Outcome([menu_reply(ctx, _("Type part of the unit's name, e.g. /unit hung vuong"))])
    found = list(
        await ctx.session.scalars(
            select(Unit)
            .where(Unit.search_name.contains(typed))
            .order_by(Unit.name)
            .limit(MATCHES_SHOWN + 1)
        )
    )
    if not found:
        return Outcome([menu_reply(ctx, _("No unit matches “{typed}”.", typed=event.argument))])
    if len(found) == 1:
        return await _card(found[0], ctx)
    buttons = tuple((Button(unit.name, f"un:{unit.id}"),) for unit in found[:MATCHES_SHOWN])
    return Outcome([Reply(_("Several units match; which one?"), buttons=buttons)])


async def card(event: Incoming, ctx: Context) -> Outcome:
    argument = button_argument(event.payload)
    unit = await ctx.session.get(Unit, int(argument)) if argument.isdigit() else None
    return await _card(unit, ctx) if unit is not None else await refused(event, ctx)


async def _card(unit: Unit, ctx: Context) -> Outcome:
    _ = ctx.t
    lines = [f"{unit.name} ({unit.code})"]
    submitted = await ctx.session.execute(
        select(Submission, Deadline)
        .join(Deadline, Deadline.id == Submission.deadline_id)
        .where(Submission.unit_id == unit.id)
        .order_by(Deadline.due_at)
    )
    lines.append(_("Registrations and reports:"))
    rows = [
        f"  • {deadline.title_in(_.locale)}: {_(STATUS_NAMES[s.status])} · {s.reference}"
        + (_(" · late") if s.late else "")
        for s, deadline in submitted
    ]
    lines += rows or [_("  (none yet)")]
    awards = await ctx.session.execute(
        select(Award, AwardType)
        .join(AwardType, AwardType.id == Award.award_type_id)
        .where(Award.unit_id == unit.id)
        .order_by(Award.decision_date)
    )
    award_rows = [
        f"  • {kind.name if _.locale == 'vi' else kind.name_en}: {award.recipient_name} "
        f"({award.decision_number}, {award.decision_date:%d/%m/%Y})"
        for award, kind in awards
    ]
    lines += [_("Awards:"), *(award_rows or [_("  (none yet)")])]
    if not ctx.has_any(OFFICE_ONLY):
        return Outcome([menu_reply(ctx, "\n".join(lines))])
    lines += [_("Members:"), *await _members(unit, ctx)]
    buttons = ((record_button(unit, ctx),), *menu_buttons(ctx))
    return Outcome([Reply("\n".join(lines), buttons=buttons)])


async def _members(unit: Unit, ctx: Context) -> list[str]:
    """Only the office sees who is bound to a unit."""
    people = await ctx.session.execute(
        select(Person.full_name, RoleGrant.role)
        .join(RoleGrant, RoleGrant.person_id == Person.id)
        .where(RoleGrant.unit_id == unit.id)
        .order_by(Person.full_name)
    )
    return [f"  • {name} ({ctx.t(ROLE_NAMES[role])})" for name, role in people] or [
        ctx.t(N_("  (none yet)"))
    ]
