"""The steps of a repeatable table (a group of fields such as "individuals registered"): its
menu (add a row, remove one, done), then the questions of the row being added, one by one.

A table's rows may also come from a spreadsheet (see :mod:`bot.services.tables`): the menu's
"send a file" waits for it (``cursor["upload"]``); rows read and checked wait in
``cursor["pending"]`` until the person replaces the list with them, appends them or cancels, so
nothing changes in the answers before that, and a restart loses nothing.
"""

from __future__ import annotations

from typing import Any

from bot.forms.fields import Answer, Group, Invalid
from bot.forms.steps import CONFIRM, REVIEW, Step
from bot.forms.walk import Walk
from bot.i18n import N_


def in_table_menu(walk: Walk) -> bool:
    """Whether the draft is at a table's menu (not inside one of its rows)."""
    at = walk.cursor["at"]
    return (
        at not in (REVIEW, CONFIRM)
        and isinstance(walk.form.field(at), Group)
        and "sub" not in walk.cursor
    )


def table_step(walk: Walk, group: Group, verb: str, number: int | None, answer: Answer) -> Step:
    if "pending" in walk.cursor:
        return _pending_step(walk, group, verb)
    if walk.cursor.get("upload"):
        if verb == "back":
            walk.cursor.pop("upload")
            return walk.turn()
        raise Invalid(
            N_("Please send the filled template as a file, or paste its rows here; or go back.")
        )
    if "sub" in walk.cursor:
        return _row_step(walk, group, verb, number, answer)
    rows = walk.answers.setdefault(group.key, [])
    if verb == "upload" and group.tabular:
        walk.cursor["upload"] = True
        return walk.turn()
    if verb == "add" or (verb == "" and answer.text is not None and not rows):
        if len(rows) >= group.max_items:
            raise Invalid(N_("At most {count} rows fit here."), count=group.max_items)
        walk.cursor.update(sub=group.fields[0].key, row={})
        # A first typed answer starts the first row, so a person who just types is not stuck.
        return _first_typed(walk, group, answer) if verb == "" else walk.turn()
    if verb == "remove" and number is not None and 0 <= number < len(rows):
        rows.pop(number)
        return walk.turn()
    if verb in ("done", "skip"):
        if len(rows) < group.min_items:
            raise Invalid(N_("Please add at least {count} row(s)."), count=group.min_items)
        return walk.advance(group.key)
    if verb == "back":
        return walk.back_from(group.key)
    raise Invalid(N_("Please press Add, Remove or Done (or type: them, xoa 2, xong)."))


def _first_typed(walk: Walk, group: Group, answer: Answer) -> Step:
    """Said plainly: what was typed is the first row's first answer. One that does not fit
    raises, and the person sees that question with what is wrong."""
    first, t = group.fields[0], walk.env.t
    step = _row_step(walk, group, "", None, answer)
    value = (walk.cursor.get("row") or walk.answers[group.key][-1])[first.key]
    note = t(
        N_("Taken as “{column}” of {item} 1: {value}"),
        column=first.heading(t),
        item=t(group.item_label),
        value=first.show(value, walk.env),
    )
    step.text = f"{note}\n\n{step.text}"
    return step


def offer(walk: Walk, rows: list[dict[str, Any]], source: str) -> Step:
    """Rows read from a file (``source`` names it), checked: shown, not yet in the answers."""
    walk.cursor.pop("upload", None)
    walk.cursor["pending"] = {"rows": rows, "source": source}
    return walk.turn()


def _pending_step(walk: Walk, group: Group, verb: str) -> Step:
    t = walk.env.t
    rows = walk.answers.get(group.key, [])
    if verb in ("discard", "back"):
        walk.cursor.pop("pending")
        return walk.turn(note=t(N_("Nothing was changed: the table is as it was.")))
    if verb not in ("replace", "append"):
        raise Invalid(N_("Please choose: replace the table's rows, add these to them, or cancel."))
    new = walk.cursor["pending"]["rows"]
    if verb == "append" and len(rows) + len(new) > group.max_items:
        raise Invalid(N_("At most {count} rows fit here."), count=group.max_items)
    walk.answers[group.key] = [*(rows if verb == "append" else []), *new]
    walk.cursor.pop("pending")
    return walk.turn(note=t(N_("✅ {count} row(s) saved in the table."), count=len(new)))


def _row_step(walk: Walk, group: Group, verb: str, number: int | None, answer: Answer) -> Step:
    keys = [f.key for f in group.fields]
    position = keys.index(walk.cursor["sub"])
    current, row = group.fields[position], walk.cursor["row"]
    if verb == "back":
        if position == 0:
            walk.cursor.pop("sub")
            walk.cursor.pop("row")
            return walk.turn()
        return walk.turn(sub=keys[position - 1])
    if verb == "skip":
        if not current.optional:
            raise Invalid(N_("This question cannot be skipped."))
    else:
        chosen = Answer(option=number) if verb == "option" else answer
        row[current.key] = current.read(chosen, walk.env)
    if position + 1 < len(keys):
        return walk.turn(sub=keys[position + 1])
    walk.answers.setdefault(group.key, []).append(row)
    walk.cursor.pop("sub")
    walk.cursor.pop("row")
    return walk.turn()
