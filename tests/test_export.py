"""The office's workbook: every sheet a filtered table with Vietnamese headers and real dates, and
each figure the one a clerk would count by hand from the fixture below."""

from __future__ import annotations

from datetime import UTC, date, datetime
from io import BytesIO
from pathlib import Path

import openpyxl
import pytest
from openpyxl.utils import get_column_letter
from sqlalchemy import select

from bot.clock import ManualClock
from bot.db.models import (
    Award,
    AwardType,
    Deadline,
    Exemplar,
    Person,
    Submission,
    SubmissionStatus,
    SubmissionVersion,
    Unit,
)
from bot.i18n import Translator
from bot.services.awards.register import AwardEntry, record_award
from bot.services.exemplars import changes
from bot.services.reporting.export import build_workbook, export_file_name
from bot.services.setup.units_import import read_units
from tests.conftest import VIETNAM
from tests.helpers import record_submission, submit_report

# The office exports five days after the phase-1 report and the 2016 registration were due.
EXPORTED_AT = datetime(2016, 10, 25, 10, 0, tzinfo=VIETNAM)
VI = Translator("vi", VIETNAM)
EXEMPLARS = VI("Exemplars")  # the sheet's title, translated or not yet
SHEETS = [
    "Đơn vị",
    "Đăng ký thi đua",
    "Báo cáo",
    "Khen thưởng",
    EXEMPLARS,
    "Tiến độ chỉ tiêu",
    "Đơn vị chưa nộp",
]
# The 34 units below the Sở owe "all" deadlines; the pilot models leave out these four offices.
NOT_IN_A_MODEL = {"PGD-HA-HOA", "PGD-THANH-BA", "PGD-TAN-SON", "PGD-THANH-THUY"}
REGISTERED = {
    "collective_title": "tap_the_lao_dong_xuat_sac",
    "individuals": [
        {"full_name": "Nguyễn Văn An", "position": "Giáo viên", "title": "chien_si_thi_dua_co_so"}
    ],
    "key_targets": "=10 giáo viên giỏi cấp tỉnh",  # looks like a formula: must stay text
    "has_initiatives": "no",
}
FLAG, MAY_1 = "co_thi_dua_ubnd_tinh", date(2017, 5, 1)
# Three provincial flags, two to district-managed units and one to a Sở-direct school, and two
# individuals: (award type, unit, recipient, collective, decision number, decision date).
AWARDS = [
    (FLAG, "PGD-VIET-TRI", "Phòng GD&ĐT Việt Trì", True, "101/QĐ", MAY_1),
    (FLAG, "TTHTCD-MINH-TIEN", "TT HTCĐ Minh Tiến", True, "102/QĐ", MAY_1),
    (FLAG, "THPT-VIET-TRI", "THPT Việt Trì", True, "103/QĐ", MAY_1),
    (
        "bang_khen_ubnd_tinh",
        "THPT-VIET-TRI",
        "Nguyễn Thị Lan",
        False,
        "200/QĐ-UBND",
        date(2017, 5, 2),
    ),
    ("nha_giao_uu_tu", "THPT-HUNG-VUONG", "Trần Văn Bình", False, "300/QĐ-CTN", date(2017, 11, 20)),
]


async def submit(db, unit_code, deadline_code, versions, *, at, updated=None, late=False):
    """A submission whose successive versions hold these answers; the last one stands."""
    async with db.unit_of_work() as session:
        unit = await session.scalar(select(Unit).where(Unit.code == unit_code))
        deadline = await session.scalar(select(Deadline).where(Deadline.code == deadline_code))
        author = Person(full_name="Hiệu trưởng", locale="vi", created_at=at)
        submission = Submission(
            reference=f"TD-{unit.id:03d}{deadline.id:03d}",
            unit_id=unit.id,
            deadline_id=deadline.id,
            status=SubmissionStatus.SUBMITTED,
            version=len(versions),
            late=late,
            first_submitted_at=at,
            updated_at=updated or at,
        )
        session.add_all([author, submission])
        await session.flush()
        session.add_all(
            SubmissionVersion(
                submission_id=submission.id,
                number=number,
                form_version=1,
                answers=answers,
                changed_fields={},
                author_person_id=author.id,
                created_at=at,
            )
            for number, answers in enumerate(versions, 1)
        )


async def record_awards(db) -> None:
    async with db.unit_of_work() as session:
        types = {t.code: t.id for t in await session.scalars(select(AwardType))}
        units = {u.code: u.id for u in await session.scalars(select(Unit))}
        session.add_all(
            Award(
                award_type_id=types[kind],
                unit_id=units[unit],
                recipient_name=recipient,
                collective=collective,
                decision_number=number,
                decision_date=day,
                recorded_at=datetime(2017, 5, 10, 15, 30, tzinfo=VIETNAM),
            )
            for kind, unit, recipient, collective, number, day in AWARDS
        )


@pytest.fixture
async def sector(plan_db, clock):
    """Two registrations (one late), three reports (one returned), five awards."""
    await submit(
        plan_db,
        "THPT-VIET-TRI",
        "registration-2016",
        [{**REGISTERED, "collective_title": "tap_the_lao_dong_tien_tien"}, REGISTERED],
        at=datetime(2016, 10, 15, 9, 30, tzinfo=VIETNAM),
        updated=datetime(2016, 10, 18, 14, 5, tzinfo=VIETNAM),
    )
    await submit(
        plan_db,
        "THPT-HA-HOA",
        "registration-2016",
        [REGISTERED],
        at=datetime(2016, 10, 21, 7, 0, tzinfo=VIETNAM),
        late=True,
    )
    await submit(
        plan_db,
        "TTHTCD-DUU-LAU",
        "phase1-report",
        [{"programme": "Bồi dưỡng điển hình", "plan_signed_on": "2016-09-15"}],
        at=datetime(2016, 10, 19, 16, 0, tzinfo=VIETNAM),
    )
    await record_submission(
        plan_db, clock, "THPT-PHONG-CHAU", "phase1_report", SubmissionStatus.RETURNED
    )
    await submit(
        plan_db,
        "PGD-VIET-TRI",
        "annual-report-2017",
        [{"new_exemplars": 4, "awards": [{"award": FLAG, "count": 2}]}],
        at=datetime(2016, 10, 24, 8, 0, tzinfo=VIETNAM),
    )
    await record_awards(plan_db)
    clock.set(EXPORTED_AT)
    return plan_db


async def export(db, clock, locale="vi"):
    async with db.unit_of_work() as session:
        exported = await build_workbook(session, clock, Translator(locale, VIETNAM))
    return exported, openpyxl.load_workbook(BytesIO(exported.content))


def records(sheet) -> list[dict]:
    """The data rows, each keyed by the headers."""
    header, *rows = sheet.iter_rows(values_only=True)
    return [dict(zip(header, row, strict=True)) for row in rows]


def cells(sheet, header: str) -> list:
    """The cells of one column below the header."""
    column = [cell.value for cell in sheet[1]].index(header) + 1
    return [row[0] for row in sheet.iter_rows(min_row=2, min_col=column, max_col=column)]


async def test_every_sheet_is_a_filtered_table_with_a_frozen_bold_vietnamese_header(sector, clock):
    exported, workbook = await export(sector, clock)

    assert workbook.sheetnames == SHEETS
    assert exported.row_counts == {
        "Đơn vị": 35,
        "Đăng ký thi đua": 2,
        "Báo cáo": 3,
        "Khen thưởng": 5,
        EXEMPLARS: 0,  # these reports name none
        "Tiến độ chỉ tiêu": 13,  # 11 targets, and the flags' two blocks
        "Đơn vị chưa nộp": 159,  # the Sở owes its own review of the pilot models too
    }
    for sheet in workbook.worksheets:
        assert sheet.freeze_panes == "A2"
        last_column = get_column_letter(sheet.max_column)
        assert sheet.auto_filter.ref == f"A1:{last_column}{exported.row_counts[sheet.title] + 1}"
        assert all(cell.font.b and cell.alignment.wrap_text for cell in sheet[1])
        widths = [sheet.column_dimensions[cell.column_letter].width for cell in sheet[1]]
        assert all(10 <= width <= 60 for width in widths)
        # Printed: landscape A4, as wide as one page, the header on every page.
        setup = sheet.page_setup
        assert (setup.orientation, setup.paperSize, setup.fitToWidth, setup.fitToHeight) == (
            "landscape",
            9,
            1,
            0,
        )
        assert sheet.sheet_properties.pageSetUpPr.fitToPage
        assert sheet.print_title_rows == "$1:$1"
        # Each page's foot: the sheet's name, when the figures were taken, the page of how many.
        footer = sheet.oddFooter
        assert (footer.left.text, footer.center.text, footer.right.text) == (
            "&A",
            "Số liệu tính đến 10:00 25/10/2016",
            "Trang &P/&N",
        )
    units = workbook["Đơn vị"]
    assert [c.value for c in units[1]] == [
        "Mã đơn vị",
        "Tên đơn vị",
        "Loại",
        "Khối",
        "Mã đơn vị cấp trên",
        "Đơn vị cấp trên",
        "Đang hoạt động",
    ]
    assert [c.value for c in workbook["Khen thưởng"][1]][-3:] == [
        "Số quyết định",
        "Ngày quyết định",
        "Ghi nhận lúc",
    ]
    # Fitted to the content: codes narrower than names.
    assert units.column_dimensions["A"].width < units.column_dimensions["B"].width


async def test_the_units_sheet_lists_the_tree_and_reads_back_through_units_import(
    sector, clock, tmp_path
):
    exported, workbook = await export(sector, clock)

    by_code = {row["Mã đơn vị"]: row for row in records(workbook["Đơn vị"])}
    assert by_code["TTHTCD-DUU-LAU"] == {
        "Mã đơn vị": "TTHTCD-DUU-LAU",
        "Tên đơn vị": "Trung tâm học tập cộng đồng xã Dữu Lâu, thành phố Việt Trì",
        "Loại": "Trung tâm",
        "Khối": "Khối huyện",
        "Mã đơn vị cấp trên": "PGD-VIET-TRI",
        "Đơn vị cấp trên": "Phòng GD&ĐT thành phố Việt Trì",
        "Đang hoạt động": "Có",
    }
    assert (by_code["THPT-VIET-TRI"]["Loại"], by_code["THPT-VIET-TRI"]["Khối"]) == (
        "Trường",
        "Khối trực thuộc Sở",
    )
    assert by_code["SO"]["Mã đơn vị cấp trên"] is None
    saved = tmp_path / "units.xlsx"
    saved.write_bytes(exported.content)
    read_back = {row.code: (row.kind, row.block, row.parent_code) for row in read_units(saved)}
    assert read_back["TTHTCD-DUU-LAU"] == ("centre", "district", "PGD-VIET-TRI")
    assert read_back["PGD-LAM-THAO"] == ("district_office", "district", "SO")
    assert read_back["SO"] == ("department", None, None)
    assert len(read_back) == 35


async def test_registrations_show_the_standing_version_with_vietnam_times(sector, clock):
    _, workbook = await export(sector, clock)
    sheet = workbook["Đăng ký thi đua"]

    ha_hoa, viet_tri = records(sheet)  # by unit code
    assert viet_tri["Mã đơn vị"] == "THPT-VIET-TRI" and ha_hoa["Mã đơn vị"] == "THPT-HA-HOA"
    assert viet_tri["Hạn nộp"] == "Đăng ký thi đua"
    assert viet_tri["Năm học"] == "2016-2017"
    assert viet_tri["Khối"] == "Khối trực thuộc Sở"
    assert viet_tri["Đơn vị cấp trên"] == "Sở Giáo dục và Đào tạo tỉnh Phú Thọ"
    assert (viet_tri["Tình trạng"], viet_tri["Nộp muộn"], viet_tri["Phiên bản"]) == (
        "đã nộp",
        "Không",
        2,
    )
    assert ha_hoa["Nộp muộn"] == "Có"
    # Version 2 stands, rendered as the form's review shows it.
    assert viet_tri["Danh hiệu tập thể đơn vị đăng ký"] == "Tập thể lao động xuất sắc"
    assert viet_tri["Cá nhân đăng ký"] == "1. Nguyễn Văn An · Giáo viên · Chiến sĩ thi đua cơ sở"
    assert viet_tri["Đơn vị có đăng ký sáng kiến không?"] == "Không"
    assert viet_tri["Hình thức khen thưởng đơn vị đăng ký"] is None  # optional, not answered
    formula_like = cells(sheet, "Chỉ tiêu chủ yếu (ví dụ: giáo viên giỏi, học sinh giỏi)")[1]
    assert (formula_like.value, formula_like.data_type) == ("=10 giáo viên giỏi cấp tỉnh", "s")
    # Real dates in Vietnam time (stored as 02:30 UTC), formatted as the office writes them.
    due, first, updated = (
        cells(sheet, header)[1]
        for header in ("Hạn chót", "Nộp lần đầu lúc", "Cập nhật lần cuối lúc")
    )
    assert (due.value, due.number_format) == (datetime(2016, 10, 20), "dd/mm/yyyy")
    assert (first.value, first.number_format) == (datetime(2016, 10, 15, 9, 30), "dd/mm/yyyy hh:mm")
    assert updated.value == datetime(2016, 10, 18, 14, 5)


async def test_reports_share_columns_across_forms_and_keep_numbers_and_dates_typed(sector, clock):
    _, workbook = await export(sector, clock)
    sheet = workbook["Báo cáo"]

    rows = records(sheet)
    assert [(r["Mã đơn vị"], r["Tình trạng"]) for r in rows] == [
        ("THPT-PHONG-CHAU", "bị trả lại để chỉnh sửa"),  # phase-1 report, units by code
        ("TTHTCD-DUU-LAU", "đã nộp"),
        ("PGD-VIET-TRI", "đã nộp"),  # the annual report, due later
    ]
    phase1, annual = rows[1], rows[2]
    assert phase1["Ngày ký kế hoạch của đơn vị"] == datetime(2016, 9, 15)
    assert cells(sheet, "Ngày ký kế hoạch của đơn vị")[1].number_format == "dd/mm/yyyy"
    assert phase1["Số điển hình mới"] is None
    assert annual["Số điển hình mới"] == 4
    assert annual["Khen thưởng đã nhận trong năm học"] == "1. Cờ thi đua UBND tỉnh · 2"
    assert annual["Hạn chót"] == datetime(2017, 6, 4)
    assert rows[0]["Phiên bản"] == 1 and rows[0]["Nộp lần đầu lúc"] == datetime(2016, 10, 1, 8, 0)


async def test_awards_with_decision_dates(sector, clock):
    _, workbook = await export(sector, clock)
    sheet = workbook["Khen thưởng"]

    rows = records(sheet)
    assert [r["Số quyết định"] for r in rows] == [
        "101/QĐ",
        "102/QĐ",
        "103/QĐ",
        "200/QĐ-UBND",
        "300/QĐ-CTN",
    ]
    lan = rows[3]
    assert lan == {
        "Hình thức khen thưởng": "Bằng khen UBND tỉnh",
        "Tập thể, cá nhân được khen thưởng": "Nguyễn Thị Lan",
        "Tập thể/Cá nhân": "Cá nhân",
        "Mã đơn vị": "THPT-VIET-TRI",
        "Tên đơn vị": "Trường THPT Việt Trì",
        "Khối": "Khối trực thuộc Sở",
        "Đơn vị cấp trên": "Sở Giáo dục và Đào tạo tỉnh Phú Thọ",
        "Số quyết định": "200/QĐ-UBND",
        "Ngày quyết định": datetime(2017, 5, 2),
        "Ghi nhận lúc": datetime(2017, 5, 10, 15, 30),
    }
    assert cells(sheet, "Ngày quyết định")[3].number_format == "dd/mm/yyyy"
    assert cells(sheet, "Ghi nhận lúc")[3].number_format == "dd/mm/yyyy hh:mm"


async def test_quota_progress_has_the_figures_counted_by_hand(sector, clock):
    _, workbook = await export(sector, clock)
    sheet = workbook["Tiến độ chỉ tiêu"]

    figures = {
        (r["Hình thức khen thưởng"], r["Phạm vi"]): (
            r["Chỉ tiêu"],
            r["Đã xác nhận"],
            r["Tỷ lệ đạt"],
            r["Còn thiếu"],
            r["Đơn vị tự báo cáo"],
        )
        for r in records(sheet)
    }
    # 3 of 72 flags is 4.2%: /progress shows 4%, and so does the cell.
    assert figures["Cờ thi đua UBND tỉnh", "Toàn ngành"] == (72, 3, 0.04, 69, 2)
    assert figures["Cờ thi đua UBND tỉnh", "Khối huyện"] == (60, 2, 0.03, 58, None)
    assert figures["Cờ thi đua UBND tỉnh", "Khối trực thuộc Sở"] == (12, 1, 0.08, 11, None)
    assert figures["Bằng khen UBND tỉnh", "Toàn ngành"] == (150, 1, 0.01, 149, 0)
    assert figures["Cờ thi đua Chính phủ", "Toàn ngành"] == (3, 0, 0, 3, 0)
    assert figures["Nhà giáo Ưu tú", "Toàn ngành"] == ("phấn đấu có", 1, None, None, 0)
    assert len(figures) == 13
    assert {c.number_format for c in cells(sheet, "Tỷ lệ đạt") if c.value is not None} == {"0%"}


async def test_missing_units_are_exactly_the_units_that_owe_each_deadline(sector, clock):
    _, workbook = await export(sector, clock)

    owing: dict[str, dict[str, tuple]] = {}
    for row in records(workbook["Đơn vị chưa nộp"]):
        owing.setdefault(row["Hạn nộp"], {})[row["Mã đơn vị"]] = (
            row["Tình trạng"],
            row["Số ngày quá hạn"],
        )
    async with sector.unit_of_work() as session:
        below_the_so = set(await session.scalars(select(Unit.code).where(Unit.code != "SO")))
        rows = await session.execute(select(Deadline.code, Deadline.title))
        titles = {code: title for code, title in rows}

    # This school year's deadlines, passed or not; nothing of 2017-2018 yet.
    assert list(owing) == [
        titles[code]
        for code in (
            "phase1-report",
            "registration-2016",
            "model-report",
            "model-review",
            "annual-report-2017",
            "model-review-office",
        )
    ]
    phase1 = owing[titles["phase1-report"]]
    assert set(phase1) == below_the_so - {"TTHTCD-DUU-LAU"}
    # Overdue since the last day, 19/10 ("trước ngày 20/10/2016").
    assert phase1["THPT-PHONG-CHAU"] == ("bị trả lại để chỉnh sửa", 6)
    assert phase1["THPT-HA-HOA"] == ("chưa nộp", 6)
    assert set(owing[titles["registration-2016"]]) == below_the_so - {
        "THPT-VIET-TRI",
        "THPT-HA-HOA",
    }
    model_report = owing[titles["model-report"]]
    assert set(model_report) == below_the_so - NOT_IN_A_MODEL
    assert model_report["PGD-PHU-THO"] == ("chưa nộp", None)  # not due yet
    assert set(owing[titles["annual-report-2017"]]) == below_the_so - {"PGD-VIET-TRI"}
    # The consolidated review of the pilot models is the Sở's own: only the Sở owes it.
    assert set(owing[titles["model-review-office"]]) == {"SO"}
    due = cells(workbook["Đơn vị chưa nộp"], "Hạn chót")[0]
    assert (due.value, due.number_format) == (datetime(2016, 10, 19), "dd/mm/yyyy")


VIET_TRI_OFFICE = "Phòng GD&ĐT thành phố Việt Trì"
DUU_LAU = "Trung tâm học tập cộng đồng xã Dữu Lâu, thành phố Việt Trì"


def _named(name: str, kind: str = "collective", field: str | None = None) -> dict:
    return {"name": name, "kind": kind, "field": field}


@pytest.fixture
async def exemplars(plan_db, clock):
    """Reports name six exemplars; one is merged into another, one is no longer an exemplar,
    one is honoured by an award decision."""
    clock.set(datetime(2016, 10, 10, 6, 30, tzinfo=VIETNAM))  # still the 9th in UTC
    phase1 = {"programme": "Bồi dưỡng điển hình", "plan_signed_on": "2016-09-15"}
    viet_tri = [
        _named("Tổ Toán - Tin", field="Giảng dạy"),
        _named("Nguyễn Thị Hương", "individual", "Quản lý"),
        _named("Tổ Ngữ văn"),
        _named("Tổ Văn Sử"),
    ]
    await submit_report(
        plan_db, clock, "THPT-VIET-TRI", "phase1-report", {**phase1, "exemplars": viet_tri}
    )
    await submit_report(
        plan_db,
        clock,
        "TTHTCD-DUU-LAU",
        "phase1-report",
        {**phase1, "exemplars": [_named("Câu lạc bộ Đọc sách")]},
    )
    clock.set(datetime(2017, 1, 10, 9, 0, tzinfo=VIETNAM))
    await submit_report(
        plan_db,
        clock,
        "PGD-VIET-TRI",
        "model-report",
        {"models": ["7"], "selected": [_named("Trường Mầm non Hoa Hồng")]},
    )
    clock.set(datetime(2017, 3, 1, 9, 0, tzinfo=VIETNAM))
    async with plan_db.unit_of_work() as session:
        named = {r.name: r for r in await session.scalars(select(Exemplar))}
        now = clock.now()
        await changes.merge(session, named["Tổ Văn Sử"], named["Tổ Ngữ văn"], "test", now)
        changes.retire(session, named["Câu lạc bộ Đọc sách"], "test", now, "Đã giải thể")
        unit_id = named["Nguyễn Thị Hương"].unit_id
        await record_award(
            session,
            clock,
            AwardEntry(
                "bang_khen_ubnd_tinh", "Nguyen Thi Huong", False, unit_id, "200/QĐ-UBND", MAY_1
            ),
            actor="cli",
        )
    clock.set(EXPORTED_AT.replace(year=2017, month=6))
    return plan_db


async def test_the_exemplars_sheet_lists_each_record_once_with_its_stage_and_award(
    exemplars, clock
):
    exported, workbook = await export(exemplars, clock)

    sheet = workbook[EXEMPLARS]
    assert exported.row_counts[EXEMPLARS] == 5  # "Tổ Văn Sử" is "Tổ Ngữ văn" now
    assert [c.value for c in sheet[1]] == [
        "Mã đơn vị",
        "Tên đơn vị",
        *(
            VI(header)
            for header in (
                "District or block",
                "Exemplar",
                "Collective or individual",
                "Field",
                "Pilot model",
                "Stage",
                "First reported in",
                "First reported on",
                "Award decision",
                "Decision date",
                "No longer an exemplar since",
                "Reason",
            )
        ),
    ]
    rows = [list(row) for row in sheet.iter_rows(min_row=2, values_only=True)]
    viet_tri = ("THPT-VIET-TRI", "Trường THPT Việt Trì", "Khối trực thuộc Sở")
    assert [tuple(row[:4]) for row in rows] == [
        ("PGD-VIET-TRI", VIET_TRI_OFFICE, VIET_TRI_OFFICE, "Trường Mầm non Hoa Hồng"),
        (*viet_tri, "Nguyễn Thị Hương"),
        (*viet_tri, "Tổ Ngữ văn"),
        (*viet_tri, "Tổ Toán - Tin"),
        ("TTHTCD-DUU-LAU", DUU_LAU, VIET_TRI_OFFICE, "Câu lạc bộ Đọc sách"),
    ]
    in_a_model, honoured, merged, found, retired = (row[4:] for row in rows)
    phase1 = "Báo cáo nội dung, chương trình, biện pháp xây dựng điển hình tiên tiến (giai đoạn 1)"
    assert in_a_model[:2] == ["Tập thể", None]
    assert in_a_model[2].startswith("7. Thí điểm chuyển trường công lập")
    assert in_a_model[3:] == [
        VI("fostered"),  # by the pilot model's report
        "Báo cáo kết quả lựa chọn, phát hiện điển hình của mô hình điểm (2016-2017)",
        datetime(2017, 1, 10),
        None,
        None,
        None,
        None,
    ]
    assert honoured == [
        "Cá nhân",
        "Quản lý",
        None,
        VI("honoured"),
        f"{phase1} (2016-2017)",
        datetime(2016, 10, 10),  # the day in Vietnam, not in UTC
        "200/QĐ-UBND",
        datetime(2017, 5, 1),
        None,
        None,
    ]
    assert retired[-2:] == [datetime(2017, 3, 1), "Đã giải thể"]
    assert merged[3] == found[3] == VI("found")
    assert found[2] is None and found[1] == "Giảng dạy"
    for column in ("First reported on", "Decision date", "No longer an exemplar since"):
        assert {c.number_format for c in cells(sheet, VI(column)) if c.value} == {"dd/mm/yyyy"}
    # Printed too: long names wrap in narrower columns, every cell at the top of its row.
    first_report = cells(sheet, VI("First reported in"))
    assert sheet.column_dimensions[first_report[0].column_letter].width == 28
    assert all(c.alignment.wrap_text and c.alignment.vertical == "top" for c in first_report)
    codes = cells(sheet, "Mã đơn vị")
    assert all(c.alignment.vertical == "top" and not c.alignment.wrap_text for c in codes)


async def test_in_english_the_same_workbook_speaks_english(sector, clock):
    exported, workbook = await export(sector, clock, locale="en")

    assert workbook.sheetnames[0] == "Units"
    assert [c.value for c in workbook["Units"][1]][:3] == ["Unit code", "Unit name", "Kind"]
    flags = records(workbook["Quota progress"])[2]
    assert flags["Award type"] == "Provincial People's Committee Emulation Flag"
    assert flags["Scope"] == "Whole sector"
    assert exported.row_counts["Missing units"] == 159
    footer = workbook["Units"].oddFooter
    assert (footer.center.text, footer.right.text) == (
        "Figures as of 10:00 25/10/2016",
        "Page &P/&N",
    )


def test_a_footer_writes_an_ampersand_of_its_text_as_a_literal_one():
    from bot.services.documents.workbooks import Footer

    footer = Footer(centre="Sở GD&ĐT Phú Thọ", pages="Trang {page}/{pages}")

    assert footer.codes() == ("&A", "Sở GD&&ĐT Phú Thọ", "Trang &P/&N")


async def test_an_empty_database_gives_headers_only(db):
    async with db.unit_of_work() as session:
        exported = await build_workbook(
            session, ManualClock(EXPORTED_AT), Translator("vi", VIETNAM)
        )

    workbook = openpyxl.load_workbook(BytesIO(exported.content))
    assert set(exported.row_counts.values()) == {0}
    assert workbook["Đơn vị"].auto_filter.ref == "A1:G1"


def test_the_file_is_named_by_the_day_in_vietnam():
    half_past_one_in_hanoi = datetime(2026, 11, 23, 18, 30, tzinfo=UTC)
    assert export_file_name(half_past_one_in_hanoi, VIETNAM) == "thidua-2026-11-24.xlsx"


# --- thidua export ------------------------------------------------------------------------------


def test_thidua_export_writes_the_workbook_and_says_what_is_in_it(cli, tmp_path):
    cli("plan", "load")
    out = tmp_path / "bao-cao.xlsx"

    code, printed, _ = cli("export", "--out", str(out))

    assert code == 0
    assert openpyxl.load_workbook(out).sheetnames == SHEETS
    written, rows = printed.strip().splitlines()
    assert written.startswith(f"Đã ghi bảng tính: {out} (") and written.endswith(" KB)")
    assert rows.startswith("Số dòng mỗi trang tính: Đơn vị 35 · Đăng ký thi đua 0 · ")


@pytest.mark.parametrize(
    ("out", "message"),
    [
        ("missing-folder/bao-cao.xlsx", "không có thư mục"),
        ("bao-cao.csv", "phải có đuôi .xlsx"),
        ("folder.xlsx", "là một thư mục"),
    ],
)
def test_thidua_export_refuses_a_bad_path_in_one_line(cli, tmp_path, out, message):
    (tmp_path / "folder.xlsx").mkdir()

    code, printed, err = cli("export", "--out", str(Path(tmp_path, out)))

    assert (code, printed) == (2, "")
    assert message in err
    assert len(err.strip().splitlines()) == 1


async def test_export_in_chat_says_it_is_under_way_then_sends_the_workbook(app, clock):
    from bot.db.models import AuditEntry, Role
    from tests.helpers import Person, issue_code

    clerk = Person.new(app)
    await clerk.says(f"/start {await issue_code(app.db, clock, Role.OFFICE)}")

    await clerk.taps("Xuất Excel")

    under_way, sent = clerk.last.replies
    assert under_way.text.startswith("⏳ Đang tạo tệp Excel")
    assert sent.document.file_name == "thidua-2016-10-01.xlsx"
    workbook = openpyxl.load_workbook(BytesIO(sent.document.content))
    assert "Đơn vị" in workbook.sheetnames and "Tiến độ chỉ tiêu" in workbook.sheetnames
    async with app.db.unit_of_work() as session:
        actions = list(await session.scalars(select(AuditEntry.action)))
    assert "export.workbook" in actions
