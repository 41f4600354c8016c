"""A form's table from the unit's spreadsheet: the template sent on "📥 Excel template", and
the filled file (or rows pasted on Zalo) read, checked and offered for the table.

The form's own handler (:mod:`handlers.forms`) hands over what concerns a table; the steps
themselves (waiting for the file, the summary, replace or append) are the form engine's
(:mod:`bot.forms.tables`), so they are kept in the draft like any other step.
"""

from __future__ import annotations

from bot.context import Context
from bot.events import Document, FileRef, Incoming, Outcome, Reply
from bot.forms.fields import MAX_TABLE_BYTES, Group
from bot.forms.flow import Flow
from bot.forms.steps import Step, typed_verb
from bot.forms.tables import in_table_menu, offer
from bot.i18n import N_
from bot.services.reporting.drafts import FormSession
from bot.services.tables import intake, template


def table_at(flow: Flow) -> Group | None:
    """The table the draft is at, if its rows can come from a spreadsheet."""
    at = flow.cursor["at"]
    current = flow.form.field(at) if in_table_menu(flow) else None
    return current if isinstance(current, Group) and current.tabular else None


def takes(flow: Flow, event: Incoming) -> bool:
    """Whether a file or text is a table's rows: a file at the table (on its menu or asked
    for), rows pasted there, or any text once the file was asked for."""
    if table_at(flow) is None or "pending" in flow.cursor:
        return False
    if event.file is not None or intake.pasted(event.text):
        return True
    return bool(flow.cursor.get("upload")) and bool(event.text) and not _navigation(event.text)


def _navigation(text: str) -> bool:
    return typed_verb(text, at_review=False, in_table=True)[0] != ""


async def send_template(opened: FormSession, turn: int, ctx: Context) -> Outcome:
    """The template as a document, then the table's menu again (its buttons still valid)."""
    flow = opened.flow
    group = table_at(flow)
    if group is None or turn != flow.cursor["n"]:
        return _again(flow.show())
    t = flow.env.t
    caption = t(
        N_(
            "📥 The template of “{table}”: fill in its sheet “{sheet}”, then press “📤 Send a "
            "file” and send it back. Columns: {columns}."
        ),
        table=t(group.label),
        sheet=t(intake.LIST_SHEET),
        columns="; ".join(f.heading(t) for f in group.fields),
    )
    document = Document(template.file_name(group, flow.env), template.build(group, flow.env))
    menu = flow.show()
    return Outcome([Reply(caption, document=document), *_again(menu).replies])


async def receive(opened: FormSession, event: Incoming, ctx: Context) -> Step | Outcome:
    """The rows of a file or a paste, checked: a step offering them (to save), or the refusal
    with every problem (nothing to save: the draft stays exactly as it was)."""
    flow = opened.flow
    group = table_at(flow)
    try:
        if event.file is not None:
            rows = intake.read_file(
                await _bytes(event.file, ctx), event.file.file_name, group, flow.env
            )
            source = event.file.file_name
        else:
            rows = intake.read_pasted(event.text or "", group, flow.env)
            source = flow.env.t(N_("the rows pasted"))
    except intake.TableRefused as refusal:
        shown = flow.show()
        shown.text = f"{refusal.text(flow.env.t)}\n\n{shown.text}"
        return _again(shown)
    return offer(flow, rows, source)


async def _bytes(file: FileRef, ctx: Context) -> bytes:
    if file.size > MAX_TABLE_BYTES:  # refused before downloading it
        raise intake.TableRefused([intake.too_big(file.size, ctx.t)])
    return await ctx.read_file(file)


def _again(step: Step) -> Outcome:
    return Outcome([Reply(step.text, buttons=tuple(tuple(row) for row in step.buttons))])
