"""The workbooks the bot writes (the office's export): each :class:`Table` becomes a sheet a
clerk can work with at once: headers in bold on a frozen row, a filter over the data, widths
fitted to the content, dates as real Excel dates, and printed landscape, fitted to the page's
width, the header row repeated on every page, a footer naming the sheet, when its figures were
taken and the page (:class:`Footer`).

openpyxl is imported only when a workbook is written: it loads numpy, which would add 18 MB and
a noticeable delay to every start of the bot.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from io import BytesIO
from typing import Any

DATE = "dd/mm/yyyy"
DATETIME = "dd/mm/yyyy hh:mm"
PERCENT = "0%"
MIN_WIDTH, MAX_WIDTH = 10, 60  # characters
PADDING, FILTER_BUTTON = 2, 4  # room around a value; the header also holds the filter's arrow
# Longer headers (a form's questions) wrap rather than widen a column of short answers.
HEADER_WIDTH = 30
EXCEL_TEXT_LIMIT = 32_767  # Excel reports a longer cell as a damaged workbook
A4 = "9"  # the paper size, as Excel numbers them
LINE_HEIGHT = 15  # points: a line of Excel's default 11-point font


@dataclass(frozen=True)
class Table:
    """One sheet to write, translated: headers, a number format per column, the rows."""

    title: str
    headers: list[str]
    formats: list[str | None]
    rows: list[tuple[Any, ...]]
    # Per column, the width at which its text wraps onto more lines (None: one line), for a
    # sheet that is meant to be printed as well as filtered.
    wraps: list[int | None] | None = None

    def widths(self) -> list[int]:
        """Each column fitted to its longest entry, within MIN_WIDTH..MAX_WIDTH characters, or
        its wrapping width."""
        wraps = self.wraps or [None] * len(self.headers)
        return [
            min(
                max(self._header_width(header), self._longest(index), MIN_WIDTH),
                wraps[index] or MAX_WIDTH,
            )
            for index, header in enumerate(self.headers)
        ]

    @staticmethod
    def _header_width(header: str) -> int:
        return min(len(header) + FILTER_BUTTON, HEADER_WIDTH)

    def _longest(self, index: int) -> int:
        number_format = self.formats[index]
        values = (row[index] for row in self.rows if row[index] is not None)
        # A formatted cell is as wide as its format ("dd/mm/yyyy"), whatever its raw value.
        lengths = (len(number_format or str(value)) for value in values)
        return max(lengths, default=0) + PADDING


@dataclass(frozen=True)
class Footer:
    """The foot of every printed page, translated: the sheet's name on the left, ``centre`` in
    the middle (e.g. when the figures were taken), on the right ``pages``, a text with the
    placeholders ``{page}`` and ``{pages}`` ("Trang {page}/{pages}")."""

    centre: str
    pages: str

    def codes(self) -> tuple[str, str, str]:
        """Left, centre and right as Excel's header and footer codes: ``&A`` the sheet's name,
        ``&P`` the page, ``&N`` the number of pages; a literal ``&`` is written ``&&``."""
        pages = _literal(self.pages).format(page="&P", pages="&N")
        return "&A", _literal(self.centre), pages


def _literal(text: str) -> str:
    return text.replace("&", "&&")


def write_workbook(tables: list[Table], footer: Footer | None = None) -> bytes:
    """The .xlsx file: CPU only, no database, so it can run in a thread."""
    writer = _Writer(footer)
    for table in tables:
        writer.add(table)
    return writer.save()


def _set_height(ws: Any, number: int, values: Sequence[Any], widths: Sequence[int | None]) -> None:
    """Row ``number`` as tall as its most wrapped cell (``widths``: None for one line)."""
    lines = max(
        (
            len(textwrap.wrap(value, max(width - PADDING, 1))) or 1
            for value, width in zip(values, widths, strict=True)
            if width and isinstance(value, str)
        ),
        default=1,
    )
    if lines > 1:
        ws.row_dimensions[number].height = lines * LINE_HEIGHT


def printable(ws: Any, footer: Footer | None = None) -> None:
    """Printed, a sheet fits the width of landscape A4 pages, its header row on each page, and
    each page's foot says which sheet, as of when, which page."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages down as the rows need
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "1:1"
    if footer is not None:
        parts = (ws.oddFooter.left, ws.oddFooter.center, ws.oddFooter.right)
        for part, text in zip(parts, footer.codes(), strict=True):
            part.text = text


class _Writer:
    """openpyxl's write-only mode: rows stream out instead of living as cell objects."""

    def __init__(self, footer: Footer | None) -> None:
        from openpyxl import Workbook
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
        from openpyxl.styles import Alignment, Font
        from openpyxl.utils import get_column_letter

        self.workbook = Workbook(write_only=True)
        self._footer = footer
        self._new_cell = WriteOnlyCell
        self._cell_type = Cell
        self._illegal = ILLEGAL_CHARACTERS_RE
        self._header_style = {
            "font": Font(bold=True),
            "alignment": Alignment(wrap_text=True, vertical="center"),
        }
        self._letter = get_column_letter
        self._top = Alignment(vertical="top")
        self._wrapped = Alignment(vertical="top", wrap_text=True)

    def add(self, sheet: Table) -> None:
        ws = self.workbook.create_sheet(sheet.title)
        # A write-only sheet takes widths and the frozen row before its first row only.
        for number, width in enumerate(sheet.widths(), 1):
            ws.column_dimensions[self._letter(number)].width = width
        ws.freeze_panes = "A2"
        ws.auto_filter.ref = f"A1:{self._letter(len(sheet.headers))}{len(sheet.rows) + 1}"
        printable(ws, self._footer)
        wrapping = bool(sheet.wraps and any(sheet.wraps))
        if wrapping:
            _set_height(ws, 1, sheet.headers, [w - FILTER_BUTTON for w in sheet.widths()])
        ws.append([self._styled(ws, header, **self._header_style) for header in sheet.headers])
        if wrapping:
            self._add_wrapped(ws, sheet)
            return
        for row in sheet.rows:
            ws.append(
                [self._cell(ws, value, fmt) for value, fmt in zip(row, sheet.formats, strict=True)]
            )

    def _add_wrapped(self, ws, sheet: Table) -> None:
        """Rows of several lines: every cell at the top, the wrapping columns' text wrapped."""
        styles = [self._wrapped if wrap else self._top for wrap in sheet.wraps]
        widths = [w if wrap else None for w, wrap in zip(sheet.widths(), sheet.wraps, strict=True)]
        for number, row in enumerate(sheet.rows, 2):
            # Set, not left to the reader: LibreOffice keeps one line's height when opening.
            _set_height(ws, number, row, widths)
            cells = zip(row, sheet.formats, styles, strict=True)
            ws.append([self._in_row(ws, value, fmt, style) for value, fmt, style in cells])

    def _in_row(self, ws, value: Any, number_format: str | None, alignment: Any) -> Any:
        cell = self._cell(ws, value, number_format)
        if value is None:
            return None
        if not isinstance(cell, self._cell_type):
            cell = self._new_cell(ws, cell)
        cell.alignment = alignment
        return cell

    def save(self) -> bytes:
        buffer = BytesIO()
        self.workbook.save(buffer)
        return buffer.getvalue()

    def _cell(self, ws, value: Any, number_format: str | None) -> Any:
        if isinstance(value, str):
            return self._text(ws, value)
        if value is None or number_format is None:
            return value
        return self._styled(ws, value, number_format=number_format)

    def _text(self, ws, text: str) -> Any:
        # Control characters make Excel refuse the file; so does a cell over its limit.
        text = self._illegal.sub("", text)[:EXCEL_TEXT_LIMIT]
        if not text.startswith("="):
            return text
        cell = self._new_cell(ws, text)
        cell.data_type = "s"  # typed by a person: shown as text, never run as a formula
        return cell

    def _styled(self, ws, value: Any, **style: Any) -> Any:
        cell = self._new_cell(ws, value)
        for name, setting in style.items():
            setattr(cell, name, setting)
        return cell
