"""The document of every form: reopened with python-docx, its header, date line, title, every
answer and table row, fonts, page and margins and the signature are as the submission says."""

from __future__ import annotations

import io
from typing import Any

import pytest
from docx import Document
from docx.shared import Pt
from sqlalchemy import select

from bot.db.models import Unit
from bot.forms.catalog import form_for
from bot.forms.fields import Attachment, Group, SingleChoice, YesNo
from bot.i18n import Translator
from bot.plan import load_plan
from bot.services.paperwork import documents
from bot.services.paperwork.content import heading
from bot.services.paperwork.letterhead import abbreviation, date_line
from tests.conftest import VIETNAM
from tests.documents_data import FILLED, SCHOOL, built, resubmit
from tests.helpers import submit_report

VI = Translator("vi", VIETNAM)
AWARD_NAMES = {award.code: award.name for award in load_plan().award_types}
TITLES = {
    "registration": "BẢN ĐĂNG KÝ THI ĐUA",
    "phase1_report": "BÁO CÁO KẾT QUẢ PHÁT HIỆN, BỒI DƯỠNG ĐIỂN HÌNH TIÊN TIẾN (GIAI ĐOẠN 1)",
    "model_report": "BÁO CÁO THỰC HIỆN MÔ HÌNH ĐIỂM HỌC KỲ I",
    "model_review": "BÁO CÁO SƠ KẾT MÔ HÌNH ĐIỂM",
    "annual_report": "BÁO CÁO KẾT QUẢ THỰC HIỆN KẾ HOẠCH XÂY DỰNG ĐIỂN HÌNH TIÊN TIẾN NĂM HỌC",
    "nominations": "TỜ TRÌNH ĐỀ NGHỊ KHEN THƯỞNG",
}
KINDS = {"nominations": "TTr", "registration": "ĐK"}


@pytest.fixture
async def filled(app, clock):
    for deadline_code, answers in FILLED.values():
        await submit_report(app.db, clock, SCHOOL, deadline_code, answers)
    return app


def shown(field, value: Any) -> str:
    """How an answer should read in the document, from the plan's data and the catalog."""
    if value is None:
        return ""
    if isinstance(field, Attachment):
        return value["file_name"]
    if isinstance(field, YesNo):
        return VI("Yes") if value == "yes" else VI("No")
    if isinstance(field, SingleChoice) and field.source:
        return AWARD_NAMES.get(value, value)
    if isinstance(field, SingleChoice):
        return next(VI(o.label) for o in field.options if o.value == value)
    return str(value)


def opened(content: bytes):
    return Document(io.BytesIO(content))


def body_text(document) -> list[str]:
    return [p.text for p in document.paragraphs]


@pytest.mark.parametrize("form_code", list(FILLED))
async def test_each_forms_document_says_what_the_submission_says(filled, form_code):
    deadline_code, answers = FILLED[form_code]
    made = await built(filled.db, deadline_code)
    document = opened(made.content)
    form = form_for(form_code)

    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)  # A4
    assert 20 <= round(section.top_margin.mm) <= 25 and 20 <= round(section.bottom_margin.mm) <= 25
    assert 30 <= round(section.left_margin.mm) <= 35
    assert 15 <= round(section.right_margin.mm) <= 20
    normal = document.styles["Normal"].font
    assert (normal.name, normal.size) == ("Times New Roman", Pt(13))

    header, *tables = document.tables
    left, right = header.rows[0].cells
    assert [p.text for p in left.paragraphs] == [
        "SỞ GIÁO DỤC VÀ ĐÀO TẠO TỈNH PHÚ THỌ",
        "TRƯỜNG THPT CHUYÊN HÙNG VƯƠNG",
    ]
    assert left.paragraphs[1].runs[0].bold and not left.paragraphs[0].runs[0].bold
    nation, motto = right.paragraphs
    assert nation.text == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" and nation.runs[0].bold
    assert motto.text == "Độc lập - Tự do - Hạnh phúc"
    assert motto.runs[0].bold and motto.runs[0].underline
    number, dated = header.rows[1].cells
    assert number.text == f"Số: …/{KINDS.get(form_code, 'BC')}-THPTCHV"
    assert dated.text == "Phú Thọ, ngày 01 tháng 10 năm 2016"
    assert dated.paragraphs[0].runs[0].italic

    paragraphs = document.paragraphs
    title = next(p for p in paragraphs if p.text == TITLES[form_code])
    assert title.runs[0].bold and title.alignment == 1  # centred

    text = "\n".join(body_text(document))
    group_tables = iter(tables)
    number = 0
    for field in form.visible(answers):
        if field.key not in answers:
            continue
        number += 1
        assert f"{number}. {heading(VI(field.label))}" in body_text(document)
        value = answers[field.key]
        if isinstance(field, Group):
            table = next(group_tables)
            rows = [[cell.text for cell in row.cells] for row in table.rows]
            assert rows[0] == ["STT", *(heading(VI(f.label)) for f in field.fields)]
            assert rows[1:] == [
                [str(i), *(shown(f, row.get(f.key)) for f in field.fields)]
                for i, row in enumerate(value, 1)
            ]
        elif field.key == "models":
            assert "Nâng cao chất lượng giáo dục" in text
        elif field.key == "plan_signed_on":
            assert "05/09/2016" in text
        else:
            for line in shown(field, value).splitlines():
                assert line in text

    signature = next(group_tables)
    receivers, signer = signature.rows[0].cells
    assert [p.text for p in receivers.paragraphs] == [
        "Nơi nhận:",
        "- Văn phòng Sở GD&ĐT (để báo cáo);",
        "- Lưu: VT.",
    ]
    assert signer.paragraphs[0].text == "HIỆU TRƯỞNG" and signer.paragraphs[0].runs[0].bold
    for paragraph in paragraphs:
        for run in paragraph.runs:
            assert run.font.name in (None, "Times New Roman")  # None: the style's
            assert run.font.size in (None, Pt(13), Pt(14))


async def test_page_numbers_start_on_page_two(filled):
    made = await built(filled.db, "registration-2016")
    section = opened(made.content).sections[0]
    assert section.different_first_page_header_footer
    assert "PAGE" in section.header._element.xml
    assert section.first_page_header.paragraphs[0].text == ""


async def test_the_head_signs_by_name_once_known_and_an_earlier_version_stays_readable(
    filled, clock
):
    async with filled.db.unit_of_work() as session:
        unit = await session.scalar(select(Unit).where(Unit.code == SCHOOL))
        await documents.keep_head_name(session, unit.id, "Nguyễn Thị Thanh Hà")
    answers = {**FILLED["model_review"][1], "results": "Kết quả mới, đã sửa."}
    await resubmit(filled.db, clock, "model-review", answers)

    current = opened((await built(filled.db, "model-review")).content)
    first = await built(filled.db, "model-review", version=1)

    assert first.file_name == "model-review_THPT-CHUYEN-HUNG-VUONG_v1.docx"
    assert "Kết quả mới, đã sửa." in "\n".join(body_text(current))
    earlier = "\n".join(body_text(opened(first.content)))
    assert "Chất lượng giáo dục mũi nhọn được nâng lên rõ rệt." in earlier
    signer = current.tables[-1].rows[0].cells[1]
    assert signer.paragraphs[-1].text == "Nguyễn Thị Thanh Hà"
    assert signer.paragraphs[-1].runs[0].bold
    assert await built(filled.db, "model-review", version=7) is None


async def test_a_district_office_is_under_its_peoples_committee_and_dates_in_its_town(app, clock):
    await submit_report(
        app.db, clock, "PGD-VIET-TRI", "registration-2016", FILLED["registration"][1]
    )
    document = opened((await built(app.db, "registration-2016", unit="PGD-VIET-TRI")).content)
    header = document.tables[0]
    assert header.rows[0].cells[0].paragraphs[0].text == "UBND THÀNH PHỐ VIỆT TRÌ"
    assert header.rows[1].cells[0].text == "Số: …/ĐK-PGDVT"
    assert header.rows[1].cells[1].text.startswith("Việt Trì, ngày 01 tháng 10 năm 2016")
    assert document.tables[-1].rows[0].cells[1].paragraphs[0].text == "TRƯỞNG PHÒNG"


def test_the_date_line_and_the_number_follow_the_decree():
    from datetime import date

    assert date_line("Phú Thọ", date(2017, 2, 3)) == "Phú Thọ, ngày 03 tháng 02 năm 2017"
    assert date_line("Việt Trì", date(2017, 11, 20)) == "Việt Trì, ngày 20 tháng 11 năm 2017"
    assert abbreviation("THPT-VIET-TRI") == "THPTVT" and abbreviation("SO") == "SO"
