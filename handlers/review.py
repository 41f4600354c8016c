"""The office's review queue: open what a unit submitted, accept it or return it with a reason.

Buttons carry the submission and the version the clerk read (``rva:<id>:<version>``), so a
decision never lands on a version nobody in the office has seen.
"""

from __future__ import annotations

from bot.context import Context
from bot.db.models import OfficeDraft, SubmissionStatus
from bot.events import Button, Document, Incoming, Outcome, Reply
from bot.i18n import N_
from bot.routing import OFFICE_ONLY, Router, button_argument
from bot.services.reporting import review
from bot.services.reporting.review import Decision, DecisionRefused, QueueItem
from handlers import documents
from handlers.common import menu_reply, menu_row, refused
from handlers.submission_card import card_lines

PAGE = 8
MIN_REASON, MAX_REASON = 5, 1000


def register(router: Router) -> None:
    description = N_("Review what units submitted")
    router.command("review", show_queue, allowed=OFFICE_ONLY, description=description)
    router.button("review", show_queue, allowed=OFFICE_ONLY)
    router.button("rvp", show_queue, allowed=OFFICE_ONLY)
    router.button("rv", open_submission, allowed=OFFICE_ONLY)
    router.button("rvf", send_file, allowed=OFFICE_ONLY)
    router.button("rva", accept, allowed=OFFICE_ONLY)
    router.button("rvr", ask_reason, allowed=OFFICE_ONLY)


async def show_queue(event: Incoming, ctx: Context) -> Outcome:
    argument = button_argument(event.payload) if event.payload else ""
    return Outcome([await _queue(ctx, int(argument) if argument.isdigit() else 0)])


async def _queue(ctx: Context, offset: int) -> Reply:
    _ = ctx.t
    items, total = await review.waiting(ctx.session, offset=offset, limit=PAGE)
    if total == 0:
        return menu_reply(ctx, _("Nothing awaits review: every submission has been decided."))
    text = _.plural(
        "{count} submission awaits review, longest waiting first:",
        "{count} submissions await review, longest waiting first:",
        total,
    )
    rows = [(Button(_queue_label(entry, ctx), f"rv:{entry.submission.id}"),) for entry in items]
    pages = []
    if offset > 0:
        pages.append(Button(_("⬅️ Previous"), f"rvp:{max(offset - PAGE, 0)}"))
    if offset + PAGE < total:
        pages.append(Button(_("Next ➡️"), f"rvp:{offset + PAGE}"))
    return Reply(text, buttons=(*rows, *((tuple(pages),) if pages else ()), menu_row(ctx)))


def _queue_label(entry: QueueItem, ctx: Context) -> str:
    title = entry.deadline.title_in(ctx.t.locale)
    late = ctx.t(" · late") if entry.submission.late else ""
    return f"{entry.unit.name} · {title}{late}"


async def open_submission(event: Incoming, ctx: Context) -> Outcome:
    chosen = await _chosen(button_argument(event.payload), ctx)
    if chosen is None:
        return await refused(event, ctx)
    return Outcome([await _card(chosen, ctx)])


async def _chosen(argument: str, ctx: Context) -> QueueItem | None:
    submission_id = argument.split(":", 1)[0]
    return await review.item(ctx.session, int(submission_id)) if submission_id.isdigit() else None


async def _card(chosen: QueueItem, ctx: Context, note: str = "") -> Reply:
    """The submission as it stands: its answers, its files, and what the office can do."""
    _ = ctx.t
    submission = chosen.submission
    version, files = await review.standing_version(ctx.session, submission)
    lines = ([note] if note else []) + await card_lines(chosen, version, ctx)
    buttons = [(Button(f"📎 {file.file_name}", f"rvf:{file.id}"),) for file in files]
    buttons.append((documents.button(submission.id, ctx),))
    if submission.status == SubmissionStatus.SUBMITTED:
        decision = f"{submission.id}:{submission.version}"
        buttons.append((Button(_("✅ Accept"), f"rva:{decision}"),))
        buttons.append((Button(_("↩️ Return for revision"), f"rvr:{decision}"),))
    buttons.append((Button(_("🗂 Review queue"), "review"),))
    return Reply("\n".join(lines), buttons=tuple(buttons))


async def send_file(event: Incoming, ctx: Context) -> Outcome:
    argument = button_argument(event.payload)
    found = await review.attachment(ctx.session, int(argument)) if argument.isdigit() else None
    if found is None:
        return await refused(event, ctx)
    document = Document(found.file_name, file_ref=found.file_ref, is_photo=found.is_photo)
    return Outcome([Reply(found.file_name, document=document)])


async def accept(event: Incoming, ctx: Context) -> Outcome:
    return await _decide(event, ctx, SubmissionStatus.ACCEPTED)


async def ask_reason(event: Incoming, ctx: Context) -> Outcome:
    """Returning needs a reason: the next thing the clerk types is it."""
    _ = ctx.t
    chosen, version = await _chosen_version(event, ctx)
    if chosen is None:
        return await refused(event, ctx)
    if not _still_as_read(chosen, version):
        return Outcome([await _card(chosen, ctx, _changed_note(ctx))])
    await review.start_return(ctx.session, ctx.clock, ctx.person, chosen, version)
    text = _(
        "Type the reason for returning {reference} of {unit}; the unit will read it. "
        "(/cancel to stop.)",
        reference=chosen.submission.reference,
        unit=chosen.unit.name,
    )
    return Outcome([Reply(text)])


async def reason_typed(draft: OfficeDraft, event: Incoming, ctx: Context) -> Outcome:
    _ = ctx.t
    reason = " ".join((event.text or "").split())
    if not MIN_REASON <= len(reason) <= MAX_REASON:
        text = _(
            "Please type the reason in words, {low} to {high} characters. (/cancel to stop.)",
            low=MIN_REASON,
            high=MAX_REASON,
        )
        return Outcome([Reply(text)])
    chosen, version = await review.reason_for(ctx.session, draft)
    if chosen is None:
        return await refused(event, ctx)
    decision = Decision(SubmissionStatus.RETURNED, version, reason)
    return await _decided(chosen, decision, ctx)


async def _decide(event: Incoming, ctx: Context, status: SubmissionStatus) -> Outcome:
    chosen, version = await _chosen_version(event, ctx)
    if chosen is None:
        return await refused(event, ctx)
    return await _decided(chosen, Decision(status, version), ctx)


async def _decided(chosen: QueueItem, decision: Decision, ctx: Context) -> Outcome:
    _ = ctx.t
    try:
        await review.decide(ctx.session, ctx.clock, _.zone, chosen, decision, ctx.person)
    except DecisionRefused:
        return Outcome([await _card(chosen, ctx, _changed_note(ctx))])
    done = {
        SubmissionStatus.ACCEPTED: N_("✅ Accepted: {reference} of {unit}. The unit is told."),
        SubmissionStatus.RETURNED: N_(
            "↩️ Returned for revision: {reference} of {unit}. The unit is told, with your reason."
        ),
    }[decision.status]
    text = _(done, reference=chosen.submission.reference, unit=chosen.unit.name)
    return Outcome([Reply(text), await _queue(ctx, 0)])


async def _chosen_version(event: Incoming, ctx: Context) -> tuple[QueueItem | None, int]:
    """The submission and version a decision button names: ``<id>:<version>``."""
    parts = button_argument(event.payload).split(":")
    if len(parts) != 2 or not parts[1].isdigit():
        return None, 0
    return await _chosen(parts[0], ctx), int(parts[1])


def _still_as_read(chosen: QueueItem, version: int) -> bool:
    submission = chosen.submission
    return submission.version == version and submission.status == SubmissionStatus.SUBMITTED


def _changed_note(ctx: Context) -> str:
    return ctx.t(
        N_(
            "⚠️ Not done: this submission changed since you opened it (the unit saved a new "
            "version, or another clerk decided). Here it is as it stands now."
        )
    )
