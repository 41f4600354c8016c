"""A real office suite reads the documents: LibreOffice converts each to PDF, whose text and
pages are checked. A machine without LibreOffice or poppler fails this, it does not skip:
`make test` installs them."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from tests.documents_data import FILLED, SCHOOL, built
from tests.helpers import submit_report

CONVERT_SECONDS = 120


def converted(docx: Path) -> Path:
    """The PDF LibreOffice makes of ``docx``, beside it."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice, "LibreOffice (soffice) is missing: run `make test`, which installs it"
    profile = docx.parent / "lo-profile"
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(docx.parent),
            str(docx),
        ],
        check=True,
        capture_output=True,
        timeout=CONVERT_SECONDS,
    )
    pdf = docx.with_suffix(".pdf")
    assert pdf.is_file(), f"LibreOffice made no PDF of {docx.name}"
    return pdf


def pdf_text(pdf: Path) -> str:
    assert shutil.which("pdftotext"), "pdftotext (poppler-utils) is missing: run `make test`"
    done = subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True)
    return done.stdout.decode()


def pdf_pages(pdf: Path) -> int:
    assert shutil.which("pdfinfo"), "pdfinfo (poppler-utils) is missing: run `make test`"
    done = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True)
    return int(
        next(line for line in done.stdout.splitlines() if line.startswith("Pages:")).split()[1]
    )


async def test_libreoffice_reads_every_forms_document(app, clock, tmp_path):
    for deadline_code, answers in FILLED.values():
        await submit_report(app.db, clock, SCHOOL, deadline_code, answers)
    paths = []
    for deadline_code, _answers in FILLED.values():
        made = await built(app.db, deadline_code)
        path = tmp_path / made.file_name
        path.write_bytes(made.content)
        paths.append(path)

    for path in paths:
        text = " ".join(pdf_text(converted(path)).split())
        assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
        assert "Độc lập - Tự do - Hạnh phúc" in text
        assert "TRƯỜNG THPT CHUYÊN HÙNG VƯƠNG" in text
        assert "Phú Thọ, ngày 01 tháng 10 năm 2016" in text
        assert "Nơi nhận:" in text and "HIỆU TRƯỞNG" in text
        assert 1 <= pdf_pages(path.with_suffix(".pdf")) <= 3

    registration = " ".join(pdf_text(tmp_path / paths[0].with_suffix(".pdf").name).split())
    assert "BẢN ĐĂNG KÝ THI ĐUA" in registration
    for name in ("Nguyễn Văn Đức", "Trần Thị Ánh", "Lê Hoàng Yến", "Ứng dụng bản đồ tư duy"):
        assert name in registration
