"""The steps of a repeatable table (a group of fields such as "individuals registered"): its
menu (add a row, remove one, done), then the questions of the row being added, one by one."""

from __future__ import annotations

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
    if "sub" in walk.cursor:
        return _row_step(walk, group, verb, number, answer)
    rows = walk.answers.setdefault(group.key, [])
    if verb == "add" or (verb == "" and answer.text is not None and not rows):
        if len(rows) >= group.max_items:
            raise Invalid(N_("At most {count} rows fit here."), count=group.max_items)
        walk.cursor.update(sub=group.fields[0].key, row={})
        # A first typed answer starts the first row, so a person who just types is not stuck.
        return _row_step(walk, group, verb, number, answer) if verb == "" else walk.turn()
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
