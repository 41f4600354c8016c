"""The office's own template of a form's document: rendered with the submission's values; a
template with an unknown variable, broken placeholders or one that does not render is refused
at load, naming it, and the template in force stays."""

from __future__ import annotations

import asyncio
import io
from pathlib import Path

import pytest
from docx import Document

from bot.clock import ManualClock
from bot.db.database import Database
from tests.conftest import START
from tests.documents_data import FILLED, SCHOOL, built
from tests.helpers import submit_report

GOOD = (
    "{{ managing_body }} / {{ unit_name }}",
    "{{ date_line }}",
    "{{ title|upper }}: {{ collective_title }}",
    "{% for r in individuals %}{{ r.stt }}. {{ r.full_name }} ({{ r.title }}); {% endfor %}",
    "{{ head_position }} {{ head_name }}",
)


def a_template(path: Path, *lines: str) -> Path:
    document = Document()
    for line in lines:
        document.add_paragraph(line)
    document.save(path)
    return path


def _registration_text(database_url: str) -> str:
    async def make() -> str:
        db = Database(database_url)
        try:
            made = await built(db, "registration-2016")
        finally:
            await db.dispose()
        return "\n".join(p.text for p in Document(io.BytesIO(made.content)).paragraphs)

    return asyncio.run(make())


def _submitted(database_url: str) -> None:
    async def save() -> None:
        db = Database(database_url)
        answers = FILLED["registration"][1]
        await submit_report(db, ManualClock(START), SCHOOL, "registration-2016", answers)
        await db.dispose()

    asyncio.run(save())


@pytest.fixture
def registered(cli, database_url):
    cli("plan", "load")
    _submitted(database_url)
    return cli


def test_an_office_template_is_rendered_with_the_submission(registered, database_url, tmp_path):
    template = a_template(tmp_path / "mau-dang-ky.docx", *GOOD)

    code, printed, err = registered("documents", "template", "set", "registration", str(template))

    assert code == 0, err
    assert "mau-dang-ky.docx" in printed
    text = _registration_text(database_url)
    assert "Sở Giáo dục và Đào tạo tỉnh Phú Thọ / Trường THPT Chuyên Hùng Vương" in text
    assert "Phú Thọ, ngày 01 tháng 10 năm 2016" in text
    assert "BẢN ĐĂNG KÝ THI ĐUA: Tập thể lao động xuất sắc" in text
    assert "1. Nguyễn Văn Đức (Chiến sĩ thi đua cơ sở); 2. Trần Thị Ánh" in text
    assert "Hiệu trưởng" in text


@pytest.mark.parametrize(
    ("lines", "named"),
    [
        (("{{ unit_name }} {{ ten_truong }}",), "ten_truong"),
        (("{{ unit_name ",), "sai cú pháp"),
        (("{% for r in individuals %}{{ r.nickname }}{% endfor %}",), "nickname"),
        (("{{ sections[3].heading }}",), "không tạo được văn bản từ mẫu"),
    ],
)
def test_a_bad_template_is_refused_naming_why_and_the_good_one_stays(
    registered, database_url, tmp_path, lines, named
):
    good = a_template(tmp_path / "good.docx", *GOOD)
    assert registered("documents", "template", "set", "registration", str(good))[0] == 0
    bad = a_template(tmp_path / "bad.docx", *lines)

    code, _printed, err = registered("documents", "template", "set", "registration", str(bad))

    assert code == 2
    assert named in err and "bad.docx" in err
    assert err.strip().count("\n") == 0
    assert "1. Nguyễn Văn Đức" in _registration_text(database_url)  # the good one stays


def test_a_file_that_is_not_a_docx_or_an_unknown_form_is_refused(registered, tmp_path):
    text = tmp_path / "notes.docx"
    text.write_text("not a document")
    code, _printed, err = registered("documents", "template", "set", "registration", str(text))
    assert code == 2 and "không phải tệp .docx" in err
    good = a_template(tmp_path / "good.docx", *GOOD)
    code, _printed, err = registered("documents", "template", "set", "payroll", str(good))
    assert code == 2 and "không có biểu mẫu payroll" in err
