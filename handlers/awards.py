"""Recording awards: a short form opened from a unit's card, or a spreadsheet of decisions."""

from __future__ import annotations

from datetime import date

from bot.context import Context
from bot.db import audit
from bot.db.models import OfficeDraft, Unit
from bot.db.repositories import OfficeDraftRepository, PlanRepository
from bot.events import Button, Incoming, Outcome, Reply
from bot.forms.flow import Flow, Step
from bot.forms.office import AWARD
from bot.i18n import N_
from bot.routing import OFFICE_ONLY, Router, button_argument
from bot.services.awards.importing import import_awards
from bot.services.awards.register import (
    AwardEntry,
    award_type_of,
    decision_date_problem,
    kind_allows,
    record_award,
)
from bot.services.documents.spreadsheets import SpreadsheetError
from bot.services.reporting import drafts as form_service
from handlers.menu import menu_reply, refused

AWARD_KIND = "award"  # the office draft kind
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
    unit = await ctx.session.get(Unit, int(argument)) if argument.isdigit() else None
    plan = await PlanRepository(ctx.session).active()
    if unit is None or plan is None:
        return await refused(event, ctx)
    repo = OfficeDraftRepository(ctx.session)
    draft = await repo.of(ctx.person_id)
    env = await form_service.office_env(ctx.session, ctx.t, plan)
    if draft is not None and draft.kind == AWARD_KIND and draft.subject_id == unit.id:
        opened = form_service.resume(draft, AWARD, env)
    else:
        draft = await repo.start(
            ctx.person,
            kind=AWARD_KIND,
            subject_id=unit.id,
            form_version=AWARD.version,
            now=ctx.clock.now(),
        )
        opened = form_service.FormSession(draft, Flow.begin(AWARD, draft.id, env))
    await form_service.save(ctx.session, opened, ctx.clock)
    return _reply(opened.flow.show(opened.note), unit)


async def press(event: Incoming, ctx: Context) -> Outcome:
    """A form button: ``aw:<draft>:<turn>:<verb>``; only the draft's own author may press it."""
    parts = event.payload.split(":")
    draft_id = int(parts[1]) if len(parts) == 4 and parts[1].isdigit() else None
    draft = await ctx.session.get(OfficeDraft, draft_id) if draft_id else None
    if draft is None or draft.person_id != ctx.person.id or not parts[2].isdigit():
        return await refused(event, ctx)
    opened = await _resume(draft, ctx)
    draft.active = True
    return await _advance(opened, opened.flow.press(parts[3], int(parts[2])), ctx)


async def typed(draft: OfficeDraft, event: Incoming, ctx: Context) -> Outcome:
    opened = await _resume(draft, ctx)
    return await _advance(opened, opened.flow.give(event.text, event.file), ctx)


async def _resume(draft: OfficeDraft, ctx: Context) -> form_service.FormSession:
    plan = await PlanRepository(ctx.session).active()
    return form_service.resume(
        draft, AWARD, await form_service.office_env(ctx.session, ctx.t, plan)
    )


async def _advance(opened: form_service.FormSession, step: Step, ctx: Context) -> Outcome:
    draft = opened.draft
    unit = await ctx.session.get(Unit, draft.subject_id)
    if step.finished == "submit":
        entry = _entry(opened.flow.answers, unit)
        problem = await _problem(entry, ctx)
        if problem is None:
            await ctx.session.delete(draft)
            return Outcome([menu_reply(ctx, await _record(entry, ctx))])
        step = opened.flow.back_to_review(problem)
    await form_service.save(ctx.session, opened, ctx.clock, active=step.finished != "cancel")
    if step.finished == "cancel":
        return Outcome([menu_reply(ctx, step.text)])
    return _reply(step, unit)


def _entry(answers: dict, unit: Unit) -> AwardEntry:
    return AwardEntry(
        award_code=answers["award"],
        # A collective award goes to the unit itself.
        recipient_name=answers.get("recipient") or unit.name,
        collective=answers["kind"] == "collective",
        unit_id=unit.id,
        decision_number=answers["decision_number"],
        decision_date=date.fromisoformat(answers["decision_date"]),
    )


async def _problem(entry: AwardEntry, ctx: Context) -> str | None:
    """What the form alone cannot check: the award type's recipients, the plan's period."""
    _ = ctx.t
    plan = await PlanRepository(ctx.session).active()
    award_type = await award_type_of(ctx.session, entry.award_code)
    if not kind_allows(award_type.kind, entry.collective):
        only = N_("{award} is given to individuals only")
        if not entry.collective:
            only = N_("{award} is given to collectives only")
        problem = _(only, award=award_type.name_en if _.locale == "en" else award_type.name)
    else:
        today = ctx.clock.now().astimezone(_.zone).date()
        problem = decision_date_problem(entry.decision_date, today=today, plan=plan, _=_)
    if problem is None:
        return None
    return _("Not recorded: {problem}. Please change that answer.", problem=problem)


async def _record(entry: AwardEntry, ctx: Context) -> str:
    _ = ctx.t
    _award, created = await record_award(
        ctx.session, ctx.clock, entry, actor=audit.person_actor(ctx.person.id)
    )
    values = {
        "recipient": entry.recipient_name,
        "number": entry.decision_number,
        "date": entry.decision_date.strftime("%d/%m/%Y"),
    }
    if not created:
        return _(
            "This award was already recorded (decision {number} of {date}, {recipient}); "
            "nothing was added.",
            **values,
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
            actor=audit.person_actor(ctx.person.id),
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
