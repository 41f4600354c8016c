"""Free text and files from a known person: the answer to whatever they are in the middle of."""

from __future__ import annotations

from bot.context import Context
from bot.events import Incoming, Outcome
from bot.routing import OFFICE_ONLY
from bot.services.awards import recording
from bot.services.messaging.broadcast import COMPOSITION
from bot.services.reporting import office_drafts
from bot.services.reporting.review import RETURN
from handlers import awards, broadcast, documents, exemplar_edits, forms, review
from handlers.common import not_understood

# What an office draft of each kind does with what the clerk types.
OFFICE_INPUTS = {
    recording.AWARD_KIND: awards.typed,
    RETURN: review.reason_typed,
    COMPOSITION: broadcast.message_given,
    **exemplar_edits.TYPED_INPUTS,
    documents.HEAD_NAME: documents.head_name_typed,
}
# What a unit's person is asked to type outside a form: about an exemplar, the head's name.
UNIT_INPUTS = {**exemplar_edits.TYPED_INPUTS, documents.HEAD_NAME: documents.head_name_typed}


async def answer(event: Incoming, ctx: Context) -> Outcome:
    """Lean (see bot.routing): a unit's form answer needs no more than the Account; the
    office's tools load the rest."""
    if ctx.has_any(OFFICE_ONLY):
        await ctx.load()
        draft = await office_drafts.current(ctx.session, ctx.person_id)
        if draft is not None and draft.active:
            return await OFFICE_INPUTS[draft.kind](draft, event, ctx)
        if event.file is not None:
            return await awards.spreadsheet(event, ctx)
    answered = await forms.continue_form(event, ctx)
    if answered is None:
        # Not a form's answer: what a unit was asked to type (an exemplar's, the head's name).
        answered = await _unit_input(event, ctx)
    return answered or await not_understood(event, ctx)


async def _unit_input(event: Incoming, ctx: Context) -> Outcome | None:
    draft = await office_drafts.current(ctx.session, ctx.person_id)
    if draft is None or not draft.active or draft.kind not in UNIT_INPUTS:
        return None
    await ctx.load()
    return await UNIT_INPUTS[draft.kind](draft, event, ctx)
