"""Changes to an exemplar record from its card: the unit renames it, says it is the same as
another of its records, or that it is no longer an exemplar (with a reason); the office moves
its stage, adds a note or chooses it for pilot steering, and the unit is told.

Buttons: ``exs:<id>:<stage>``, ``exn:<id>`` (a note, typed next), ``exp:<id>[:<model>]`` (steer
it as a pilot of a model this school year), ``exe:<id>:rename|retire`` (typed next),
``exm:<id>`` (the records it may be merged into) and ``exmt:<id>:<into>[:ok]`` (confirm, then
merge). What is typed next is kept as the person's office draft, so a restart
loses nothing; each change checks the person's powers over the record again.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.context import Context
from bot.db.models import Exemplar, OfficeDraft
from bot.events import Button, Incoming, Outcome, Reply
from bot.i18n import N_
from bot.routing import OFFICE_ONLY, Router, button_argument
from bot.services.exemplars import changes, checking, wording
from bot.services.exemplars import register as exemplar_register
from bot.services.exemplars.changes import ChangeRefused
from bot.services.exemplars.register import Powers
from bot.services.obligations.deadlines import school_year_of
from bot.services.reporting import drafts, office_drafts
from bot.services.selection.notices import model_label
from bot.services.setup.plan_store import pilot_models
from handlers.common import refused, steering_department
from handlers.exemplars import EDIT_STAGES, EXEMPLAR_ROLES, card_replies, powers, record_named

RENAME, RETIRE, NOTE = "ex_rename", "ex_retire", "ex_note"
# What each typed input asks, and who may give it.
PROMPTS = {
    RENAME: N_("Type the new name of “{name}”. (/cancel to stop.)"),
    RETIRE: N_("Why is “{name}” no longer an exemplar? Type the reason. (/cancel to stop.)"),
    NOTE: N_("Type your note on “{name}”; the unit will read it. (/cancel to stop.)"),
}
NEEDS: dict[str, Callable[[Powers], bool]] = {
    RENAME: lambda may: may.edit,
    RETIRE: lambda may: may.edit,
    NOTE: lambda may: may.note,
}
TYPED_VERBS = {"rename": RENAME, "retire": RETIRE}


def register(router: Router) -> None:
    router.button("exs", change_stage, allowed=EXEMPLAR_ROLES)
    router.button("exn", ask_note, allowed=EXEMPLAR_ROLES)
    router.button("exe", ask_typed, allowed=EXEMPLAR_ROLES)
    router.button("exm", choose_merge, allowed=EXEMPLAR_ROLES)
    router.button("exmt", merge, allowed=EXEMPLAR_ROLES)
    router.button("exp", choose_pilot, allowed=EXEMPLAR_ROLES)


async def _record_for(
    argument: str, ctx: Context, need: Callable[[Powers], bool]
) -> Exemplar | None:
    """The record an id names, only if the person sees it and may make this change."""
    record = await record_named(argument, ctx)
    return record if record is not None and need(powers(record, ctx)) else None


async def change_stage(event: Incoming, ctx: Context) -> Outcome:
    record_id, _sep, stage = button_argument(event.payload).partition(":")
    record = await _record_for(record_id, ctx, lambda may: may.check)
    chosen = next((s for s in EDIT_STAGES if s.value == stage), None)
    if record is None or chosen is None or record.stage not in EDIT_STAGES:
        return await refused(event, ctx)
    if chosen == record.stage:
        return Outcome(await card_replies(record, ctx))
    told = await checking.check_and_tell(
        ctx.session, record, ctx.actor, ctx.clock.now(), ctx.t.zone, stage=chosen
    )
    return await _told(record, told, ctx)


async def _told(record: Exemplar, told: int, ctx: Context) -> Outcome:
    """After the office's change: the card as it now is, and how many of the unit were told."""
    done = ctx.t.plural(
        "Saved. {count} person of the unit is told.",
        "Saved. {count} people of the unit are told.",
        told,
    )
    return Outcome(await card_replies(record, ctx, done))


async def choose_pilot(event: Incoming, ctx: Context) -> Outcome:
    """``exp:<id>``: which model to steer the exemplar in this school year; ``exp:<id>:<n>``
    chooses it."""
    record_id, _sep, number = button_argument(event.payload).partition(":")
    record = await _record_for(record_id, ctx, lambda may: may.check)
    models = {str(model.number): model for model in await pilot_models(ctx.session)}
    if record is None or record.retired_at is not None or (number and number not in models):
        return await refused(event, ctx)
    _ = ctx.t
    year = school_year_of(ctx.clock.now().astimezone(_.zone).date())
    if not number:
        rows = [(Button(model_label(m, _), f"exp:{record.id}:{n}"),) for n, m in models.items()]
        back = (Button(_("⬅️ Back"), f"exr:{record.id}"),)
        text = _(
            "School year {year}: steer “{name}” as a pilot of which model?",
            year=year,
            name=record.name,
        )
        return Outcome([Reply(text, buttons=(*rows, back))])
    model, now = models[number], ctx.clock.now()
    try:
        told = await checking.select_and_tell(
            ctx.session, record, model, year, ctx.actor, now, _.zone
        )
    except ChangeRefused as refusal:
        return Outcome(await card_replies(record, ctx, _(refusal.reason)))
    return await _told(record, told, ctx)


async def ask_note(event: Incoming, ctx: Context) -> Outcome:
    return await _ask(button_argument(event.payload), NOTE, event, ctx)


async def ask_typed(event: Incoming, ctx: Context) -> Outcome:
    record_id, _sep, verb = button_argument(event.payload).partition(":")
    if verb not in TYPED_VERBS:
        return await refused(event, ctx)
    return await _ask(record_id, TYPED_VERBS[verb], event, ctx)


async def _ask(record_id: str, kind: str, event: Incoming, ctx: Context) -> Outcome:
    record = await _record_for(record_id, ctx, NEEDS[kind])
    if record is None or record.retired_at is not None:
        return await refused(event, ctx)
    # What is typed next answers this, not a form put aside.
    await drafts.pause_all(ctx.session, ctx.person_id)
    await office_drafts.start(
        ctx.session, ctx.person, kind=kind, subject_id=record.id, now=ctx.clock.now()
    )
    return Outcome([Reply(ctx.t(PROMPTS[kind], name=record.name))])


async def typed(draft: OfficeDraft, event: Incoming, ctx: Context) -> Outcome:
    """The name, reason or note the person was asked for."""
    record = await _record_for(str(draft.subject_id), ctx, NEEDS[draft.kind])
    if record is None or record.retired_at is not None:
        await office_drafts.discard(ctx.session, draft)
        return await refused(event, ctx)
    text, now = event.text or "", ctx.clock.now()
    told = None
    try:
        if draft.kind == RENAME:
            changes.rename(ctx.session, record, ctx.actor, now, text)
        elif draft.kind == RETIRE:
            changes.retire(ctx.session, record, ctx.actor, now, text)
        else:
            by = None if ctx.has_any(OFFICE_ONLY) else steering_department(ctx)
            told = await checking.check_and_tell(
                ctx.session, record, ctx.actor, now, ctx.t.zone, note=text, by=by
            )
    except ChangeRefused as refusal:
        again = ctx.t(N_("{reason} (/cancel to stop.)"), reason=ctx.t(refusal.reason))
        return Outcome([Reply(again)])
    await office_drafts.discard(ctx.session, draft)
    if told is not None:
        return await _told(record, told, ctx)
    return Outcome(await card_replies(record, ctx, ctx.t(N_("Saved."))))


TYPED_INPUTS = dict.fromkeys(PROMPTS, typed)


async def choose_merge(event: Incoming, ctx: Context) -> Outcome:
    record = await _record_for(button_argument(event.payload), ctx, lambda may: may.edit)
    if record is None or record.retired_at is not None:
        return await refused(event, ctx)
    _ = ctx.t
    others = await exemplar_register.siblings(ctx.session, record)
    if not others:
        note = _("Your unit has no other record this one could be the same as.")
        return Outcome(await card_replies(record, ctx, note))
    rows = tuple(
        (Button(wording.label(other, _), f"exmt:{record.id}:{other.id}"),) for other in others
    )
    back = (Button(_("⬅️ Back"), f"exr:{record.id}"),)
    text = _("“{name}” is the same exemplar as which record?", name=record.name)
    return Outcome([Reply(text, buttons=(*rows, back))])


async def merge(event: Incoming, ctx: Context) -> Outcome:
    record_id, into_id, confirmed, *_rest = [*button_argument(event.payload).split(":"), "", ""]
    record = await _record_for(record_id, ctx, lambda may: may.edit)
    into = await _record_for(into_id, ctx, lambda may: may.edit)
    if record is None or into is None or record.retired_at is not None:
        return await refused(event, ctx)
    _ = ctx.t
    if confirmed != "ok":
        text = _(
            "Join “{name}” to “{into}”? Its history becomes part of “{into}”, and this cannot "
            "be undone.",
            name=record.name,
            into=into.name,
        )
        yes = Button(_("✅ Join them"), f"exmt:{record.id}:{into.id}:ok")
        no = Button(_("❌ No"), f"exr:{record.id}")
        return Outcome([Reply(text, buttons=((yes, no),))])
    try:
        await changes.merge(ctx.session, record, into, ctx.actor, ctx.clock.now())
    except ChangeRefused as refusal:
        return Outcome(await card_replies(record, ctx, _(refusal.reason)))
    return Outcome(await card_replies(into, ctx, _("Joined.")))
