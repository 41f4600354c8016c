"""Rows of a form's table from a spreadsheet the unit sends (.xlsx or .csv), or from rows pasted
as text where a platform passes no files on (Zalo): read with the importers' reader
(:func:`bot.services.documents.spreadsheets.read_cells`), every cell checked by its field, as
the chat question would check it.

Nothing here changes a draft: :func:`read_file` and :func:`read_pasted` return the rows, or
raise :class:`TableRefused` with every problem of the file at once, each at its row and column.
"""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any

from bot.forms.fields import (
    MAX_TABLE_BYTES,
    MAX_TABLE_ROWS,
    Answer,
    Env,
    Field,
    Group,
    Invalid,
    SingleChoice,
    YesNo,
)
from bot.i18n import LOCALES, N_, Translator
from bot.services.documents.spreadsheets import SpreadsheetError, key, read_cells
from bot.text import fold

PROBLEMS_SHOWN = 20
# The sheets of a template, in every language: the rows are on its list sheet.
LIST_SHEET, INSTRUCTIONS_SHEET, CHOICES_SHEET = N_("List"), N_("Instructions"), N_("Choices")
# A column a clerk numbers the rows in; not one of the form's.
ROW_NUMBER_HEADERS = {"stt", "tt", "no", "no.", "#", "so tt"}


class TableRefused(ValueError):
    """A file or paste whose rows are not taken: ``problems`` are printable lines; ``more``
    counts the problems left out of them."""

    def __init__(self, problems: list[str], more: int = 0) -> None:
        self.problems, self.more = problems, more
        super().__init__("\n".join(problems))

    def text(self, t: Translator) -> str:
        lines = [t(N_("❌ Nothing was saved; the table is as it was.")), *self.problems]
        if self.more:
            lines.append(t(N_("… and {count} more problem(s)."), count=self.more))
        return "\n".join(lines)


def read_file(data: bytes, file_name: str, group: Group, env: Env) -> list[dict[str, Any]]:
    """The checked rows of a sent file, as the table stores them."""
    t = env.t
    if len(data) > MAX_TABLE_BYTES:
        raise TableRefused([too_big(len(data), t)])
    if Path(file_name).suffix.lower() not in (".xlsx", ".xlsm", ".csv", ".xls"):
        raise TableRefused(
            [t(N_("{file}: please send the template as .xlsx (or .csv)."), file=file_name)]
        )
    sheets = [Translator(locale, t.zone)(LIST_SHEET) for locale in LOCALES]
    try:
        cells = read_cells(data, file_name, t, sheets=sheets)
    except SpreadsheetError as error:
        raise TableRefused(error.problems) from error
    filled = [(number, row) for number, row in cells if any(row)]
    if not filled:
        raise TableRefused([t(N_("{file}: the file is empty."), file=file_name)])
    (_number, header), body = filled[0], filled[1:]
    positions = _positions(header, group, t)
    return _checked(body, positions, group, env)


def read_pasted(text: str, group: Group, env: Env) -> list[dict[str, Any]]:
    """Rows pasted as text, as copied from Excel (Tab between cells) or typed with ";"; a header
    line, if pasted too, is left out. A row's number is its line's."""
    lines = text.replace("\r\n", "\n").split("\n")
    separator = "\t" if "\t" in text else ";"
    cells = [
        (n, [cell.strip() for cell in line.split(separator)]) for n, line in enumerate(lines, 1)
    ]
    filled = [(number, row) for number, row in cells if any(row)]
    if not filled:
        raise TableRefused([env.t(N_("No rows were found in the message."))])
    positions = {f.key: index for index, f in enumerate(group.fields)}
    if _is_header(filled[0][1], group, env.t):
        positions = _positions(filled[0][1], group, env.t)
        filled = filled[1:]
    return _checked(filled, positions, group, env)


def too_big(size: int, t: Translator) -> str:
    return t(
        N_("The file is {size} MB; a table's file may be at most {limit} MB."),
        size=round(size / 2**20, 1),
        limit=MAX_TABLE_BYTES // 2**20,
    )


def pasted(text: str | None) -> bool:
    """Whether a typed message is rows pasted from a spreadsheet rather than one answer."""
    return bool(text) and ("\t" in text or ("\n" in text.strip() and ";" in text))


# ---- the header --------------------------------------------------------------------------------


def _names(f: Field, t: Translator) -> set[str]:
    """What a column's header may say: its heading or question, in any language, or its key."""
    names = {key(f.key)}
    for locale in LOCALES:
        other = t if locale == t.locale else Translator(locale, t.zone)
        names |= {key(f.heading(other)), key(other(f.label))}
    return names


def _is_header(cells: list[str], group: Group, t: Translator) -> bool:
    known = set().union(*(_names(f, t) for f in group.fields))
    return sum(key(cell) in known for cell in cells) >= min(2, len(group.fields))


def _positions(header: list[str], group: Group, t: Translator) -> dict[str, int]:
    by_name = {name: f for f in group.fields for name in _names(f, t)}
    positions: dict[str, int] = {}
    unknown, twice = [], []
    for index, title in enumerate(header):
        found = by_name.get(key(title))
        if found is None:
            if title.strip() and key(title) not in ROW_NUMBER_HEADERS:
                unknown.append(title.strip())
        elif found.key in positions:
            twice.append(found.heading(t))
        else:
            positions[found.key] = index
    missing = [f.heading(t) for f in group.fields if not f.optional and f.key not in positions]
    if not (unknown or twice or missing):
        return positions
    quoted = lambda names: ", ".join(f"«{name}»" for name in names)  # noqa: E731
    problems = [t(N_("The header row does not match the template:"))]
    if missing:
        problems.append(t(N_("• missing column(s) {columns}"), columns=quoted(missing)))
    if unknown:
        problems.append(
            t(N_("• column(s) not in the template: {columns}"), columns=quoted(unknown))
        )
    if twice:
        problems.append(t(N_("• column(s) twice: {columns}"), columns=quoted(twice)))
    expected = "; ".join(f.heading(t) for f in group.fields)
    problems.append(
        t(
            N_("The template's columns are: {columns}. Download “📥 Excel template” again."),
            columns=expected,
        )
    )
    raise TableRefused(problems)


# ---- the cells ---------------------------------------------------------------------------------


def _checked(
    body: list[tuple[int, list[str]]], positions: dict[str, int], group: Group, env: Env
) -> list[dict[str, Any]]:
    t = env.t
    fields = [f for f in group.fields if f.key in positions]
    cells_of = [(number, [_cell(row, positions[f.key]) for f in fields]) for number, row in body]
    rows = [(number, cells) for number, cells in cells_of if any(cells)]  # blank rows skipped
    if len(rows) > MAX_TABLE_ROWS:
        raise TableRefused(
            [
                t(
                    N_("The file has {count} rows; at most {limit} can be taken at once."),
                    count=t.number(len(rows)),
                    limit=t.number(MAX_TABLE_ROWS),
                )
            ]
        )
    problems: list[str] = []
    if len(rows) > group.max_items:
        problems.append(
            t(
                N_("The file has {count} rows; this table holds at most {limit}."),
                count=t.number(len(rows)),
                limit=t.number(group.max_items),
            )
        )
    read = []
    for number, cells in rows:
        item: dict[str, Any] = {}
        for f, cell in zip(fields, cells, strict=True):
            problem = _read_cell(f, cell, item, env)
            if problem:
                heading = f.heading(t)
                problems.append(
                    t(
                        N_("Row {row}, column «{column}»: {problem}"),
                        row=number,
                        column=heading,
                        problem=problem,
                    )
                )
        read.append(item)
    if problems:
        raise TableRefused(problems[:PROBLEMS_SHOWN], max(0, len(problems) - PROBLEMS_SHOWN))
    return read


def _cell(row: list[str], position: int) -> str:
    return row[position].strip() if position < len(row) else ""


def _read_cell(f: Field, cell: str, item: dict[str, Any], env: Env) -> str | None:
    """Reads the cell into ``item``; what is wrong with it, if anything."""
    t = env.t
    if not cell:
        return None if f.optional else t(N_("empty; this column must be filled."))
    try:
        item[f.key] = f.read(Answer(text=cell), env)
    except Invalid as problem:
        if isinstance(f, SingleChoice | YesNo):
            return _not_a_choice(f, cell, env)
        return problem.text(t)
    return None


def _not_a_choice(f: Field, cell: str, env: Env) -> str:
    t, labels = env.t, [c.label for c in f.choices(env)]
    by_fold = {fold(label): label for label in labels}
    close = difflib.get_close_matches(fold(cell), list(by_fold), n=1, cutoff=0.6)
    if close:
        return t(
            N_("«{value}» is not in the list — did you mean «{choice}»?"),
            value=cell,
            choice=by_fold[close[0]],
        )
    return t(
        N_("«{value}» is not in the list; choose one of: {choices}."),
        value=cell,
        choices="; ".join(labels),
    )
