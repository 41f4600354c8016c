"""A form's table filled from the unit's spreadsheet, through the core: the template, a filled
file or pasted rows, the summary, Replace or Append, and every refusal leaving the draft as it
was."""

from __future__ import annotations

import io
import zipfile

import openpyxl
import pytest
from sqlalchemy import select

from bot.db.models import FormDraft, Role
from bot.events import FileRef
from bot.forms.catalog import REGISTRATION
from bot.i18n import Translator
from bot.services.tables.intake import INSTRUCTIONS_SHEET, LIST_SHEET
from tests.conftest import VIETNAM
from tests.helpers import Person, form_verbs, issue_code

SCHOOL = "THPT-CHUYEN-HUNG-VUONG"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
T = Translator("vi", VIETNAM)
INDIVIDUALS = REGISTRATION.field("individuals")
HEADINGS = [f.heading(T) for f in INDIVIDUALS.fields]  # Họ và tên, Chức vụ, Danh hiệu đăng ký…
CSTD, LDTT = "Chiến sĩ thi đua cơ sở", "Lao động tiên tiến"
BANG_KHEN = "Bằng khen UBND tỉnh"


class Files:
    """Stands in for the platform's file store: what a person sent, by its reference."""

    def __init__(self, app) -> None:
        self.kept: dict[str, bytes] = {}
        self.reads = 0
        app.file_readers["telegram"] = self.read

    async def read(self, file: FileRef) -> bytes:
        self.reads += 1
        return self.kept[file.file_ref]

    def sent(self, name: str, content: bytes, mime: str = XLSX, size: int | None = None) -> FileRef:
        self.kept[f"file-{name}"] = content
        return FileRef(
            "telegram", f"file-{name}", name, mime, len(content) if size is None else size
        )


def summary(count: int, detail: str) -> str:
    return T("{count} {item}(s): {detail}", count=count, item=T("person"), detail=detail)


async def at_individuals(app, clock) -> Person:
    """A principal at the registration's table of individuals, still empty."""
    principal = Person.new(app)
    await principal.says(f"/start {await issue_code(app.db, clock, Role.HEAD, SCHOOL)}")
    await principal.taps("Đăng ký thi đua")
    await principal.presses(form_verbs(principal)["option0"])
    await principal.presses(form_verbs(principal)["skip"])
    assert "Cá nhân đăng ký" in principal.text
    return principal


async def the_draft(app) -> tuple[dict, dict]:
    async with app.db.unit_of_work() as session:
        draft = await session.scalar(select(FormDraft))
        return draft.answers, draft.cursor


def workbook(rows: list[list[object]], header: list[str] = HEADINGS) -> openpyxl.Workbook:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    return book


def xlsx(rows: list[list[object]], header: list[str] = HEADINGS) -> bytes:
    out = io.BytesIO()
    workbook(rows, header).save(out)
    return out.getvalue()


PEOPLE = [
    ["Nguyễn Văn An", "Giáo viên", CSTD, BANG_KHEN],
    ["Trần Thị Bình", "Phó hiệu trưởng", LDTT, None],
    ["Lê Văn Cường", "Giáo viên", LDTT, ""],
]


REFUSALS = ["xls", "corrupt", "password", "too_big", "too_many_rows", "zip_bomb", "header", "empty"]


# What each refusal names, whatever the language: what is wrong, so it can be put right.
REFUSAL_SAYS = {
    "xls": "(.xlsx)",
    "corrupt": "ds.xlsx",
    "password": "ds.xlsx",
    "too_big": "3.0 MB",
    "too_many_rows": "1.001",
    "zip_bomb": "60.0 MB",
    "header": "«Họ và tên»",
    "empty": "ds.xlsx",
}


def refused_file(case: str) -> tuple[str, bytes, int | None]:
    """A file the bot must refuse, as (name, content, size the platform reports)."""
    name, content, size = "ds.xlsx", xlsx(PEOPLE), None
    if case == "xls":
        name, content = "ds.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 500
    elif case == "corrupt":
        content = content[: len(content) // 2]
    elif case == "password":
        content = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 5000
    elif case == "too_big":
        size = 3 * 2**20
    elif case == "too_many_rows":
        content = xlsx([["Nguyễn Văn An", "Giáo viên", LDTT, None]] * 1001)
    elif case == "zip_bomb":
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("xl/padding.xml", b"\0" * (60 * 2**20))
        content = out.getvalue()
    elif case == "header":
        content = xlsx(PEOPLE, ["Tên", "Chức vụ", "Danh hiệu đăng ký", "Ghi chú"])
    elif case == "empty":
        content = xlsx([], [])
    return name, content, size


async def test_the_template_has_instructions_dropdowns_and_the_tables_columns(app, clock):
    principal = await at_individuals(app, clock)

    await principal.taps("📥")

    document = principal.last.replies[0].document
    assert document.file_name.endswith(".xlsx")
    book = openpyxl.load_workbook(io.BytesIO(document.content))
    assert book.sheetnames[:2] == [T(INSTRUCTIONS_SHEET), T(LIST_SHEET)]
    guide, sheet = book.worksheets[0], book[T(LIST_SHEET)]
    assert T(INDIVIDUALS.label) in guide["A1"].value
    assert [cell.value for cell in sheet[1]] == HEADINGS
    lists = [v for v in sheet.data_validations.dataValidation if v.type == "list"]
    assert {str(v.sqref) for v in lists} == {"C2:C1001", "D2:D1001"}  # title, commendation
    choices = book.worksheets[2]
    assert choices.sheet_state == "hidden"
    assert CSTD in [cell.value for cell in choices["C"]]
    assert "Cá nhân đăng ký" in principal.text  # the table's menu again, its buttons valid
    assert form_verbs(principal)["add"]


async def test_a_filled_template_is_summed_up_then_saved_on_confirmation(app, clock):
    files = Files(app)
    principal = await at_individuals(app, clock)
    before = await the_draft(app)

    await principal.sends_file(files.sent("ds.xlsx", xlsx([*PEOPLE, [None] * 4])))

    assert summary(3, f"1 {CSTD}, 2 {LDTT}") in principal.text
    assert (await the_draft(app))[0] == before[0]  # nothing saved before the choice
    await principal.presses(form_verbs(principal)["append"])
    answers, cursor = await the_draft(app)
    assert answers["individuals"] == [
        {
            "full_name": "Nguyễn Văn An",
            "position": "Giáo viên",
            "title": "chien_si_thi_dua_co_so",
            "commendation": "bang_khen_ubnd_tinh",
        },
        {
            "full_name": "Trần Thị Bình",
            "position": "Phó hiệu trưởng",
            "title": "lao_dong_tien_tien",
        },
        {"full_name": "Lê Văn Cường", "position": "Giáo viên", "title": "lao_dong_tien_tien"},
    ]
    assert "pending" not in cursor
    assert "3. Lê Văn Cường · Giáo viên · Lao động tiên tiến" in principal.text


async def test_a_second_file_replaces_or_appends(app, clock):
    files = Files(app)
    principal = await at_individuals(app, clock)
    await principal.sends_file(files.sent("a.xlsx", xlsx(PEOPLE)))
    await principal.presses(form_verbs(principal)["append"])

    with_bom = "\ufeff" + ";".join(HEADINGS) + f"\nĐỗ Hà;Giáo viên;{LDTT};\n"
    await principal.sends_file(files.sent("b.csv", with_bom.encode(), "text/csv"))
    await principal.presses(form_verbs(principal)["append"])
    assert [row["full_name"] for row in (await the_draft(app))[0]["individuals"]] == [
        "Nguyễn Văn An",
        "Trần Thị Bình",
        "Lê Văn Cường",
        "Đỗ Hà",
    ]

    csv = ",".join(HEADINGS) + "\nĐỗ Hà,Giáo viên,lao dong tien tien,\n"
    await principal.sends_file(files.sent("c.csv", csv.encode(), "text/csv"))
    await principal.presses(form_verbs(principal)["replace"])
    assert [row["full_name"] for row in (await the_draft(app))[0]["individuals"]] == ["Đỗ Hà"]


async def test_every_problem_is_listed_with_its_row_and_column(app, clock):
    files = Files(app)
    principal = await at_individuals(app, clock)
    before = await the_draft(app)
    rows = [
        ["Nguyễn Văn An", "Giáo viên", "Chiến sỹ thi đua cơ sở", None],
        ["Trần Thị Bình", None, LDTT, None],
        *[["X" * 150, "Giáo viên", LDTT, None]] * 25,
    ]

    await principal.sends_file(files.sent("ds.xlsx", xlsx(rows)))

    text = principal.text
    wrong = T(
        "«{value}» is not in the list — did you mean «{choice}»?",
        value="Chiến sỹ thi đua cơ sở",
        choice=CSTD,
    )
    assert (
        T("Row {row}, column «{column}»: {problem}", row=2, column=HEADINGS[2], problem=wrong)
        in text
    )
    empty = T("empty; this column must be filled.")
    assert (
        T("Row {row}, column «{column}»: {problem}", row=3, column=HEADINGS[1], problem=empty)
        in text
    )
    assert (
        text.count(T("Row {row}, column «{column}»: {problem}", row="", column="", problem="")[:3])
        == 20
    )
    assert T("… and {count} more problem(s).", count=7) in text  # 27 problems: 20 listed
    assert await the_draft(app) == before


@pytest.mark.parametrize("case", REFUSALS)
async def test_a_refused_file_leaves_the_draft_exactly_as_it_was(app, clock, case):
    files = Files(app)
    principal = await at_individuals(app, clock)
    before = await the_draft(app)
    name, content, size = refused_file(case)

    await principal.sends_file(files.sent(name, content, size=size))

    assert principal.text.startswith("❌")
    assert REFUSAL_SAYS[case] in principal.text
    if case == "header":
        assert "«Tên»" in principal.text and "«Ghi chú»" in principal.text
    assert await the_draft(app) == before
    assert form_verbs(principal)["upload"]  # the table's menu, its buttons still valid
    if case == "too_big":
        assert files.reads == 0  # refused before downloading it


async def test_rows_pasted_as_text_and_a_cancelled_offer(app, clock):
    principal = Person.new(app, channel="zalo")
    await principal.says(f"/start {await issue_code(app.db, clock, Role.HEAD, SCHOOL)}")
    await principal.taps("Đăng ký thi đua")
    await principal.presses(form_verbs(principal)["option0"])
    await principal.presses(form_verbs(principal)["skip"])
    await principal.presses(form_verbs(principal)["upload"])
    pasted = f"Nguyễn Văn An\tGiáo viên\t{CSTD}\t\nTrần Thị Bình\tGiáo viên\t{LDTT}\t"

    await principal.says(pasted)
    assert summary(2, f"1 {CSTD}, 1 {LDTT}") in principal.text
    await principal.presses(form_verbs(principal)["discard"])
    assert (await the_draft(app))[0].get("individuals", []) == []

    await principal.says(pasted.replace("\t", ";"))
    await principal.presses(form_verbs(principal)["append"])
    assert len((await the_draft(app))[0]["individuals"]) == 2


async def test_text_typed_at_an_empty_tables_menu_is_said_to_be_its_first_answer(app, clock):
    principal = await at_individuals(app, clock)

    await principal.says("Nguyễn Văn An")

    said = T(
        "Taken as “{column}” of {item} 1: {value}",
        column="Họ và tên",
        item=T("person"),
        value="Nguyễn Văn An",
    )
    assert principal.text.startswith(said)
    assert "Chức vụ" in principal.text  # the next column's question
