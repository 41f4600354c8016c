"""The spreadsheets offices keep, read for the importers (the export writes them:
:mod:`bot.services.documents.workbooks`).

CSV (as Excel saves it) or XLSX, one header row in English or Vietnamese, any case, with or
without accents; the columns an importer does not know (STT, notes…) are ignored. A file comes
as a path (the command line) or as bytes with its name (a file sent in a chat). Every problem is
a line of :class:`SpreadsheetError`, in the language of the translator given.

openpyxl is imported only when a workbook is read: it loads numpy, which would add 18 MB and a
noticeable delay to every start of the bot.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path

from bot.text import fold

# A bot.i18n.Translator, or ``untranslated``: anything that turns a msgid and values into text.
Translate = Callable[..., str]
Cells = list[tuple[int, list[str]]]  # (row number, cell texts) for every row of a sheet


class SpreadsheetError(ValueError):
    """A file that cannot be imported; ``str(error)`` is one printable line per problem."""

    def __init__(self, problems: str | Iterable[str]) -> None:
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__("\n".join(self.problems))


def untranslated(message: str, **values: object) -> str:
    """The English message itself, for importers that report in English only."""
    return message.format(**values) if values else message


@dataclass(frozen=True)
class Column:
    field: str  # also its English header
    vietnamese: str
    required: bool
    aliases: tuple[str, ...] = ()  # other headers offices are known to write

    @property
    def labels(self) -> set[str]:
        return {key(label) for label in (self.field, self.vietnamese, *self.aliases)}


@dataclass(frozen=True)
class Row:
    number: int  # as Excel numbers it: the header is row 1
    cells: dict[str, str]  # field -> the text of its cell; "" for an absent optional column


@dataclass(frozen=True)
class Sheet:
    file_name: str
    header_row: int
    header: list[str]
    positions: dict[str, int]  # field -> index of its column
    rows: list[Row]  # the filled rows below the header

    def column_letter(self, field: str) -> str:
        """The column as Excel labels it (A, B, … AA), so a clerk finds the cell at once."""
        letters, index = "", self.positions[field] + 1
        while index:
            index, remainder = divmod(index - 1, 26)
            letters = chr(ord("A") + remainder) + letters
        return letters

    def title(self, field: str) -> str:
        """The column's header as written in the file."""
        return self.header[self.positions[field]]


def key(text: str) -> str:
    """Header or value as compared: no accents, no case, "_" as a space, "GD & ĐT" as "gd&dt"."""
    return re.sub(r"\s*([&/])\s*", r"\1", fold(text.replace("_", " ")))


def read_sheet(
    source: Path | bytes,
    columns: Sequence[Column],
    _: Translate = untranslated,
    *,
    file_name: str | None = None,
) -> Sheet:
    """The first sheet of ``source``; ``file_name`` (required with bytes) tells CSV from XLSX."""
    if file_name is None:
        if isinstance(source, bytes):
            raise TypeError("bytes need a file name: its extension says how to read them")
        file_name = source.name
    data = source if isinstance(source, bytes) else _read_bytes(source, _)
    header_row, header, body = _split_header(read_cells(data, file_name, _), file_name, _)
    positions = _column_positions(header, columns, file_name, _)
    rows = [Row(number, _pick(cells, positions, columns)) for number, cells in body]
    # Rows with none of our columns filled are left behind by deletions, or numbered in
    # advance in the STT column of a template: neither is a row to import.
    filled = [row for row in rows if any(row.cells.values())]
    return Sheet(file_name, header_row, header, positions, filled)


Reader = Callable[[bytes, str, Translate], Cells]
# An .xlsx is a zip: unpacked beyond this, or this many times its size, it is a zip bomb.
MAX_UNPACKED_BYTES = 50 * 2**20
MAX_UNPACKED_RATIO = 100
# The start of an OLE compound file: an old .xls, or an .xlsx encrypted with a password.
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def read_cells(
    data: bytes, file_name: str, _: Translate = untranslated, *, sheets: Sequence[str] = ()
) -> Cells:
    """Every row of the file's sheet as texts: for an .xlsx, the first of ``sheets`` it has
    (the data sheet of a template), else its first sheet. Refuses, as SpreadsheetError, an
    old .xls, a password-protected or damaged workbook and a zip bomb, before reading."""
    reader = _reader(file_name, _)
    if reader is _read_xlsx:
        _check_container(data, file_name, _)
        return _read_xlsx(data, file_name, _, sheets)
    return reader(data, file_name, _)


def _reader(file_name: str, _: Translate) -> Reader:
    suffix = Path(file_name).suffix.lower()
    readers: dict[str, Reader] = {".csv": _read_csv, ".xlsx": _read_xlsx, ".xlsm": _read_xlsx}
    if suffix == ".xls":
        raise SpreadsheetError(
            _(
                "{file}: an old Excel file (.xls) cannot be read. In Excel, choose File → Save "
                "As → Excel Workbook (.xlsx), then send that file.",
                file=file_name,
            )
        )
    if suffix not in readers:
        raise SpreadsheetError(
            _(
                '{file}: unsupported file type "{suffix}"; use .csv or .xlsx',
                file=file_name,
                suffix=suffix,
            )
        )
    return readers[suffix]


def _read_bytes(path: Path, _: Translate) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        reason = error.strerror or str(error)
        raise SpreadsheetError(
            _("{file}: cannot read: {reason}", file=path, reason=reason)
        ) from error


def _read_csv(data: bytes, file_name: str, _: Translate) -> Cells:
    try:
        text = data.decode("utf-8-sig")  # utf-8-sig also drops Excel's BOM
    except UnicodeDecodeError as error:
        raise SpreadsheetError(
            _('{file}: not UTF-8 text; in Excel save it as "CSV UTF-8"', file=file_name)
        ) from error
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    # A quoted cell may span lines, so Excel's row number is the record's, not the line's.
    return [
        (number, [cell.strip() for cell in record]) for number, record in enumerate(reader, start=1)
    ]


def _delimiter(text: str) -> str:
    # Excel in the Vietnamese locale separates with ";" because "," is the decimal mark there.
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    return ";" if first_line.count(";") > first_line.count(",") else ","


def _check_container(data: bytes, file_name: str, _: Translate) -> None:
    if data.startswith(OLE_SIGNATURE):
        raise SpreadsheetError(
            _(
                "{file}: the workbook is protected with a password (or is an old .xls renamed). "
                "Remove the password (File → Info → Protect Workbook) or save it as .xlsx, then "
                "send it again.",
                file=file_name,
            )
        )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError) as error:
        raise SpreadsheetError(
            _("{file}: not a readable .xlsx workbook", file=file_name)
        ) from error
    if unpacked > MAX_UNPACKED_BYTES or unpacked > MAX_UNPACKED_RATIO * max(len(data), 1):
        raise SpreadsheetError(
            _(
                "{file}: the workbook unpacks to {size} MB, far more than a list needs; it "
                "was not opened. Please copy the rows into the template and send that.",
                file=file_name,
                size=round(unpacked / 2**20, 1),
            )
        )


def _read_xlsx(data: bytes, file_name: str, _: Translate, sheets: Sequence[str] = ()) -> Cells:
    import openpyxl

    try:
        # data_only: formulas as their values (the ones Excel saved with the file)
        workbook = openpyxl.load_workbook(io.BytesIO(data), data_only=True, read_only=True)
        titles = {key(title): title for title in workbook.sheetnames}
        chosen = next((titles[key(name)] for name in sheets if key(name) in titles), None)
        sheet = workbook[chosen] if chosen else workbook.worksheets[0]
        rows = sheet.iter_rows(min_row=1, values_only=True)
        cells = [
            (number, [_cell_text(value) for value in row])
            for number, row in enumerate(rows, start=1)
        ]
        workbook.close()
    except Exception as error:  # a damaged file fails in many ways inside openpyxl
        raise SpreadsheetError(
            _("{file}: not a readable .xlsx workbook", file=file_name)
        ) from error
    return cells


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a code typed as a number comes back as 101.0
    if isinstance(value, date):
        # A date cell reads as a CSV of the same sheet would: as Vietnam writes dates.
        timed = isinstance(value, datetime) and value.time() != time.min
        shown = "%d/%m/%Y %H:%M" if timed else "%d/%m/%Y"
        return value.strftime(shown)
    return str(value).strip()


def _split_header(table: Cells, file_name: str, _: Translate) -> tuple[int, list[str], Cells]:
    # The first filled row, not row 1: a blank line above the header is no reason to refuse.
    first = next((index for index, (_number, cells) in enumerate(table) if any(cells)), None)
    if first is None:
        raise SpreadsheetError(_("{file}: the file is empty", file=file_name))
    number, header = table[first]
    return number, header, table[first + 1 :]


def _column_positions(
    header: list[str], columns: Sequence[Column], file_name: str, _: Translate
) -> dict[str, int]:
    by_label = {label: column for column in columns for label in column.labels}
    positions: dict[str, int] = {}
    problems = []
    for index, title in enumerate(header):
        column = by_label.get(key(title))
        if column is None:
            continue  # offices add their own columns (STT, address…): not ours to judge
        if column.field in positions:
            problems.append(
                _(
                    '{file}: column "{column}" appears twice in the header',
                    file=file_name,
                    column=column.field,
                )
            )
        positions[column.field] = index
    problems += [
        _(
            '{file}: missing required column "{column}" ({vietnamese})',
            file=file_name,
            column=column.field,
            vietnamese=column.vietnamese,
        )
        for column in columns
        if column.required and column.field not in positions
    ]
    if problems:
        raise SpreadsheetError(problems)
    return positions


def _pick(cells: list[str], positions: dict[str, int], columns: Sequence[Column]) -> dict[str, str]:
    return {column.field: _cell(cells, positions.get(column.field)) for column in columns}


def _cell(cells: list[str], position: int | None) -> str:
    return cells[position] if position is not None and position < len(cells) else ""
