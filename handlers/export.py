"""/export: the whole picture as an Excel workbook, sent as a document.

Building it takes seconds for a province, so the clerk is told at once that it is under way.
"""

from __future__ import annotations

from bot.context import Context
from bot.events import Document, Incoming, Outcome, Reply
from bot.i18n import N_
from bot.routing import OFFICE_ONLY, Router
from bot.services.reporting.export import build_workbook, export_file_name, note_taken


def register(router: Router) -> None:
    description = N_("Everything in one Excel workbook")
    router.command("export", export, allowed=OFFICE_ONLY, description=description)
    router.button("export", export, allowed=OFFICE_ONLY)


async def export(_event: Incoming, ctx: Context) -> Outcome:
    await note_taken(ctx.session, ctx.clock, ctx.actor)
    text = ctx.t(N_("⏳ Preparing the Excel workbook; it will follow in a moment…"))
    return Outcome([Reply(text)], then=_build)


async def _build(_event: Incoming, ctx: Context) -> Outcome:
    exported = await build_workbook(ctx.session, ctx.clock, ctx.t)
    now = ctx.clock.now()
    document = Document(export_file_name(now, ctx.t.zone), content=exported.content)
    caption = ctx.t(N_("📥 Export of {time}."), time=ctx.t.datetime(now))
    return Outcome([Reply(caption, document=document)])
