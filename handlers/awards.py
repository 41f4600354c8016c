"""Recording awards: a short form opened from a unit's card, or a spreadsheet of decisions."""

from __future__ import annotations

from bot.context import Context
from bot.db.models import OfficeDraft, Unit
from bot.events import Button, Incoming, Outcome, Reply
from bot.forms.steps import Step
from bot.i18n import N_
from bot.routing import OFFICE_ONLY, Router, button_argument
from bot.services.awards import recording
from bot.services.awards.importing import import_awards
from bot.services.awards.register import AwardEntry
from bot.services.documents.spreadsheets import SpreadsheetError
from bot.services.reporting import drafts
from handlers.common import menu_reply, refused

SHEET_SUFFIXES = (".xlsx", ".csv")
# A phone screen's worth: the first problems show the clerk what to fix in the rest.
PROBLEMS_SHOWN = 25


def register(router: Router) -> None:
    description = N_("Record awards from decisions")
    router.command("awards", explain, allowed=OFFICE_ONLY, description=description)
    router.button("awards", explain, allowed=OFFICE_ONLY)
    router.button("aw+", start, allowed=OFFICE_ONLY)
    router.button("aw", press, allowed=OFFICE_ONLY)


def record_button(unit: Unit, ctx: Context) -> Button:
    return Button(ctx.t(N_("🏅 Record an award for this unit")), f"aw+:{unit.id}")


async def explain(_event: Incoming, ctx: Context) -> Outcome:
    text = ctx.t(
        N_(
            "To record one award, open the unit's card with /unit and part of its name, then "
            "press “🏅 Record an award for this unit”.\nTo record many at once, send me the "
            "spreadsheet of decisions (XLSX or CSV) with the columns: award type, recipient, "
            "collective or individual, unit, decision number, decision date."
        )
    )
    return Outcome([menu_reply(ctx, text)])


async def start(event: Incoming, ctx: Context) -> Outcome:
    """The award form for a unit: the one put aside for it is resumed, else a new one."""
    argument = button_argument(event.payload)
    form = None
    if argument.isdigit():
        form = await recording.open_form(ctx.session, ctx.clock, ctx.t, ctx.person, int(argument))
    if form is None:
        return await refused(event, ctx)
    return _reply(form.opened.flow.show(form.opened.note), form.unit)


async def press(event: Incoming, ctx: Context) -> Outcome:
    """A form button: ``aw:<draft>:<turn>:<verb>``; only the draft's own author may press it."""
    parts = event.payload.split(":")
    valid = len(parts) == 4 and parts[1].isdigit() and parts[2].isdigit()
    form = None
    if valid:
        form = await recording.pressed_form(ctx.session, ctx.t, int(parts[1]), ctx.person)
    if form is None:
        return await refused(event, ctx)
    return await _advance(form, form.opened.flow.press(parts[3], int(parts[2])), ctx)


async def typed(draft: OfficeDraft, event: Incoming, ctx: Context) -> Outcome:
    form = await recording.resume_form(ctx.session, ctx.t, draft)
    return await _advance(form, form.opened.flow.give(event.text, event.file), ctx)


async def _advance(form: recording.AwardForm, step: Step, ctx: Context) -> Outcome:
    if step.finished == "submit":
        entry = form.entry()
        problem = await recording.problem(ctx.session, ctx.clock, ctx.t, entry)
        if problem is None:
            done = await recording.record(ctx.session, ctx.clock, ctx.t, form, entry, ctx.person)
            return Outcome([menu_reply(ctx, _recorded(entry, done, ctx))])
        step = form.opened.flow.back_to_review(problem)
    active = step.finished != "cancel"
    await drafts.save(ctx.session, form.opened, ctx.clock, active=active)
    if not active:
        return Outcome([menu_reply(ctx, step.text)])
    return _reply(step, form.unit)


def _recorded(entry: AwardEntry, done: recording.Recorded, ctx: Context) -> str:
    _ = ctx.t
    values = {
        "recipient": entry.recipient_name,
        "number": entry.decision_number,
        "date": entry.decision_date.strftime("%d/%m/%Y"),
    }
    if not done.created:
        return _(
            "This award was already recorded (decision {number} of {date}, {recipient}); "
            "nothing was added.",
            **values,
        )
    if done.outside_period:
        return _("🏅 Recorded: {recipient}, decision {number} of {date}.", **values) + (
            "\n" + done.outside_period
        )
    return _(
        "🏅 Recorded: {recipient}, decision {number} of {date}. It now counts toward the "
        "targets (/progress).",
        **values,
    )


def _reply(step: Step, unit: Unit) -> Outcome:
    text = f"🏅 {unit.name}\n{step.text}"
    return Outcome([Reply(text, buttons=tuple(tuple(row) for row in step.buttons))])


async def spreadsheet(event: Incoming, ctx: Context) -> Outcome:
    """A spreadsheet of decisions sent to the bot: every award in it recorded, or, if any row
    is wrong, nothing recorded and every problem listed so the clerk fixes the file once."""
    _ = ctx.t
    file = event.file
    if not file.file_name.lower().endswith(SHEET_SUFFIXES):
        text = _(
            "To record awards from a file, send the spreadsheet of decisions as XLSX or CSV. "
            "/awards explains the columns."
        )
        return Outcome([menu_reply(ctx, text)])
    try:
        summary = await import_awards(
            ctx.session,
            ctx.clock,
            await ctx.read_file(file),
            _,
            actor=ctx.actor,
            file_name=file.file_name,
        )
    except SpreadsheetError as error:
        return Outcome([menu_reply(ctx, _problems(error.problems, ctx))])
    counted = _("Recorded awards count toward the targets (/progress).")
    return Outcome([menu_reply(ctx, f"{summary.describe(_)}\n{counted}")])


def _problems(problems: list[str], ctx: Context) -> str:
    shown = problems[:PROBLEMS_SHOWN]
    lines = [ctx.t(N_("Nothing was recorded. Please correct the file and send it again:"))]
    lines += [f"• {problem}" for problem in shown]
    if len(problems) > len(shown):
        lines.append(ctx.t(N_("…and {count} more."), count=len(problems) - len(shown)))
    return "\n".join(lines)
