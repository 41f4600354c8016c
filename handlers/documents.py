"""📄 Document: a submission's .docx, ready to print and sign (bot/services/paperwork).

A unit's people get their own unit's documents, the office and the council any unit's; the
button names the submission (``doc:<id>`` or ``doc:<id>:<version>``) and the server checks
who may read it. The first time a unit's own document is asked for and its head's name is not
known, the name is asked for once and kept for the unit.
"""

from __future__ import annotations

from bot.context import Context
from bot.db.models import OfficeDraft
from bot.events import Button, Document, Incoming, Outcome, Reply
from bot.i18n import N_
from bot.routing import REPORTING_ROLES, SECTOR_ROLES, Router, button_argument
from bot.services.paperwork import documents, links
from bot.services.reporting import drafts, office_drafts
from bot.services.reporting.review import QueueItem
from handlers.common import refused

HEAD_NAME = "head_name"  # the office draft kind: the head's name being typed
READERS = REPORTING_ROLES | SECTOR_ROLES
LABEL = N_("📄 Document")


def register(router: Router) -> None:
    router.button("doc", send, allowed=READERS)
    router.button("doch", rename_head, allowed=READERS)


def button(submission_id: int, ctx: Context, label: str | None = None) -> Button:
    return Button(label or ctx.t(LABEL), f"doc:{submission_id}")


def _reader_unit(ctx: Context) -> int | None:
    """None for a reader of every unit's documents; else the one unit they may read."""
    return None if ctx.has_any(SECTOR_ROLES) else ctx.unit_id


async def send(event: Incoming, ctx: Context) -> Outcome:
    parts = button_argument(event.payload).split(":")
    if not all(part.isdigit() for part in parts) or len(parts) > 2:
        return await refused(event, ctx)
    version = int(parts[1]) if len(parts) == 2 else None
    chosen = await documents.readable(ctx.session, int(parts[0]), unit_id=_reader_unit(ctx))
    if chosen is None:
        return await refused(event, ctx)
    if chosen.unit.id == ctx.unit_id and not documents.head_known(chosen.unit):
        return await _ask_head_name(chosen, version, ctx)
    return await _document(event, chosen, version, ctx)


async def rename_head(event: Incoming, ctx: Context) -> Outcome:
    """``doch:<id>``: someone else signs now; the name is asked again, for the unit's own."""
    argument = button_argument(event.payload)
    chosen = None
    if argument.isdigit():
        chosen = await documents.readable(ctx.session, int(argument), unit_id=_reader_unit(ctx))
    if chosen is None or chosen.unit.id != ctx.unit_id:
        return await refused(event, ctx)
    return await _ask_head_name(chosen, None, ctx)


async def _ask_head_name(chosen: QueueItem, version: int | None, ctx: Context) -> Outcome:
    # What is typed next is the name, not a form's answer.
    await drafts.pause_all(ctx.session, ctx.person_id)
    await office_drafts.start(
        ctx.session,
        ctx.person,
        kind=HEAD_NAME,
        subject_id=chosen.submission.id,
        subject_version=version,
        now=ctx.clock.now(),
    )
    text = ctx.t(
        N_(
            "The document is signed by the head of {unit}. Please type the head's full name "
            "(e.g. Nguyễn Văn An); it is kept for the unit's next documents. (/cancel to stop.)"
        ),
        unit=chosen.unit.name,
    )
    return Outcome([Reply(text)])


async def head_name_typed(draft: OfficeDraft, event: Incoming, ctx: Context) -> Outcome:
    name = documents.valid_head_name(event.text or "")
    if name is None:
        text = ctx.t(N_("Please type the head's full name, e.g. Nguyễn Văn An. (/cancel to stop.)"))
        return Outcome([Reply(text)])
    chosen = await documents.readable(ctx.session, draft.subject_id, unit_id=_reader_unit(ctx))
    await office_drafts.discard(ctx.session, draft)
    if chosen is None or chosen.unit.id != ctx.unit_id:
        return await refused(event, ctx)
    await documents.keep_head_name(ctx.session, chosen.unit.id, name)
    kept = N_("Kept: {name} signs the documents of {unit}.")
    note = ctx.t(kept, name=name, unit=chosen.unit.name)
    return await _document(event, chosen, draft.subject_version, ctx, note=note)


async def _document(
    event: Incoming, chosen: QueueItem, version: int | None, ctx: Context, note: str = ""
) -> Outcome:
    built = await documents.build(ctx.session, chosen, version=version)
    if built is None:
        return await refused(event, ctx)
    caption = ctx.t(
        N_("📄 {title} — {unit}, version {version}: ready to print, sign and stamp."),
        title=chosen.deadline.title_in(ctx.t.locale),
        unit=chosen.unit.name,
        version=built.version,
    )
    document = Document(built.file_name, content=built.content, link=_link(built, ctx))
    buttons = ()
    if chosen.unit.id == ctx.unit_id:  # the unit's own: its head may have changed
        rename = Button(ctx.t(N_("✏️ Signed by someone else")), f"doch:{chosen.submission.id}")
        buttons = ((rename,),)
    text = f"{note}\n{caption}" if note else caption
    return Outcome([Reply(text, document=document, buttons=buttons)])


def _link(built: documents.Built, ctx: Context) -> str | None:
    """A signed link to the document, for a platform that cannot send it (when configured)."""
    settings = ctx.settings
    if not settings.public_url or settings.document_link_secret is None:
        return None
    secret = settings.document_link_secret.get_secret_value().encode()
    submission_id = built.chosen.submission.id
    return links.link(settings.public_url, secret, submission_id, built.version, ctx.clock.now())
