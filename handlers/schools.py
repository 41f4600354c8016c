"""/schools: a district office follows its own schools, deadline by deadline of the school year,
and reads what each submitted (read-only: reviewing is the Sở office's).

Buttons: ``sch:<deadline>`` a deadline's schools, ``schv:<submission>`` one submission. Both are
checked against the office's own schools on the server, whatever the payload says.
"""

from __future__ import annotations

from bot.context import Context
from bot.db.models import Role, Unit
from bot.events import Button, Incoming, Outcome, Reply
from bot.i18n import N_
from bot.routing import Router, button_argument
from bot.services.obligations import schools
from bot.services.reporting import review
from bot.services.setup.units import DISTRICT_OFFICE
from handlers.common import menu_reply, menu_row, refused
from handlers.submission_card import card_lines

ALLOWED = frozenset({Role.HEAD})


def register(router: Router) -> None:
    description = N_("A district office: its schools' submissions")
    router.command("schools", choose, allowed=ALLOWED, description=description)
    router.button("sch", show_deadline, allowed=ALLOWED)
    router.button("schv", show_submission, allowed=ALLOWED)


def _office(ctx: Context) -> Unit | None:
    """The district office the person heads; None for a school's head."""
    unit = ctx.unit
    return unit if unit is not None and unit.kind == DISTRICT_OFFICE else None


async def choose(event: Incoming, ctx: Context) -> Outcome:
    office = _office(ctx)
    if office is None:
        return await refused(event, ctx)
    _ = ctx.t
    deadlines = await schools.open_deadlines(ctx.session, office, ctx.clock.now(), _.zone)
    if not deadlines:
        return Outcome([menu_reply(ctx, _("Your schools owe nothing this school year."))])
    buttons = tuple(
        (Button(f"{d.title_in(_.locale)} · {_.cutoff(d.due_at)}", f"sch:{d.id}"),)
        for d in deadlines
    )
    return Outcome([Reply(_("Your schools: which deadline?"), buttons=(*buttons, menu_row(ctx)))])


async def show_deadline(event: Incoming, ctx: Context) -> Outcome:
    argument, office = button_argument(event.payload), _office(ctx)
    deadline = None
    if office is not None and argument.isdigit():
        deadline = await schools.office_deadline(ctx.session, office, int(argument))
    if deadline is None:
        return await refused(event, ctx)
    _ = ctx.t
    lines = await schools.school_lines(ctx.session, office, deadline)
    owing = sum(line.owes for line in lines)
    text = [
        _(
            "{title}, last day {due}\n{schools} schools: {done} submitted, {owing} still owe it",
            title=deadline.title_in(_.locale),
            due=_.cutoff(deadline.due_at),
            schools=len(lines),
            done=len(lines) - owing,
            owing=owing,
        )
    ]
    text += [f"{'❌' if line.owes else '✅'} {line.unit.name}" for line in lines]
    buttons = tuple(
        (Button(f"📄 {line.unit.name}", f"schv:{line.submission.id}"),)
        for line in lines
        if line.submission is not None
    )
    return Outcome([Reply("\n".join(text), buttons=(*buttons, menu_row(ctx)))])


async def show_submission(event: Incoming, ctx: Context) -> Outcome:
    argument, office = button_argument(event.payload), _office(ctx)
    chosen = None
    if office is not None and argument.isdigit():
        chosen = await schools.school_submission(ctx.session, office, int(argument))
    if chosen is None:
        return await refused(event, ctx)
    version, _files = await review.standing_version(ctx.session, chosen.submission)
    back = Button(ctx.t(N_("⬅️ Back to the list")), f"sch:{chosen.deadline.id}")
    text = "\n".join(await card_lines(chosen, version, ctx))
    return Outcome([Reply(text, buttons=((back,), menu_row(ctx)))])
