"""The .xlsx template of a form's table: a first sheet of instructions, then the list to fill,
its header the table's columns, a dropdown on every choice column (the options on a hidden
sheet: Excel's inline lists stop at 255 characters), whole numbers and dates checked as they are
typed, date cells formatted dd/mm/yyyy. What is sent back is read by :mod:`.intake`.

openpyxl is imported only when a template is made: it would slow every start of the bot.
"""

from __future__ import annotations

from io import BytesIO

from bot.forms.fields import (
    MAX_TABLE_ROWS,
    Date,
    Env,
    Field,
    Group,
    Integer,
    SingleChoice,
    Text,
    YesNo,
)
from bot.i18n import N_
from bot.services.documents.workbooks import LINE_HEIGHT, printable
from bot.services.tables.intake import CHOICES_SHEET, INSTRUCTIONS_SHEET, LIST_SHEET
from bot.text import fold

DATE_FORMAT = "dd/mm/yyyy"
WIDTH = {Text: 36, SingleChoice: 34, YesNo: 12, Integer: 14, Date: 14}
GUIDE_WIDTH = 90  # characters: the instructions' one column, read on a screen or printed


def file_name(group: Group, env: Env) -> str:
    """E.g. "mau-ca-nhan-dang-ky.xlsx": the table's name, as a file name travels best."""
    slug = "-".join(fold(env.t(group.label)).replace("/", " ").split())
    prefix = env.t(N_("template"))  # a file name's word: translated, then without accents
    return f"{fold(prefix)}-{slug}.xlsx"


def build(group: Group, env: Env) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    t = env.t
    workbook = Workbook()
    guide = workbook.active
    guide.title = t(INSTRUCTIONS_SHEET)
    sheet = workbook.create_sheet(t(LIST_SHEET))
    choices = workbook.create_sheet(t(CHOICES_SHEET))
    choices.sheet_state = "hidden"
    _instructions(guide, group, env, Font, Alignment)
    last = MAX_TABLE_ROWS + 1
    for index, f in enumerate(group.fields, 1):
        letter = get_column_letter(index)
        cell = sheet.cell(row=1, column=index, value=f.heading(t))
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.column_dimensions[letter].width = WIDTH.get(type(f), 30)
        cells = f"{letter}2:{letter}{last}"
        validation = _validation(f, env, choices, index, cells)
        if validation is not None:
            sheet.add_data_validation(validation)
        if isinstance(f, Date):
            for (row,) in sheet.iter_rows(min_row=2, max_row=last, min_col=index, max_col=index):
                row.number_format = DATE_FORMAT
    sheet.freeze_panes = "A2"
    for printed in (guide, sheet):  # an office prints the instructions, and the list it filled
        printable(printed)
    out = BytesIO()
    workbook.save(out)
    return out.getvalue()


def _validation(f: Field, env: Env, choices, column: int, cells: str):
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    t = env.t
    if isinstance(f, SingleChoice | YesNo):
        labels = [c.label for c in f.choices(env)]
        for row, label in enumerate(labels, 1):
            choices.cell(row=row, column=column, value=label)
        letter = get_column_letter(column)
        source = f"'{choices.title}'!${letter}$1:${letter}${max(len(labels), 1)}"
        rule = DataValidation(type="list", formula1=source, allow_blank=f.optional)
        rule.error = t(N_("Please choose one of the list's options."))
    elif isinstance(f, Integer):
        rule = DataValidation(
            type="whole", operator="between", formula1=str(f.minimum), formula2=str(f.maximum)
        )
        rule.error = f.hint(env)
    elif isinstance(f, Date):
        low, high = f.earliest.strftime("%Y,%m,%d"), f.latest.strftime("%Y,%m,%d")
        rule = DataValidation(
            type="date", operator="between", formula1=f"DATE({low})", formula2=f"DATE({high})"
        )
        rule.error = f.hint(env)
    elif isinstance(f, Text):
        rule = DataValidation(
            type="textLength", operator="lessThanOrEqual", formula1=str(f.max_length)
        )
        rule.error = f.hint(env)
    else:
        return None
    rule.showErrorMessage = True
    rule.errorTitle = f.heading(t)
    rule.add(cells)
    return rule


def _instructions(guide, group: Group, env: Env, font, alignment) -> None:
    t = env.t
    lines = [
        (t(N_("How to fill in “{table}”"), table=t(group.label)), True),
        (
            t(
                N_(
                    "Fill in the sheet “{sheet}”: one {item} per row, from row 2; do not change "
                    "the header row. Then send the file to the bot with “📤 Send a file”."
                ),
                sheet=t(LIST_SHEET),
                item=t(group.item_label),
            ),
            False,
        ),
        (
            t(
                N_(
                    "At most {rows} rows. Blank rows are skipped; formulas count by their "
                    "values. Nothing is saved before you see the summary and confirm it."
                ),
                rows=t.number(MAX_TABLE_ROWS),
            ),
            False,
        ),
        ("", False),
        (t(N_("The columns:")), True),
    ]
    for f in group.fields:
        need = t(N_("optional")) if f.optional else t(N_("required"))
        detail = f.hint(env) or (t(N_("Choose from the cell's list.")) if f.choices(env) else "")
        lines.append((f"• {f.heading(t)} ({need}): {t(f.label)}. {detail}".strip(), False))
    guide.column_dimensions["A"].width = GUIDE_WIDTH
    for row, (text, bold) in enumerate(lines, 1):
        cell = guide.cell(row=row, column=1, value=text)
        cell.alignment = alignment(wrap_text=True, vertical="top")
        # Spreadsheets keep a row one line high unless told: as high as its wrapped text.
        guide.row_dimensions[row].height = LINE_HEIGHT * max(1, -(-len(text) // GUIDE_WIDTH))
        if bold:
            cell.font = font(bold=True)
