"""/exemplars: the register of exemplars as the person may see it, a record's history, and the
unit's answers to "is this the same exemplar as…".

Buttons: ``ex:<page>:<search>`` (a page of the list; the search folded, without accents),
``exr:<id>`` (a record's card) and ``exq:<question>:y|n`` (the unit's answer). What can be done
to a record is in :mod:`handlers.exemplar_edits`. Every id is checked against the person's
scope again: a payload is a request.
"""

from __future__ import annotations

from bot.context import Context
from bot.db.models import Exemplar, ExemplarMatch, ExemplarStage
from bot.events import Button, Incoming, Outcome, Reply
from bot.i18n import N_
from bot.routing import SECTOR_ROLES, STEERING_ONLY, UNIT_ROLES, Router, button_argument
from bot.services.exemplars import changes, wording
from bot.services.exemplars import register as exemplar_register
from bot.services.exemplars.changes import ChangeRefused
from bot.services.exemplars.register import Powers, Question, Scope
from bot.services.setup.plan_store import pilot_models
from bot.text import fold
from handlers.common import menu_reply, menu_row, refused

EXEMPLAR_ROLES = SECTOR_ROLES | UNIT_ROLES | STEERING_ONLY
# A search travels in the page buttons: Telegram's callback data is at most 64 bytes.
SEARCH_LIMIT = 30
EDIT_STAGES = (ExemplarStage.FOUND, ExemplarStage.FOSTERED, ExemplarStage.REPLICATED)


def register(router: Router) -> None:
    description = N_("The register of exemplars and their history")
    router.command("exemplars", show_list, allowed=EXEMPLAR_ROLES, description=description)
    router.button("exemplars", show_list, allowed=EXEMPLAR_ROLES)
    router.button("ex", turn_page, allowed=EXEMPLAR_ROLES)
    router.button("exr", open_record, allowed=EXEMPLAR_ROLES)
    router.button("exq", answer_question, allowed=EXEMPLAR_ROLES)


async def scope(ctx: Context) -> Scope | None:
    return await exemplar_register.scope_of(ctx.session, ctx.roles, ctx.unit, ctx.department_id)


async def show_list(event: Incoming, ctx: Context) -> Outcome:
    seen = await scope(ctx)
    if seen is None:
        return await refused(event, ctx)
    search = fold(event.argument)[:SEARCH_LIMIT]
    counts = await exemplar_register.counts(ctx.session, seen)
    models = {model.number: model for model in await pilot_models(ctx.session)}
    heading = wording.counts_text(counts, models, ctx.t)
    return Outcome([await _page_reply(seen, 0, search, ctx, heading)])


async def turn_page(event: Incoming, ctx: Context) -> Outcome:
    number, _sep, search = button_argument(event.payload).partition(":")
    seen = await scope(ctx)
    if seen is None or not number.isdigit():
        return await refused(event, ctx)
    return Outcome([await _page_reply(seen, int(number), fold(search)[:SEARCH_LIMIT], ctx)])


async def _page_reply(seen: Scope, number: int, search: str, ctx: Context, heading: str = ""):
    _ = ctx.t
    page = await exemplar_register.page(ctx.session, seen, number, search)
    if not page.total:
        empty = _("No exemplar matches “{typed}”.", typed=search) if search else ""
        return menu_reply(ctx, "\n\n".join(p for p in (heading, empty) if p))
    found = _.plural(
        "Page {page}/{pages} · {count} record{matching}. Press it to see its history; to "
        "search, type /exemplars and part of a name.",
        "Page {page}/{pages} · {count} records{matching}. Press one to see its history; to "
        "search, type /exemplars and part of a name.",
        page.total,
        page=page.number + 1,
        pages=page.pages,
        matching=_(" matching “{typed}”", typed=search) if search else "",
    )
    rows = [
        (Button(f"{wording.label(e.record, _)} · {e.unit.name}", f"exr:{e.record.id}"),)
        for e in page.entries
    ]
    turn = []
    if page.number > 0:
        turn.append(Button(_("⬅️ Previous"), f"ex:{page.number - 1}:{search}"))
    if page.number + 1 < page.pages:
        turn.append(Button(_("Next ➡️"), f"ex:{page.number + 1}:{search}"))
    text = "\n\n".join(p for p in (heading, found) if p)
    return Reply(text, buttons=(*rows, *((tuple(turn),) if turn else ()), menu_row(ctx)))


async def open_record(event: Incoming, ctx: Context) -> Outcome:
    record = await record_named(button_argument(event.payload), ctx)
    if record is None:
        return await refused(event, ctx)
    return Outcome(await card_replies(record, ctx))


async def record_named(argument: str, ctx: Context) -> Exemplar | None:
    """The record an id names, followed through merges, only if the person's scope sees it."""
    seen = await scope(ctx)
    if seen is None or not argument.isdigit():
        return None
    return await exemplar_register.record_in(ctx.session, seen, int(argument))


def powers(record: Exemplar, ctx: Context) -> Powers:
    return exemplar_register.powers_over(record, ctx.roles, ctx.unit)


async def card_replies(record: Exemplar, ctx: Context, note: str = "") -> list[Reply]:
    """The record's card, with what the person may do to it, then its open questions."""
    story = await exemplar_register.story(ctx.session, record)
    text = "\n\n".join(p for p in (note, wording.card(story, ctx.t)) if p)
    may = powers(record, ctx)
    replies = [Reply(text, buttons=(*_actions(record, may, ctx), _back_row(ctx)))]
    if may.edit:
        waiting = await exemplar_register.open_questions(ctx.session, record)
        replies += question_replies(waiting, ctx)
    return replies


def _actions(record: Exemplar, may: Powers, ctx: Context) -> list[tuple[Button, ...]]:
    _ = ctx.t
    rows = []
    if may.check and record.stage in EDIT_STAGES:
        others = [s for s in EDIT_STAGES if s != record.stage]
        rows.append(tuple(Button(_stage_move(s, ctx), f"exs:{record.id}:{s}") for s in others))
    if may.note:
        rows.append((Button(_("📝 Add a note"), f"exn:{record.id}"),))
    if may.check and record.retired_at is None:
        rows.append((Button(_("🎯 Steer as a pilot"), f"exp:{record.id}"),))
    if may.edit and record.retired_at is None:
        rows.append((Button(_("✏️ Rename"), f"exe:{record.id}:rename"),))
        rows.append((Button(_("🔗 Same as another record"), f"exm:{record.id}"),))
        rows.append((Button(_("🚫 No longer an exemplar"), f"exe:{record.id}:retire"),))
    return rows


def _stage_move(stage: ExemplarStage, ctx: Context) -> str:
    return f"→ {wording.STAGE_MARKS[stage]} {wording.stage_name(stage, ctx.t)}"


def _back_row(ctx: Context) -> tuple[Button, ...]:
    return (Button(ctx.t(N_("🌟 Exemplars")), "ex:0:"), *menu_row(ctx))


def question_replies(waiting: list[Question], ctx: Context) -> list[Reply]:
    """Each question with its Yes / No, as the receipt and the record's card ask it."""
    _ = ctx.t
    return [
        Reply(
            wording.question_text(q.record, q.candidate, _),
            buttons=(
                (
                    Button(_("✅ Yes, the same"), f"exq:{q.match.id}:y"),
                    Button(_("❌ No, a different one"), f"exq:{q.match.id}:n"),
                ),
            ),
        )
        for q in waiting
    ]


async def receipt_questions(matches: tuple[ExemplarMatch, ...], ctx: Context) -> list[Reply]:
    return question_replies(await exemplar_register.questions(ctx.session, matches), ctx)


async def answer_question(event: Incoming, ctx: Context) -> Outcome:
    match_id, _sep, said = button_argument(event.payload).partition(":")
    asked = await _own_question(match_id, ctx)
    if asked is None or said not in ("y", "n"):
        return await refused(event, ctx)
    _ = ctx.t
    try:
        standing = await changes.answer(
            ctx.session, asked.match, said == "y", ctx.actor, ctx.clock.now()
        )
    except ChangeRefused as refusal:
        return Outcome(await card_replies(asked.record, ctx, _(refusal.reason)))
    if said == "y":
        note = _("Joined: “{name}” is now part of this record's history.", name=asked.record.name)
    else:
        note = _("Kept apart: “{name}” stays a record of its own.", name=asked.record.name)
    return Outcome(await card_replies(standing, ctx, note))


async def _own_question(match_id: str, ctx: Context) -> Question | None:
    """The question, only for people who may answer it: its record's unit (or the office)."""
    if not match_id.isdigit():
        return None
    asked = await exemplar_register.question(ctx.session, int(match_id))
    seen = await scope(ctx)
    if asked is None or seen is None or not seen.admits(asked.record):
        return None
    may = powers(asked.record, ctx)
    return asked if may.edit or may.check else None
