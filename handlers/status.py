"""/mystatus: what the unit has submitted (reference, version, late) and what it still owes."""

from __future__ import annotations

from bot.context import Context
from bot.db.models import Deadline, Submission, SubmissionStatus
from bot.events import Button, Incoming, Outcome, Reply
from bot.i18n import N_
from bot.routing import REPORTING_ROLES, Router
from bot.services.obligations.deadlines import unit_deadlines, unit_submissions
from bot.services.reporting.submissions import STATUS_NAMES, editable
from handlers import documents
from handlers.common import menu_buttons


def register(router: Router) -> None:
    description = N_("What your unit has submitted and still owes")
    router.command("mystatus", show, allowed=REPORTING_ROLES, description=description)
    router.button("mystatus", show, allowed=REPORTING_ROLES)


async def show(_event: Incoming, ctx: Context) -> Outcome:
    _ = ctx.t
    now = ctx.clock.now()
    submitted = await unit_submissions(ctx.session, ctx.unit)
    lines, buttons = [_("Status of {unit}:", unit=ctx.unit.name)], []
    changeable = set()
    for submission, deadline in sorted(submitted, key=lambda item: item[0].first_submitted_at):
        lines.append(_submission_line(submission, deadline, ctx))
        paper = _("📄 Document: {title}", title=deadline.title_in(_.locale))
        buttons.append((documents.button(submission.id, ctx, paper),))
        if await editable(ctx.session, submission, deadline, now):
            changeable.add(deadline.id)
            label = _("✏️ Change: {title}", title=deadline.title_in(_.locale))
            buttons.append((Button(label, f"open:{deadline.id}"),))
    owed = [item for item in await unit_deadlines(ctx.session, ctx.unit, now) if item.owed]
    if owed:
        lines.append(_("Still to submit:"))
    for item in owed:
        deadline, title = item.deadline, item.deadline.title_in(_.locale)
        lines.append(_("• {title} — last day {time}", title=title, time=_.cutoff(deadline.due_at)))
        if item.models_owed:
            models = ", ".join(str(number) for number in item.models_owed)
            lines.append(_("   for pilot model(s) {models}", models=models))
        if deadline.id not in changeable:
            buttons.append((Button(_("📝 Fill in: {title}", title=title), f"open:{deadline.id}"),))
    if len(lines) == 1:
        lines.append(_("Nothing submitted and nothing owed right now."))
    return Outcome([Reply("\n".join(lines), buttons=(*buttons, *menu_buttons(ctx)))])


def _submission_line(submission: Submission, deadline: Deadline, ctx: Context) -> str:
    _ = ctx.t
    line = _(
        "• {title}: {status} · {reference} · version {version} · {time}",
        title=deadline.title_in(_.locale),
        status=_(STATUS_NAMES[submission.status]),
        reference=submission.reference,
        version=submission.version,
        time=_.datetime(submission.updated_at),
    )
    line += _(" · late") if submission.late else ""
    if submission.status == SubmissionStatus.RETURNED and submission.review_note:
        line += "\n   " + _("Reason given by the office: {reason}", reason=submission.review_note)
    return line
