"""How each step of a form reads: the question, what is expected, and its buttons.

Buttons carry ``<prefix>:<draft>:<turn>:<verb><index>`` (prefix ``f`` for a unit's forms): ids
and numbers only, well inside Telegram's 64 bytes, and checked against the draft's owner and
current turn when pressed.
"""

from __future__ import annotations

from typing import Any

from bot.events import Button
from bot.forms.definition import FormDefinition
from bot.forms.fields import MAX_TABLE_BYTES, MAX_TABLE_ROWS, Env, Field, Group, MultiChoice
from bot.forms.steps import CONFIRM, REVIEW, TYPED_REMOVAL, VERBS, FlowState, Step
from bot.i18n import N_

EDIT_BUTTONS_PER_ROW = 4


def render(flow: FlowState) -> Step:
    """The step the draft is at, as the person sees it."""
    at = flow.cursor["at"]
    if at == REVIEW:
        return Step(*_review(flow))
    if at == CONFIRM:
        return Step(*_confirm(flow))
    current = flow.form.field(at)
    if isinstance(current, Group):
        if "pending" in flow.cursor:
            return Step(*_pending(flow, current))
        if flow.cursor.get("upload"):
            return Step(*_upload(flow, current))
        if "sub" in flow.cursor:
            return Step(*_row_question(flow, current))
        return Step(*_group_menu(flow, current))
    return Step(*_question(flow, current, _progress(flow, current)))


def _button(
    flow: FlowState, label: str, verb: str, index: int | None = None, *, typed: str | None = None
) -> Button:
    suffix = "" if index is None else str(index)
    prefix = flow.form.button_prefix
    if typed is None and verb in VERBS:
        typed = flow.env.t(VERBS[verb].typed)
    return Button(label, f"{prefix}:{flow.draft_id}:{flow.cursor['n']}:{verb}{suffix}", typed)


def _progress(flow: FlowState, current: Field) -> str:
    visible = [f.key for f in flow.form.visible(flow.answers)]
    position = visible.index(current.key) + 1 if current.key in visible else 1
    return flow.env.t(
        N_("{form} · question {number}/{total}"),
        form=flow.env.t(flow.form.title),
        number=position,
        total=len(visible),
    )


def _question(flow: FlowState, current: Field, heading: str, value=None) -> tuple[str, list]:
    t = flow.env.t
    lines = [heading, t(current.label)]
    if hint := current.hint(flow.env):
        lines.append(hint)
    stored = flow.answers.get(current.key) if value is None else value
    if stored is not None and not isinstance(current, MultiChoice):
        lines.append(t(N_("Current answer: {value}"), value=current.show(stored, flow.env)))
    if current.optional:
        lines.append(t(N_("(Optional: you may skip it.)")))
    buttons = _choice_buttons(flow, current)
    buttons.append(_navigation(flow, skippable=current.optional))
    return "\n".join(lines), buttons


def _choice_buttons(flow: FlowState, current: Field) -> list[list[Button]]:
    choices = current.choices(flow.env)
    if not isinstance(current, MultiChoice):
        return [[_button(flow, choice.label, "option", i)] for i, choice in enumerate(choices)]
    picked = flow.cursor.get("picked", flow.answers.get(current.key, []))
    rows = [
        [_button(flow, ("☑️ " if c.value in picked else "⬜ ") + c.label, "option", i)]
        for i, c in enumerate(choices)
    ]
    rows.append([_button(flow, flow.env.t(N_("✔️ Done choosing")), "done")])
    return rows


def _navigation(flow: FlowState, *, skippable: bool) -> list[Button]:
    t = flow.env.t
    row = [_button(flow, t(N_("⬅️ Back")), "back")]
    if skippable:
        row.append(_button(flow, t(N_("⏭ Skip")), "skip"))
    row.append(_button(flow, t(N_("💾 Later")), "cancel"))
    return row


def _group_menu(flow: FlowState, group: Group) -> tuple[str, list]:
    t = flow.env.t
    rows = flow.answers.get(group.key, [])
    lines = [_progress(flow, group), t(group.label), group.show(rows, flow.env)]
    lines.append(t(N_("Add a row, remove one, or press Done when the list is complete.")))
    buttons = [[_button(flow, t(N_("➕ Add {item}"), item=t(group.item_label)), "add")]]
    buttons += [
        # Without buttons, deleting a row takes "remove 2" typed out: a bare number is too easy
        # to type by mistake, meaning the row to look at.
        [
            _button(
                flow,
                t(N_("🗑 Remove {number}"), number=i + 1),
                "remove",
                i,
                typed=t(TYPED_REMOVAL, number=i + 1),
            )
        ]
        for i in range(len(rows))
    ]
    if group.tabular:
        buttons.append(
            [
                _button(flow, t(N_("📥 Excel template")), "sheet"),
                _button(flow, t(N_("📤 Send a file")), "upload"),
            ]
        )
    buttons.append([_button(flow, t(N_("✔️ Done")), "done")])
    buttons.append(_navigation(flow, skippable=False))
    return "\n".join(lines), buttons


def _upload(flow: FlowState, group: Group) -> tuple[str, list]:
    t = flow.env.t
    text = t(
        N_(
            "📤 Send the filled template here as a file (.xlsx or .csv, at most {size} MB and "
            "{rows} rows). Without files (Zalo): copy the rows in Excel and paste them here, "
            "columns separated by Tab or “;”, in this order: {columns}."
        ),
        size=MAX_TABLE_BYTES // 2**20,
        rows=t.number(MAX_TABLE_ROWS),
        columns="; ".join(f.heading(t) for f in group.fields),
    )
    return f"{t(group.label)}\n{text}", [[_button(flow, t(N_("⬅️ Back")), "back")]]


PREVIEW_ROWS = 5


def pending_summary(group: Group, rows: list[dict[str, Any]], env: Env) -> str:
    """ "12 people: 3 …, 9 …": the rows, counted by the first choice each row makes."""
    t = env.t
    item = t(group.item_label)
    choice = next((f for f in group.fields if f.choices(env) and not f.optional), None)
    if choice is None:
        return t(N_("{count} {item}(s)"), count=t.number(len(rows)), item=item)
    counted: dict[str, int] = {}
    for row in rows:
        shown = choice.show(row[choice.key], env)
        counted[shown] = counted.get(shown, 0) + 1
    detail = ", ".join(f"{count} {label}" for label, count in counted.items())
    return t(N_("{count} {item}(s): {detail}"), count=t.number(len(rows)), item=item, detail=detail)


def _pending(flow: FlowState, group: Group) -> tuple[str, list]:
    t = flow.env.t
    pending, rows = flow.cursor["pending"], flow.answers.get(group.key, [])
    new = pending["rows"]
    lines = [
        t(N_("📋 {source}: every row checked."), source=pending["source"]),
        pending_summary(group, new, flow.env),
        group.show(new[:PREVIEW_ROWS], flow.env),
    ]
    if len(new) > PREVIEW_ROWS:
        lines.append(t(N_("… and {count} more."), count=len(new) - PREVIEW_ROWS))
    cancel = [_button(flow, t(N_("✖️ Cancel, change nothing")), "discard")]
    if not rows:
        lines.append(t(N_("Nothing is saved yet. Save these rows in the table?")))
        return "\n".join(lines), [[_button(flow, t(N_("✅ Save in the table")), "append")], cancel]
    lines.append(
        t(
            N_(
                "Nothing is saved yet. The table holds {count} row(s) now: replace them with "
                "these, or add these after them?"
            ),
            count=len(rows),
        )
    )
    buttons = [
        [_button(flow, t(N_("♻️ Replace the rows")), "replace")],
        [_button(flow, t(N_("➕ Add after them")), "append")],
        cancel,
    ]
    return "\n".join(lines), buttons


def _row_question(flow: FlowState, group: Group) -> tuple[str, list]:
    t = flow.env.t
    current = next(f for f in group.fields if f.key == flow.cursor["sub"])
    number = len(flow.answers.get(group.key, [])) + 1
    heading = t(
        N_("{table} — {item} {number}"),
        table=t(group.label),
        item=t(group.item_label),
        number=number,
    )
    return _question(flow, current, heading, value=flow.cursor["row"].get(current.key))


def answer_lines(
    form: FormDefinition, answers: dict[str, Any], env: Env, *, width: int | None = None
) -> list[str]:
    """ "Question: answer" for each question answered, cut to ``width`` characters if given."""
    lines = []
    for field in form.visible(answers):
        if field.key in answers:
            shown = " ".join(field.show(answers[field.key], env).split())
            if width is not None and len(shown) > width:
                shown = shown[: width - 1] + "…"
            lines.append(f"{env.t(field.label)}: {shown}")
    return lines


def _review(flow: FlowState) -> tuple[str, list]:
    t = flow.env.t
    lines = [t(N_("Please check your answers for “{form}”:"), form=t(flow.form.title))]
    visible = flow.form.visible(flow.answers)
    for number, current in enumerate(visible, 1):
        value = flow.answers.get(current.key)
        shown = current.show(value, flow.env) if value is not None else t(N_("(not answered)"))
        # A table's rows come indented already: every line of an answer sits at one margin.
        indented = "\n".join(f"   {line.strip()}" for line in shown.splitlines())
        lines.append(f"{number}. {t(current.label)}\n{indented}")
    lines.append(t(N_("To change an answer, press its number or type it.")))
    edits = [_button(flow, f"✏️ {n}", "edit", n - 1) for n in range(1, len(visible) + 1)]
    buttons = [
        edits[i : i + EDIT_BUTTONS_PER_ROW] for i in range(0, len(edits), EDIT_BUTTONS_PER_ROW)
    ]
    buttons.append([_button(flow, t(N_("✅ Submit")), "submit")])
    buttons.append([_button(flow, t(N_("💾 Later")), "cancel")])
    return "\n\n".join(lines), buttons


def _confirm(flow: FlowState) -> tuple[str, list]:
    t = flow.env.t
    text = t(flow.form.confirm, form=t(flow.form.title), due=flow.env.due)
    buttons = [
        [_button(flow, t(N_("✅ Yes, submit")), "yes")],
        [_button(flow, t(N_("⬅️ Back")), "back")],
    ]
    return text, buttons
