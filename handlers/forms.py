"""Filling in forms: /register, /report, form buttons, typed answers and files, receipts."""

from __future__ import annotations

from bot.context import Context
from bot.db.models import Deadline, Submission
from bot.events import Button, Incoming, Outcome, Reply
from bot.forms.prompts import answer_lines
from bot.forms.steps import Step
from bot.i18n import N_
from bot.routing import REPORTING_ROLES, UNIT_ROLES, Router, button_argument
from bot.services.obligations.deadlines import owed_deadline, school_year_of, unit_deadlines
from bot.services.reporting import drafts, office_drafts
from bot.services.reporting.drafts import DraftRow, FormSession
from bot.services.reporting.submissions import Receipt, SubmitRefused, submit_draft
from handlers import documents, tables
from handlers.common import menu_buttons, menu_reply, refused
from handlers.exemplars import receipt_questions

REGISTRATION = "registration"
SUMMARY_WIDTH = 60


def register(router: Router) -> None:
    router.command(
        "register",
        start_registration,
        allowed=UNIT_ROLES,
        description=N_("Emulation registration for this school year"),
    )
    router.button("register", start_registration, allowed=UNIT_ROLES)
    router.command(
        "report", choose_report, allowed=REPORTING_ROLES, description=N_("Submit a report")
    )
    router.button("report", choose_report, allowed=REPORTING_ROLES)
    router.button("open", open_deadline, allowed=REPORTING_ROLES)
    router.button("fresh", start_afresh, allowed=REPORTING_ROLES)
    router.button("f", press, allowed=REPORTING_ROLES, lean=True)


# ---- choosing a form ---------------------------------------------------------------------------


async def start_registration(_event: Incoming, ctx: Context) -> Outcome:
    items = await unit_deadlines(ctx.session, ctx.unit, ctx.clock.now())
    open_ones = [i.deadline for i in items if i.deadline.form_code == REGISTRATION]
    if not open_ones:
        return Outcome(
            [menu_reply(ctx, ctx.t(N_("No emulation registration is open for your unit now.")))]
        )
    # Last year's registration, if still owed, matters less than this year's.
    this_year = school_year_of(ctx.clock.now().astimezone(ctx.t.zone).date())
    current = [d for d in open_ones if d.school_year == this_year]
    return await _open((current or open_ones)[0], ctx)


async def choose_report(_event: Incoming, ctx: Context) -> Outcome:
    _ = ctx.t
    items = await unit_deadlines(ctx.session, ctx.unit, ctx.clock.now())
    reports = [i.deadline for i in items if i.deadline.form_code != REGISTRATION]
    if not reports:
        return Outcome([menu_reply(ctx, _("Your unit has no report to submit now."))])
    buttons = tuple(
        (Button(f"{d.title_in(ctx.t.locale)} · {ctx.t.cutoff(d.due_at)}", f"open:{d.id}"),)
        for d in reports
    )
    return Outcome([Reply(_("Which report do you want to fill in?"), buttons=buttons)])


async def open_deadline(event: Incoming, ctx: Context) -> Outcome:
    deadline = await _owed_deadline(button_argument(event.payload), ctx)
    if deadline is None:
        return await refused(event, ctx)
    return await _open(deadline, ctx)


async def start_afresh(event: Incoming, ctx: Context) -> Outcome:
    """After a refused stale save: drop this person's draft and start from the latest version."""
    deadline = await _owed_deadline(button_argument(event.payload), ctx)
    if deadline is None:
        return await refused(event, ctx)
    await drafts.discard_own(ctx.session, ctx.person, ctx.unit, deadline)
    return await _open(deadline, ctx)


async def _owed_deadline(argument: str, ctx: Context) -> Deadline | None:
    """The deadline a button names, only if the person's unit is in its audience."""
    return await owed_deadline(ctx.session, ctx.unit, int(argument)) if argument.isdigit() else None


async def _open(deadline: Deadline, ctx: Context) -> Outcome:
    # What is typed next answers this form, not something asked before (a name, a reason).
    await office_drafts.pause(ctx.session, ctx.person_id)
    try:
        opened = await drafts.open_form(
            ctx.session, ctx.clock, ctx.person, ctx.unit, deadline, ctx.t
        )
    except SubmitRefused as refusal:
        return Outcome([menu_reply(ctx, _refusal_text(refusal, ctx))])
    return _reply(opened.flow.show(opened.note))


# ---- answering -------------------------------------------------------------------------------


async def press(event: Incoming, ctx: Context) -> Outcome:
    """A form button: ``f:<draft>:<turn>:<verb>``; only the draft's own author may press it."""
    parts = event.payload.split(":")
    valid = len(parts) == 4 and parts[1].isdigit()
    draft = await drafts.draft_row(ctx.session, int(parts[1])) if valid else None
    if draft is None or not _own(draft, ctx) or not parts[2].isdigit():
        return await _gone(ctx)
    opened = await drafts.resume_row(ctx.session, ctx.t, draft)
    if not draft.active:  # a button of a form put aside: it becomes the one in progress
        await drafts.pause_all(ctx.session, ctx.person_id)
    if parts[3] == "sheet":  # a table's template: sent, the draft unchanged
        return await tables.send_template(opened, int(parts[2]), ctx)
    return await _advance(opened, opened.flow.press(parts[3], int(parts[2])), ctx)


async def continue_form(event: Incoming, ctx: Context) -> Outcome | None:
    """Free text or a file: an answer to the form in progress; None if there is none."""
    draft = await drafts.active_draft(ctx.session, ctx.person_id)
    if draft is None or not _own(draft, ctx):
        return None
    opened = await drafts.resume_row(ctx.session, ctx.t, draft)
    if tables.takes(opened.flow, event):  # a table's rows, as a file or pasted
        received = await tables.receive(opened, event, ctx)
        if isinstance(received, Outcome):  # refused: the draft stays exactly as it was
            return received
        return await _advance(opened, received, ctx)
    return await _advance(opened, opened.flow.give(event.text, event.file), ctx)


def _own(draft: DraftRow, ctx: Context) -> bool:
    """The person's draft, for the unit they report for now (not one they have left)."""
    return draft.person_id == ctx.person_id and draft.unit_id == ctx.unit_id


async def _advance(opened: FormSession, step: Step, ctx: Context) -> Outcome:
    if opened.note:
        step.text = f"{opened.note}\n\n{step.text}"
    if step.finished == "cancel":
        await drafts.save(ctx.session, opened, ctx.clock, active=False)
        return Outcome([menu_reply(ctx, step.text)])
    await drafts.save(ctx.session, opened, ctx.clock)
    if step.finished == "submit":
        return await _submit(opened, ctx)
    return _reply(step)


async def _submit(opened: FormSession, ctx: Context) -> Outcome:
    # Form steps are lean; a submission needs the person and the unit as ORM objects.
    await ctx.load()
    try:
        receipt = await submit_draft(ctx.session, ctx.clock, opened.draft.id, ctx.person)
    except SubmitRefused as refusal:
        return _refused(refusal, ctx)
    questions = await receipt_questions(receipt.questions, ctx)
    paper = (documents.button(receipt.submission.id, ctx),)
    text = _receipt(receipt, opened, ctx)
    return Outcome([Reply(text, buttons=(paper, *menu_buttons(ctx))), *questions])


# ---- what is shown -----------------------------------------------------------------------------


def _reply(step: Step) -> Outcome:
    return Outcome([Reply(step.text, buttons=tuple(tuple(row) for row in step.buttons))])


def _receipt(receipt: Receipt, opened: FormSession, ctx: Context) -> str:
    _ = ctx.t
    submission, deadline = receipt.submission, receipt.deadline
    lines = [
        _("✅ Received: {form} of {unit}.", form=_(opened.flow.form.title), unit=ctx.unit.name),
        _(
            "Receipt: {reference} · version {version} · {time}",
            reference=submission.reference,
            version=submission.version,
            time=_.datetime(receipt.at),
        ),
    ]
    if submission.late:
        lines.append(
            _(
                "⚠️ Submitted after the deadline ({due}): marked late.",
                due=_.cutoff(deadline.due_at),
            )
        )
    else:
        lines.append(
            _("You can still change it until {due} (/mystatus).", due=_.cutoff(deadline.due_at))
        )
    if receipt.models_owed:
        models = ", ".join(str(number) for number in receipt.models_owed)
        lines.append(
            _(
                "🟡 Your unit still owes this report for pilot model(s) {models}: change it to "
                "add them (/mystatus).",
                models=models,
            )
        )
    lines.append(_("Summary:"))
    lines += [f"• {line}" for line in _summary(opened)]
    return "\n".join(lines)


def _summary(opened: FormSession) -> list[str]:
    flow = opened.flow
    return answer_lines(flow.form, flow.answers, flow.env, width=SUMMARY_WIDTH)


def _refused(refusal: SubmitRefused, ctx: Context) -> Outcome:
    text = _refusal_text(refusal, ctx)
    if refusal.reason != SubmitRefused.STALE:
        return Outcome([menu_reply(ctx, text)])
    latest = Button(ctx.t(N_("🔄 Open the latest version")), f"fresh:{refusal.deadline.id}")
    return Outcome([Reply(text, buttons=((latest,),))])


def _refusal_text(refusal: SubmitRefused, ctx: Context) -> str:
    _ = ctx.t
    submission: Submission = refusal.submission
    deadline = refusal.deadline
    if refusal.reason == SubmitRefused.CLOSED:
        return _(
            "The deadline ({due}) has passed: this submission can no longer be changed. "
            "Please contact the Department office if something must be corrected.",
            due=_.cutoff(deadline.due_at),
        )
    return _(
        "Not saved: someone else in your unit saved this report meanwhile (version {version}, "
        "{time}). Nothing was overwritten and your draft is kept. Open the latest version to "
        "make your changes on top of it.",
        version=submission.version,
        time=_.datetime(submission.updated_at),
    )


async def _gone(ctx: Context) -> Outcome:
    text = ctx.t(N_("That form is no longer open: it was submitted or replaced. See /mystatus."))
    return Outcome([menu_reply(ctx, text)], notice=ctx.t(N_("This button is no longer valid.")))
