"""``thidua documents export``: one .docx per submitted unit and a ZIP, with a progress bar."""

from __future__ import annotations

import asyncio
import io
import zipfile

from docx import Document

from bot.clock import ManualClock
from bot.db.database import Database
from tests.conftest import START
from tests.documents_data import FILLED

UNITS = ("THPT-CHUYEN-HUNG-VUONG", "THPT-VIET-TRI", "PGD-DOAN-HUNG")


def _submitted(database_url: str) -> None:
    from tests.helpers import submit_report

    async def save() -> None:
        db = Database(database_url)
        for unit in UNITS:
            await submit_report(
                db, ManualClock(START), unit, "nominations", FILLED["nominations"][1]
            )
        await db.dispose()

    asyncio.run(save())


def test_documents_export_writes_each_units_document_and_a_zip(cli, database_url, tmp_path):
    cli("plan", "load")
    _submitted(database_url)
    out = tmp_path / "van-ban"

    code, printed, err = cli("documents", "export", "--deadline", "nominations", "--out", str(out))

    assert code == 0, err
    names = sorted(f"nominations_{unit}_v1.docx" for unit in UNITS)
    assert sorted(p.name for p in out.glob("*.docx")) == names
    with zipfile.ZipFile(out / "nominations.zip") as bundle:
        assert sorted(bundle.namelist()) == names
        inside = bundle.read(f"nominations_{UNITS[1]}_v1.docx")
    assert inside == (out / f"nominations_{UNITS[1]}_v1.docx").read_bytes()
    header = Document(io.BytesIO(inside)).tables[0].rows[0].cells[0].text
    assert "TRƯỜNG THPT VIỆT TRÌ" in header
    assert "] 3/3" in err and "] 0/3" in err  # the progress bar, redrawn on stderr
    assert "3" in printed and "nominations.zip" in printed


def test_documents_export_refuses_an_unknown_deadline_in_one_line(cli, tmp_path):
    cli("plan", "load")
    code, _printed, err = cli("documents", "export", "--deadline", "nope", "--out", str(tmp_path))
    assert code == 2
    assert err.strip().count("\n") == 0 and "nope" in err
