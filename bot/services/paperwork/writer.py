"""The .docx itself, in the layout of Nghị định 30/2020/NĐ-CP, Phụ lục I: A4, Times New Roman,
the two-column header, the title, the numbered answers, "Nơi nhận" and the signature.

python-docx is imported here, when the first document is made, not at start-up. The only
XML written by hand is the PAGE field and the signature's unsplittable row, which python-docx
has no call for.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.services.paperwork.content import Section, Table
from bot.services.paperwork.letterhead import Letterhead

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument
    from docx.table import _Cell

FONT = "Times New Roman"
BODY_PT, TITLE_PT = 13, 14
RECIPIENTS_HEADING_PT, RECIPIENTS_PT = 12, 11  # "Nơi nhận" is smaller, as the decree sets
PAGE_MM = (210, 297)
MARGINS_MM = {"top": 20, "bottom": 20, "left": 30, "right": 15}
HEADER_COLUMNS_MM = (62, 103)  # the unit's side and the state's side: 165 mm of text width
SIGNATURE_COLUMNS_MM = (80, 85)  # "Nơi nhận" and the signer
STT_MM = 14
NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
STT = "STT"
RECIPIENTS = "Nơi nhận:"
SIGNATURE_NOTE = "(Ký, ghi rõ họ tên và đóng dấu)"


@dataclass(frozen=True)
class Paper:
    letterhead: Letterhead
    date_line: str
    sections: tuple[Section, ...]


def write(paper: Paper) -> bytes:
    from docx import Document

    document = Document()
    _page(document)
    _letterhead(document, paper)
    for section in paper.sections:
        _section(document, section)
    _signature(document, paper.letterhead)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _page(document: DocxDocument) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    normal = document.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(BODY_PT)
    # Word takes the East Asian and complex-script fonts from their own attributes.
    fonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), FONT)
    normal.paragraph_format.space_after = Pt(6)  # the decree: at least 6 pt between paragraphs
    section = document.sections[0]
    section.page_width, section.page_height = Mm(PAGE_MM[0]), Mm(PAGE_MM[1])
    for side, mm in MARGINS_MM.items():
        setattr(section, f"{side}_margin", Mm(mm))
    # Page numbers from page 2, at the top in the middle; the first page's header is empty.
    section.different_first_page_header_footer = True
    number = section.header.paragraphs[0]
    number.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _page_field(number)


def _page_field(paragraph) -> None:
    """A PAGE field: begin, the instruction, separate, the number last shown, end."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    def mark(kind: str) -> None:
        element = OxmlElement("w:fldChar")
        element.set(qn("w:fldCharType"), kind)
        paragraph.add_run()._r.append(element)

    mark("begin")
    instruction = OxmlElement("w:instrText")
    instruction.set(qn("xml:space"), "preserve")
    instruction.text = " PAGE "
    paragraph.add_run()._r.append(instruction)
    mark("separate")
    paragraph.add_run("2")
    mark("end")


def _letterhead(document: DocxDocument, paper: Paper) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    head = paper.letterhead
    table = _borderless(document, rows=2, widths=HEADER_COLUMNS_MM)
    left, right = table.rows[0].cells
    _text(_first(left), head.managing_body.upper())
    _text(left.add_paragraph(), head.unit_name.upper(), bold=True)
    _text(_first(right), NATION, bold=True)
    _text(right.add_paragraph(), MOTTO, bold=True, underline=True, size=TITLE_PT)
    number, date = table.rows[1].cells
    _text(_first(number), head.number)
    _text(_first(date), paper.date_line, italic=True)
    for cell in (*table.rows[0].cells, *table.rows[1].cells):
        for paragraph in cell.paragraphs:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title = document.add_paragraph()
    title.paragraph_format.space_before = Pt(18)
    _text(title, head.title.upper(), bold=True, size=TITLE_PT)
    if head.addressee:
        _text(document.add_paragraph(), head.addressee)
    for paragraph in (title, *document.paragraphs[-1:]):
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER


def _section(document: DocxDocument, section: Section) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    heading = document.add_paragraph()
    heading.paragraph_format.space_before = Pt(6)  # clear of a table above
    heading.paragraph_format.keep_with_next = True
    _text(heading, f"{section.number}. {section.heading}", bold=True)
    for line in section.paragraphs:
        paragraph = document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        paragraph.paragraph_format.first_line_indent = Pt(28)
        _text(paragraph, line)
    if section.table is not None:
        _table(document, section.table)


def _table(document: DocxDocument, table: Table) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    rest = (HEADER_COLUMNS_MM[0] + HEADER_COLUMNS_MM[1] - STT_MM) / len(table.columns)
    grid = document.add_table(rows=1 + len(table.rows), cols=1 + len(table.columns))
    grid.style = "Table Grid"
    _widths(grid, (STT_MM, *[rest] * len(table.columns)), rows=1)
    width = 1 + len(table.columns)
    cells = grid._cells  # all at once: a row's cells are found anew on each ``row.cells``
    rows = [cells[i : i + width] for i in range(0, len(cells), width)]
    for cell, label in zip(rows[0], (STT, *table.columns), strict=True):
        paragraph = _first(cell)
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _text(paragraph, label, bold=True)
    for number, (row, values) in enumerate(zip(rows[1:], table.rows, strict=True), 1):
        stt, *others = row
        _first(stt).alignment = WD_ALIGN_PARAGRAPH.CENTER
        _text(_first(stt), str(number))
        for cell, value in zip(others, values, strict=True):
            _text(_first(cell), value)


def _signature(document: DocxDocument, head: Letterhead) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    table = _borderless(document, rows=1, widths=SIGNATURE_COLUMNS_MM)
    _unsplit(table.rows[0])
    left, right = table.rows[0].cells
    _text(_first(left), RECIPIENTS, bold=True, italic=True, size=RECIPIENTS_HEADING_PT)
    for index, recipient in enumerate(head.recipients):
        end = "." if index == len(head.recipients) - 1 else ";"
        _text(left.add_paragraph(), f"- {recipient.rstrip('.;')}{end}", size=RECIPIENTS_PT)
    _text(_first(right), head.head_position.upper(), bold=True)
    _text(right.add_paragraph(), SIGNATURE_NOTE, italic=True)
    for _blank in range(3):  # room to sign and stamp
        right.add_paragraph()
    _text(right.add_paragraph(), head.head_name or "", bold=True)
    for paragraph in right.paragraphs:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for paragraph in left.paragraphs:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.LEFT
        paragraph.paragraph_format.space_after = Pt(0)
    for cell in (left, right):
        _first(cell).paragraph_format.space_before = Pt(12)


def _unsplit(row) -> None:
    """The signature stays in one piece: its row moves to the next page whole, if need be."""
    from docx.oxml import OxmlElement

    row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))


def _borderless(document: DocxDocument, *, rows: int, widths: tuple[float, ...]):
    """A layout table: python-docx's default table style draws no borders."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    table = document.add_table(rows=rows, cols=len(widths))
    _widths(table, widths)
    for row in table.rows:
        for cell in row.cells:
            _first(cell).alignment = WD_ALIGN_PARAGRAPH.CENTER
    return table


def _widths(table, widths: tuple[float, ...], *, rows: int | None = None) -> None:
    """Fixed column widths: LibreOffice reads the grid's, Word the cells' of the first rows
    (in a fixed layout the rest follow them); ``rows``: how many rows, None for all."""
    from docx.shared import Mm

    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Mm(width)
    cells = table._cells
    for index, cell in enumerate(cells if rows is None else cells[: rows * len(widths)]):
        cell.width = Mm(widths[index % len(widths)])


def _first(cell: _Cell):
    return cell.paragraphs[0]


def _text(
    paragraph,
    text: str,
    *,
    bold: bool = False,
    italic: bool = False,
    underline: bool = False,
    size: int | None = None,
) -> None:
    from docx.shared import Pt

    run = paragraph.add_run(text)  # in the Normal style's font, Times New Roman
    if bold:
        run.bold = True
    if italic:
        run.italic = True
    if underline:
        run.underline = True
    if size is not None:
        run.font.size = Pt(size)
