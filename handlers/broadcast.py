"""/broadcast: the office announces something to an audience, previewed with its number of
recipients before it goes; /broadcasts: past announcements and their figures.

The composition is an office draft (kind ``broadcast``), so a restart loses nothing: the
audience chosen, then the message typed or the file sent. Buttons: ``bcl:<kind>`` lists the
districts, models or deadlines to choose from, ``bca:<audience>`` chooses the audience,
``bcs:<draft>`` sends and ``bcx:<draft>`` drops the draft. Only the draft's author may send it,
and sending deletes the draft, so a second press cannot send twice.
"""

from __future__ import annotations

from bot.context import Context
from bot.db.models import BroadcastStatus, OfficeDraft, PilotModel
from bot.events import Button, Document, Incoming, Outcome, Reply
from bot.i18n import N_
from bot.routing import OFFICE_ONLY, Router, button_argument
from bot.services.messaging import broadcast
from bot.services.messaging.broadcast import Audience
from bot.services.obligations.deadlines import plan_deadlines
from bot.services.reporting import office_drafts
from bot.services.setup import units
from bot.services.setup.plan_store import pilot_models
from handlers.common import menu_reply, refused

PAST_SHOWN = 10
NAMED_LABELS = {
    "all": N_("All units"),
    "block:district": N_("District block"),
    "block:so_direct": N_("Sở-direct units"),
    "council": N_("Council members"),
}
LISTS = {
    "district": N_("A district…"),
    "model": N_("A pilot model's units…"),
    "missing": N_("Units missing a deadline…"),
}
STATUS_LABELS = {BroadcastStatus.SENDING: N_("sending"), BroadcastStatus.DONE: N_("finished")}


def register(router: Router) -> None:
    description = N_("Send an announcement to units or the council")
    router.command("broadcast", choose_audience, allowed=OFFICE_ONLY, description=description)
    router.button("broadcast", choose_audience, allowed=OFFICE_ONLY)
    history = N_("Past announcements and their figures")
    router.command("broadcasts", show_past, allowed=OFFICE_ONLY, description=history)
    router.button("broadcasts", show_past, allowed=OFFICE_ONLY)
    router.button("bcl", choose_from_list, allowed=OFFICE_ONLY)
    router.button("bca", audience_chosen, allowed=OFFICE_ONLY)
    router.button("bcs", send, allowed=OFFICE_ONLY)
    router.button("bcx", drop, allowed=OFFICE_ONLY)


async def choose_audience(_event: Incoming, ctx: Context) -> Outcome:
    return Outcome([_audiences(ctx)])


def _audiences(ctx: Context) -> Reply:
    _ = ctx.t
    named = [(label, f"bca:{code}") for code, label in NAMED_LABELS.items()]
    listed = [(label, f"bcl:{kind}") for kind, label in LISTS.items()]
    rows = [(Button(_(label), payload),) for label, payload in [*named[:3], *listed, named[3]]]
    rows.append((Button(_("📜 Past announcements"), "broadcasts"),))
    return Reply(_("📣 Who should receive the announcement?"), buttons=tuple(rows))


async def choose_from_list(event: Incoming, ctx: Context) -> Outcome:
    kind = button_argument(event.payload)
    if kind not in LISTS:
        return await refused(event, ctx)
    options = await _options(kind, ctx)
    rows = tuple((Button(label, f"bca:{kind}:{ref}"),) for label, ref in options)
    return Outcome([Reply(ctx.t(LISTS[kind]), buttons=rows)])


async def _options(kind: str, ctx: Context) -> list[tuple[str, int]]:
    if kind == "district":
        return [(unit.name, unit.id) for unit in await units.district_offices(ctx.session)]
    if kind == "model":
        models = await pilot_models(ctx.session)
        return [(_model_label(model, ctx), model.id) for model in models]
    return [
        (f"{d.title_in(ctx.t.locale)} · {ctx.t.cutoff(d.due_at)}", d.id)
        for d in await plan_deadlines(ctx.session)
    ]


def _model_label(model: PilotModel, ctx: Context) -> str:
    return f"{model.number}. {model.name if ctx.t.locale == 'vi' else model.name_en}"


async def audience_chosen(event: Incoming, ctx: Context) -> Outcome:
    audience = Audience.parse(button_argument(event.payload))
    label = await audience_label(audience, ctx) if audience else None
    if label is None:
        return await refused(event, ctx)
    await broadcast.compose(ctx.session, ctx.clock, ctx.person, audience)
    count = len(await broadcast.recipients(ctx.session, audience))
    text = ctx.t(
        N_(
            "To: {audience} ({recipients}).\nNow type the announcement, or send the "
            "document or photo to pass on (its caption goes with it). (/cancel to stop.)"
        ),
        audience=label,
        recipients=_recipients(ctx, count),
    )
    return Outcome([Reply(text)])


def _recipients(ctx: Context, count: int) -> str:
    return ctx.t.plural(
        "{recipients} recipient", "{recipients} recipients", count, recipients=ctx.t.number(count)
    )


async def audience_label(audience: Audience, ctx: Context) -> str | None:
    """How the office reads an audience; None when it names nothing that exists."""
    subject = await broadcast.subject(ctx.session, audience)
    if subject is None:
        return None
    if audience.code in NAMED_LABELS:
        return ctx.t(NAMED_LABELS[audience.code])
    if audience.kind == "district":
        return subject.name
    if audience.kind == "model":
        return ctx.t(N_("units of pilot model {model}"), model=_model_label(subject, ctx))
    return ctx.t(
        N_("units that have not submitted {deadline}"), deadline=subject.title_in(ctx.t.locale)
    )


async def message_given(draft: OfficeDraft, event: Incoming, ctx: Context) -> Outcome:
    """The announcement typed, or the file to pass on: kept in the draft, then previewed."""
    message = _message(event)
    if message is None:
        text = ctx.t(
            N_("Please type the announcement, or send a document or photo. (/cancel to stop.)")
        )
        return Outcome([Reply(text)])
    broadcast.set_message(draft, message, ctx.clock.now())
    return await _preview(draft, message, ctx)


def _message(event: Incoming) -> Reply | None:
    text = (event.text or "").strip()
    if event.file is not None:
        file = event.file
        document = Document(file.file_name, file_ref=file.file_ref, is_photo=file.is_photo)
        return Reply(text, document=document)
    return Reply(text) if text else None


async def _preview(draft: OfficeDraft, message: Reply, ctx: Context) -> Outcome:
    _ = ctx.t
    audience, _message = broadcast.composed(draft)
    label = await audience_label(audience, ctx)
    count = len(await broadcast.recipients(ctx.session, audience))
    if count == 0:
        text = _(
            "Nobody in “{audience}” can receive it yet. Choose another audience:", audience=label
        )
        return Outcome([Reply(text), _audiences(ctx)])
    recipients = _recipients(ctx, count)
    header = _(
        "Preview. To: {audience}, {recipients}. They will receive:",
        audience=label,
        recipients=recipients,
    )
    buttons = (
        (Button(_("✅ Send to {recipients}", recipients=recipients), f"bcs:{draft.id}"),),
        (Button(_("❌ Cancel"), f"bcx:{draft.id}"),),
    )
    question = _("Send it? To change the text, just type it again.")
    return Outcome([Reply(header), message, Reply(question, buttons=buttons)])


async def send(event: Incoming, ctx: Context) -> Outcome:
    draft = await _own_draft(event, ctx)
    if draft is None or broadcast.composed(draft)[1] is None:
        return await refused(event, ctx)
    sent = await broadcast.send_composition(ctx.session, ctx.clock, ctx.channel_identity, draft)
    text = ctx.t(
        N_(
            "📣 Announcement #{number} is on its way to {recipients}. Its progress shows "
            "below; a report follows when it is done."
        ),
        number=sent.id,
        recipients=_recipients(ctx, sent.recipients),
    )
    return Outcome([menu_reply(ctx, text)], notice=ctx.t(N_("Sending")))


async def drop(event: Incoming, ctx: Context) -> Outcome:
    draft = await _own_draft(event, ctx)
    if draft is None:
        return await refused(event, ctx)
    await office_drafts.discard(ctx.session, draft)
    return Outcome([menu_reply(ctx, ctx.t(N_("Announcement cancelled; nothing was sent.")))])


async def _own_draft(event: Incoming, ctx: Context) -> OfficeDraft | None:
    argument = button_argument(event.payload)
    if not argument.isdigit():
        return None
    return await broadcast.composition(ctx.session, int(argument), ctx.person_id)


async def show_past(_event: Incoming, ctx: Context) -> Outcome:
    _ = ctx.t
    past = await broadcast.past(ctx.session, PAST_SHOWN)
    if not past:
        return Outcome([menu_reply(ctx, _("No announcement has been sent yet."))])
    counted = await broadcast.figures(ctx.session, past)
    lines = [_("📜 Latest announcements:")]
    for sent in past:
        figures = counted[sent.id]
        lines.append(
            _(
                "#{number} · {date} · {audience}: delivered {sent}/{total}, {failed} failed "
                "({status})",
                number=sent.id,
                date=_.datetime(sent.created_at),
                audience=await audience_label(Audience(**sent.audience), ctx) or "—",
                sent=_.number(figures.sent),
                total=_.number(figures.total),
                failed=_.number(figures.failed),
                status=_(STATUS_LABELS[sent.status]),
            )
        )
    return Outcome([menu_reply(ctx, "\n".join(lines))])
