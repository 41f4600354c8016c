"""Filling in forms: /register, /report, form buttons, typed answers and files, receipts."""

from __future__ import annotations

from bot.context import Context
from bot.db import audit
from bot.db.models import Deadline, FormDraft, Submission
from bot.db.repositories import FormRepository, PlanRepository
from bot.db.repositories.forms import DraftRow
from bot.events import Button, Incoming, Outcome, Reply
from bot.forms.catalog import form_for
from bot.forms.flow import Step
from bot.forms.prompts import answer_lines
from bot.i18n import N_
from bot.routing import UNIT_ROLES, Router, button_argument
from bot.services.obligations.deadlines import school_year_of, unit_deadlines
from bot.services.reporting import drafts as form_service
from bot.services.reporting.submissions import Receipt, SubmitRefused, submit
from handlers.menu import menu_reply, not_understood, refused

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
    router.command("report", choose_report, allowed=UNIT_ROLES, description=N_("Submit a report"))
    router.button("report", choose_report, allowed=UNIT_ROLES)
    router.button("open", open_deadline, allowed=UNIT_ROLES)
    router.button("fresh", start_afresh, allowed=UNIT_ROLES)
    router.button("f", press, allowed=UNIT_ROLES, lean=True)


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
        (Button(f"{d.title_in(ctx.t.locale)} · {ctx.t.date(d.due_at)}", f"open:{d.id}"),)
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
    draft = await FormRepository(ctx.session).own_draft(ctx.person, ctx.unit, deadline)
    if draft is not None:
        await ctx.session.delete(draft)
        await ctx.session.flush()
    return await _open(deadline, ctx)


async def _owed_deadline(argument: str, ctx: Context) -> Deadline | None:
    """The deadline a button names, only if the person's unit is in its audience."""
    if not argument.isdigit():
        return None
    deadline = await FormRepository(ctx.session).deadline(int(argument))
    if deadline is None or form_for(deadline.form_code) is None:
        return None
    owed = await PlanRepository(ctx.session).owed_by(ctx.unit, [deadline])
    return deadline if owed else None


async def _open(deadline: Deadline, ctx: Context) -> Outcome:
    try:
        opened = await form_service.open_form(
            ctx.session, ctx.clock, ctx.person, ctx.unit, deadline, ctx.t
        )
    except SubmitRefused as refusal:
        return Outcome([menu_reply(ctx, _refusal_text(refusal, deadline, ctx))])
    return _reply(opened.flow.show(opened.note))


# ---- answering -------------------------------------------------------------------------------


async def press(event: Incoming, ctx: Context) -> Outcome:
    """A form button: ``f:<draft>:<turn>:<verb>``; only the draft's own author may press it."""
    parts = event.payload.split(":")
    repo = FormRepository(ctx.session)
    draft = await repo.draft(int(parts[1])) if len(parts) == 4 and parts[1].isdigit() else None
    if draft is None or not _own(draft, ctx) or not parts[2].isdigit():
        return await _gone(ctx)
    opened = await _resume(draft, ctx)
    if not draft.active:  # a button of a form put aside: it becomes the one in progress
        await repo.pause_all(ctx.person_id)
    return await _advance(opened, opened.flow.press(parts[3], int(parts[2])), ctx)


async def continue_or_not_understood(event: Incoming, ctx: Context) -> Outcome:
    """Free text or a file: an answer to the form in progress, if there is one."""
    draft = await FormRepository(ctx.session).active_draft(ctx.person_id)
    if draft is None or not _own(draft, ctx):
        return await not_understood(event, ctx)
    opened = await _resume(draft, ctx)
    return await _advance(opened, opened.flow.give(event.text, event.file), ctx)


def _own(draft: DraftRow, ctx: Context) -> bool:
    """The person's draft, for the unit they report for now (not one they have left)."""
    return draft.person_id == ctx.person_id and draft.unit_id == ctx.unit_id


async def _resume(draft: DraftRow, ctx: Context) -> form_service.FormSession:
    env = await form_service.draft_env(ctx.session, ctx.t, draft)
    return form_service.resume(draft, form_for(draft.form_code), env)


async def _advance(opened: form_service.FormSession, step: Step, ctx: Context) -> Outcome:
    if opened.note:
        step.text = f"{opened.note}\n\n{step.text}"
    if step.finished == "cancel":
        await form_service.save(ctx.session, opened, ctx.clock, active=False)
        return Outcome([menu_reply(ctx, step.text)])
    await form_service.save(ctx.session, opened, ctx.clock)
    if step.finished == "submit":
        return await _submit(opened, ctx)
    return _reply(step)


async def _submit(opened: form_service.FormSession, ctx: Context) -> Outcome:
    # Form steps are lean; a submission needs the ORM objects: the person, the unit, the
    # draft (as just saved) and its deadline.
    await ctx.load()
    draft = await ctx.session.get(FormDraft, opened.draft.id)
    deadline = await ctx.session.get(Deadline, draft.deadline_id)
    try:
        receipt = await submit(ctx.session, ctx.clock, draft, deadline, ctx.person)
    except SubmitRefused as refusal:
        draft.active = False
        await audit.record(
            ctx.session,
            at=ctx.clock.now(),
            actor=audit.person_actor(ctx.person.id),
            action="submission.refused",
            subject=f"submission:{refusal.submission.id}",
            reason=refusal.reason,
            base_version=draft.base_version,
        )
        return _refused(refusal, deadline, ctx)
    return Outcome([menu_reply(ctx, _receipt(receipt, opened, deadline, ctx))])


# ---- what is shown -----------------------------------------------------------------------------


def _reply(step: Step) -> Outcome:
    return Outcome([Reply(step.text, buttons=tuple(tuple(row) for row in step.buttons))])


def _receipt(
    receipt: Receipt, opened: form_service.FormSession, deadline: Deadline, ctx: Context
) -> str:
    _ = ctx.t
    submission = receipt.submission
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
                due=_.datetime(deadline.due_at),
            )
        )
    else:
        lines.append(
            _("You can still change it until {due} (/mystatus).", due=_.datetime(deadline.due_at))
        )
    lines.append(_("Summary:"))
    lines += [f"• {line}" for line in _summary(opened)]
    return "\n".join(lines)


def _summary(opened: form_service.FormSession) -> list[str]:
    flow = opened.flow
    return answer_lines(flow.form, flow.answers, flow.env, width=SUMMARY_WIDTH)


def _refused(refusal: SubmitRefused, deadline: Deadline, ctx: Context) -> Outcome:
    text = _refusal_text(refusal, deadline, ctx)
    if refusal.reason != SubmitRefused.STALE:
        return Outcome([menu_reply(ctx, text)])
    buttons = ((Button(ctx.t(N_("🔄 Open the latest version")), f"fresh:{deadline.id}"),),)
    return Outcome([Reply(text, buttons=buttons)])


def _refusal_text(refusal: SubmitRefused, deadline: Deadline, ctx: Context) -> str:
    _ = ctx.t
    submission: Submission = refusal.submission
    if refusal.reason == SubmitRefused.CLOSED:
        return _(
            "The deadline ({due}) has passed: this submission can no longer be changed. "
            "Please contact the Department office if something must be corrected.",
            due=_.datetime(deadline.due_at),
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
