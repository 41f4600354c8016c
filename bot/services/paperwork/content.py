"""A submission's answers as a document reads them: numbered sections, tables for the
repeatable groups. Plain data, so the writer and the tests share one reading."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from bot.forms.definition import FormDefinition
from bot.forms.fields import Attachment, Env, Field, Group
from bot.i18n import N_

# A question's example in brackets, e.g. "Position (e.g. teacher, vice-principal)": a
# document's heading or column says only "Position".
_EXAMPLE = re.compile(r"\s*\([^()]*\)\s*$")


@dataclass(frozen=True)
class Table:
    columns: tuple[str, ...]  # after the STT column
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Section:
    number: int
    heading: str
    paragraphs: tuple[str, ...] = ()
    table: Table | None = None


def heading(label: str) -> str:
    """A question as a heading: without its example and its question mark."""
    return _EXAMPLE.sub("", label).rstrip(" ?:")


def sections(form: FormDefinition, answers: dict[str, Any], env: Env) -> list[Section]:
    """Every answered question, in the form's order, numbered from 1."""
    found = []
    for field in form.visible(answers):
        if field.key not in answers or answers[field.key] is None:
            continue
        number, title = len(found) + 1, heading(env.t(field.label))
        value = answers[field.key]
        if isinstance(field, Group):
            if value:
                found.append(Section(number, title, table=group_table(field, value, env)))
            else:
                found.append(Section(number, title, (env.t(N_("(none)")),)))
        else:
            found.append(Section(number, title, _paragraphs(field, value, env)))
    return found


def group_table(group: Group, rows: list[dict[str, Any]], env: Env) -> Table:
    columns = tuple(heading(env.t(f.label)) for f in group.fields)
    cells = tuple(
        tuple(
            _shown(f, row[f.key], env) if row.get(f.key) is not None else "" for f in group.fields
        )
        for row in rows
    )
    return Table(columns, cells)


def _shown(field: Field, value: Any, env: Env) -> str:
    if isinstance(field, Attachment):
        return value["file_name"]
    return field.show(value, env)


def _paragraphs(field: Field, value: Any, env: Env) -> tuple[str, ...]:
    text = _shown(field, value, env)
    return tuple(line.strip() for line in text.splitlines() if line.strip()) or (text,)


def shown_answers(form: FormDefinition, answers: dict[str, Any], env: Env) -> dict[str, Any]:
    """Every question of the form by its key, as the document shows it ("" when not answered):
    what an office template names. A table is a list of rows, each a dict by column key, with
    its number under ``stt``."""
    shown: dict[str, Any] = {}
    visible = {field.key for field in form.visible(answers)}
    for field in form.fields:
        value = answers.get(field.key) if field.key in visible else None
        if isinstance(field, Group):
            shown[field.key] = [
                {
                    "stt": number,
                    **{
                        f.key: _shown(f, row[f.key], env) if row.get(f.key) is not None else ""
                        for f in field.fields
                    },
                }
                for number, row in enumerate(value or [], 1)
            ]
        else:
            shown[field.key] = "" if value is None else _shown(field, value, env)
    return shown
