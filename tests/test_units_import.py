from __future__ import annotations

import csv
from datetime import UTC, datetime
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select

from bot.clock import ManualClock
from bot.db import audit
from bot.db.database import Database
from bot.db.migrate import upgrade
from bot.db.models import AuditEntry, Unit
from bot.services.setup.units_import import ImportSummary, UnitImportError, import_units, read_units

SAMPLE = Path(__file__).parent / "data" / "units-sample.csv"
CLOCK = ManualClock(datetime(2025, 9, 1, 1, 0, tzinfo=UTC))

# code -> (parent code, kind, block): the tree the sample file describes.
SAMPLE_TREE = {
    "SGD-PT": (None, "department", None),
    "PGD-VT": ("SGD-PT", "district_office", "district"),
    "PGD-LT": ("SGD-PT", "district_office", "district"),
    "THCS-VL": ("PGD-VT", "school", "district"),
    "TH-TS": ("PGD-VT", "school", "district"),
    "THCS-LT": ("PGD-LT", "school", "district"),
    "THPT-CHV": ("SGD-PT", "school", "so_direct"),
    "TTGDTX-PT": ("SGD-PT", "centre", "so_direct"),
}

# The sample as Excel in the Vietnamese locale saves it: ";", a BOM, Vietnamese headers and
# values, lower-case codes, and children above their parents.
VIETNAMESE_CSV = """\
Mã đơn vị;Tên đơn vị;Loại;Mã đơn vị cấp trên;Khối
thcs-vl;Trường THCS Văn Lang;Trường;pgd-vt;
th-ts;Trường Tiểu học Thọ Sơn;trường;PGD-VT;
PGD-VT;Phòng Giáo dục và Đào tạo thành phố Việt Trì;Phòng GD&ĐT;SGD-PT;
PGD-LT;Phòng Giáo dục và Đào tạo huyện Lâm Thao;PHÒNG GD & ĐT;SGD-PT;
THCS-LT;Trường THCS Lâm Thao;Trường;PGD-LT;Huyện
THPT-CHV;"Trường THPT Chuyên Hùng Vương; Việt Trì";Trường;SGD-PT;
TTGDTX-PT;Trung tâm Giáo dục thường xuyên tỉnh Phú Thọ;Trung tâm;SGD-PT;Trực thuộc sở
SGD-PT;Sở Giáo dục và Đào tạo Phú Thọ;Sở;;
"""

HEADER = "code,name,kind,parent_code,block\n"


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    # Synchronous: Alembic's env.py runs its own event loop.
    url = f"sqlite+aiosqlite:///{tmp_path}/t.db"
    upgrade(url)
    return url


@pytest.fixture
async def db(db_url: str):
    database = Database(db_url)
    yield database
    await database.dispose()


def write(tmp_path: Path, text: str, name: str = "units.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding=encoding)
    return path


async def import_file(db: Database, path: Path) -> ImportSummary:
    async with db.unit_of_work() as session:
        return await import_units(session, read_units(path), CLOCK, actor="cli")


async def stored_tree(db: Database) -> dict[str, tuple[str | None, str, str | None]]:
    async with db.unit_of_work() as session:
        units = list(await session.scalars(select(Unit)))
    code_of = {unit.id: unit.code for unit in units}
    return {u.code: (code_of.get(u.parent_id), u.kind, u.block) for u in units}


async def count(db: Database, model: type) -> int:
    async with db.unit_of_work() as session:
        return await session.scalar(select(func.count()).select_from(model))


async def names(db: Database) -> dict[str, str]:
    async with db.unit_of_work() as session:
        return {unit.code: unit.name for unit in await session.scalars(select(Unit))}


# --- the three file shapes -------------------------------------------------------------------


async def test_comma_csv_imports_the_tree_and_derives_blocks(db: Database) -> None:
    summary = await import_file(db, SAMPLE)

    assert summary == ImportSummary(created=8, updated=0, unchanged=0)
    assert await stored_tree(db) == SAMPLE_TREE
    assert (await names(db))["SGD-PT"] == "Sở Giáo dục và Đào tạo Phú Thọ"


async def test_semicolon_csv_with_bom_and_vietnamese_headers(db: Database, tmp_path) -> None:
    path = write(tmp_path, VIETNAMESE_CSV, encoding="utf-8-sig")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")

    rows = read_units(path)
    summary = await import_file(db, path)

    assert [row.row for row in rows] == list(range(2, 10))
    assert summary.created == 8
    assert await stored_tree(db) == SAMPLE_TREE
    assert (await names(db))["THPT-CHV"] == "Trường THPT Chuyên Hùng Vương; Việt Trì"


async def test_xlsx_first_sheet_imports_the_same_tree(db: Database, tmp_path) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["STT", "CODE", "Tên Đơn Vị", "Loai", "Parent Code", "khối"])
    with SAMPLE.open(encoding="utf-8") as sample:
        for number, (code, name, kind, parent, block) in enumerate(list(csv.reader(sample))[1:]):
            sheet.append([number + 1, code, name, kind, parent or None, block or None])
    sheet.append([None] * 6)  # a blank row Excel keeps after a deletion
    workbook.create_sheet("Ghi chú").append(["code", "name"])
    path = tmp_path / "units.xlsx"
    workbook.save(path)

    summary = await import_file(db, path)

    assert summary.created == 8
    assert await stored_tree(db) == SAMPLE_TREE


# --- importing again -------------------------------------------------------------------------


async def test_importing_again_updates_in_place(db: Database, tmp_path) -> None:
    await import_file(db, SAMPLE)
    again = await import_file(db, SAMPLE)
    renamed = SAMPLE.read_text(encoding="utf-8").replace(
        "Trường THCS Văn Lang", "Trường Trung học cơ sở Văn Lang"
    )
    edited = await import_file(db, write(tmp_path, renamed))

    assert again == ImportSummary(created=0, updated=0, unchanged=8)
    assert edited == ImportSummary(created=0, updated=1, unchanged=7)
    assert await count(db, Unit) == 8
    assert (await names(db))["THCS-VL"] == "Trường Trung học cơ sở Văn Lang"
    async with db.unit_of_work() as session:
        entries = list(await session.scalars(select(AuditEntry).order_by(AuditEntry.id)))
    assert [(e.action, e.actor) for e in entries] == [("units.import", "cli")] * 3
    assert entries[-1].details == {"created": 0, "updated": 1, "unchanged": 7}


async def test_a_new_school_may_hang_under_a_unit_already_stored(db: Database, tmp_path) -> None:
    await import_file(db, SAMPLE)
    path = write(
        tmp_path,
        HEADER + "TH-LT,Trường Tiểu học Lâm Thao,school,PGD-LT,\n"
        "MN-HV,Trường Mầm non Hùng Vương,school,THPT-CHV,\n",
    )

    summary = await import_file(db, path)

    assert summary == ImportSummary(created=2, updated=0, unchanged=0)
    tree = await stored_tree(db)
    assert tree["TH-LT"] == ("PGD-LT", "school", "district")
    assert tree["MN-HV"] == ("THPT-CHV", "school", "so_direct")  # deeper: its parent's block


# --- bad files -------------------------------------------------------------------------------


def test_every_bad_row_is_reported_not_just_the_first(tmp_path) -> None:
    path = write(
        tmp_path,
        HEADER
        + "SGD-PT,Sở GD&ĐT Phú Thọ,department,,\n"
        + "PGD-VT,Phòng GD&ĐT Việt Trì,office,SGD-PT,\n"
        + "THCS-VL,Trường THCS Văn Lang,school,PGD-VT,\n"
        + "THCS VL2,,school,PGD-VT,vùng cao\n",
    )

    with pytest.raises(UnitImportError) as raised:
        read_units(path)

    lines = str(raised.value).splitlines()
    assert [line.split(":")[0] for line in lines] == ["row 3", "row 5", "row 5", "row 5"]
    assert lines[0].startswith('row 3: kind: unknown value "office"')
    assert lines[1] == 'row 5: code: "THCS VL2" may only contain letters A-Z, digits and "-"'
    assert lines[2] == "row 5: name: missing"
    assert lines[3].startswith('row 5: block: unknown value "vùng cao"')


async def test_a_rejected_file_writes_nothing_at_all(db: Database, tmp_path) -> None:
    await import_file(db, SAMPLE)
    path = write(
        tmp_path,
        HEADER
        + "SGD-PT,Sở GD&ĐT tỉnh Phú Thọ (tên mới),department,,\n"
        + "TH-NEW,Trường Tiểu học Mới,school,PGD-VT,\n"
        + "TH-BAD,Trường Tiểu học Lạc,school,PGD-XYZ,\n"
        + "THCS-LT,Trường THCS Lâm Thao,school,PGD-LT,\n"
        + "TH-NEW,Trường Tiểu học Mới (lần hai),school,PGD-LT,\n",
    )

    with pytest.raises(UnitImportError) as raised:
        async with db.unit_of_work() as session:
            await import_units(session, read_units(path), CLOCK, actor="cli")

    assert str(raised.value).splitlines() == [
        'row 4: parent_code: unknown unit "PGD-XYZ"',
        'row 6: code: "TH-NEW" is already on row 3',
    ]
    assert await count(db, Unit) == 8
    assert (await names(db))["SGD-PT"] == "Sở Giáo dục và Đào tạo Phú Thọ"
    assert await count(db, AuditEntry) == 1


async def test_a_failure_while_writing_rolls_the_whole_import_back(
    db: Database, monkeypatch
) -> None:
    async def broken_audit(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(audit, "record", broken_audit)

    with pytest.raises(RuntimeError):
        await import_file(db, SAMPLE)

    assert await count(db, Unit) == 0


async def test_unknown_parent(db: Database, tmp_path) -> None:
    path = write(tmp_path, HEADER + "SGD-PT,Sở,department,,\nTH-A,Trường A,school,PGD-XYZ,\n")

    with pytest.raises(UnitImportError) as raised:
        await import_file(db, path)

    assert str(raised.value) == 'row 3: parent_code: unknown unit "PGD-XYZ"'


async def test_duplicate_code_in_the_file(db: Database, tmp_path) -> None:
    path = write(
        tmp_path,
        HEADER + "SGD-PT,Sở,department,,\n"
        "TH-A,Trường A,school,SGD-PT,\n"
        "th-a,Trường A bis,school,SGD-PT,\n",
    )

    with pytest.raises(UnitImportError) as raised:
        await import_file(db, path)

    assert str(raised.value) == 'row 4: code: "TH-A" is already on row 3'


async def test_a_second_root_is_refused(db: Database, tmp_path) -> None:
    await import_file(db, SAMPLE)
    path = write(tmp_path, HEADER + "SGD-VP,Sở GD&ĐT Vĩnh Phúc,department,,\n")

    with pytest.raises(UnitImportError) as raised:
        await import_file(db, path)

    assert str(raised.value) == (
        'row 2: parent_code: missing, but only the root may have none and "SGD-PT" is the root '
        "(in the database)"
    )


async def test_two_roots_in_one_file(db: Database, tmp_path) -> None:
    path = write(tmp_path, HEADER + "SGD-PT,Sở,department,,\nSGD-VP,Sở 2,department,,\n")

    with pytest.raises(
        UnitImportError,
        match=r'^row 3: parent_code: .*"SGD-PT" is the root '
        r"\(row 2\)$",
    ):
        await import_file(db, path)


async def test_a_cycle_is_refused_even_through_stored_units(db: Database, tmp_path) -> None:
    await import_file(db, SAMPLE)
    # PGD-VT is stored under SGD-PT; putting SGD-PT under a school of PGD-VT closes a loop.
    path = write(tmp_path, HEADER + "SGD-PT,Sở,department,TH-TS,\n")

    with pytest.raises(UnitImportError) as raised:
        await import_file(db, path)

    assert str(raised.value) == "row 2: parent_code: cycle SGD-PT -> TH-TS -> PGD-VT -> SGD-PT"


async def test_a_unit_cannot_be_its_own_parent(db: Database, tmp_path) -> None:
    path = write(tmp_path, HEADER + "SGD-PT,Sở,department,,\nTH-A,Trường A,school,TH-A,\n")

    with pytest.raises(UnitImportError, match=r"^row 3: parent_code: cycle TH-A -> TH-A$"):
        await import_file(db, path)


@pytest.mark.parametrize(
    ("header", "missing"),
    [
        ("Mã đơn vị;Tên đơn vị;Mã đơn vị cấp trên", ['"kind" (Loại)']),
        ("code,kind", ['"name" (Tên đơn vị)', '"parent_code" (Mã đơn vị cấp trên)']),
    ],
)
def test_a_missing_required_column_is_named(tmp_path, header: str, missing: list[str]) -> None:
    path = write(tmp_path, header + "\nSGD-PT;Sở;\n")

    with pytest.raises(UnitImportError) as raised:
        read_units(path)

    assert str(raised.value).splitlines() == [
        f"units.csv: missing required column {column}" for column in missing
    ]


def test_the_block_column_is_optional(tmp_path) -> None:
    path = write(tmp_path, "code,name,kind,parent_code\nSGD-PT,Sở,department,\n")

    assert read_units(path)[0].block is None


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "units.xls",
            "",
            "units.xls: an old Excel file (.xls) cannot be read. In Excel, choose File → Save "
            "As → Excel Workbook (.xlsx), then send that file.",
        ),
        ("units.csv", "", "units.csv: the file is empty"),
        ("units.csv", "\n\n", "units.csv: the file is empty"),
        ("units.csv", HEADER + ",,,,\n", "units.csv: no units below the header (row 1)"),
    ],
)
def test_files_that_hold_no_units(tmp_path, name: str, content: str, message: str) -> None:
    with pytest.raises(UnitImportError) as raised:
        read_units(write(tmp_path, content, name=name))

    assert str(raised.value) == message


def test_a_csv_not_saved_as_utf8_is_explained(tmp_path) -> None:
    path = write(tmp_path, HEADER + "SGD-PT,GD Đông Anh,department,,\n", encoding="cp1258")

    with pytest.raises(UnitImportError, match='save it as "CSV UTF-8"'):
        read_units(path)
