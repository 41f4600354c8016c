"""Exporting the office's workbook at province scale: 2,000 units over four school years.

A fresh SQLite database gets the shipped plan and N schools under its district offices (nine in
ten, the district-managed block) and under the Sở (the rest, the Sở-direct block). Most units
register and send their annual report in each of the four school years 2016-2017 to 2019-2020,
some late, a few returned; the office records awards. The export then runs as the office would
see it in June 2020, every deadline passed: the queries, then the workbook. Prints a table, then
one JSON line. With ``--out FILE.xlsx`` the workbook is kept, e.g. to print it:

    .venv/bin/python benchmarks/export.py [--units 2000] [--out FILE.xlsx]
    soffice --headless --convert-to pdf --outdir DIR FILE.xlsx && pdfinfo DIR/FILE.pdf
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import resource
import sys
import tempfile
import time
import tracemalloc
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert, select

from bot.clock import ManualClock
from bot.config import Settings
from bot.db.models import (
    Award,
    AwardType,
    Deadline,
    Person,
    Submission,
    SubmissionStatus,
    SubmissionVersion,
    Unit,
)
from bot.i18n import Translator
from bot.services.documents.workbooks import write_workbook
from bot.services.reporting.export import collect_sheets, print_footer
from bot.text import fold
from thidua.runtime import build_runtime

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
EXPORTED_AT = datetime(2020, 6, 10, 8, 0, tzinfo=VIETNAM)  # after the last annual report
SCHOOL_YEARS = (2016, 2017, 2018, 2019)
SUBMITTING, LATE, RETURNED = 0.9, 0.05, 0.03  # shares of the units, per deadline
AWARDS_PER_UNIT = 0.45
AWARDED = (
    "co_thi_dua_ubnd_tinh",
    "bang_khen_ubnd_tinh",
    "bang_khen_bo_gddt",
    "chien_si_thi_dua_cap_tinh",
    "huan_chuong_lao_dong",
)
PARAGRAPH = (
    "Đơn vị đã quán triệt kế hoạch đến toàn thể cán bộ, giáo viên, nhân viên; tổ chức các "
    "phong trào thi đua gắn với nhiệm vụ năm học, phát hiện và bồi dưỡng điển hình tiên tiến. "
)


async def main(units: int, out: Path | None = None) -> dict:
    rng = random.Random(941)  # the same data on every run
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(_env_file=None, database_url=f"sqlite+aiosqlite:///{folder}/e.db")
        runtime = await build_runtime(settings, ManualClock(EXPORTED_AT))
        counts = await _populate(runtime.db, units, rng)
        figures = await _measure(runtime.db, Translator("vi", VIETNAM), out)
        await runtime.db.dispose()
    return {"units": units, "school_years": len(SCHOOL_YEARS), **counts, **figures}


async def _populate(db, units: int, rng: random.Random) -> dict:
    async with db.unit_of_work() as session:
        unit_ids = await _add_units(session, units)
        author = Person(full_name="Hiệu trưởng", locale="vi", created_at=EXPORTED_AT)
        session.add(author)
        await session.flush()
        deadlines = {
            d.code: d
            for d in await session.scalars(select(Deadline))
            if d.form_code in ("registration", "annual_report")
        }
        submissions = 0
        for year in SCHOOL_YEARS:
            for code in (f"registration-{year}", f"annual-report-{year + 1}"):
                submissions += await _add_submissions(
                    session, deadlines[code], unit_ids, author.id, rng
                )
        awards = await _add_awards(session, unit_ids, rng)
    return {"submissions": submissions, "awards": awards}


async def _add_units(session, units: int) -> list[int]:
    """Schools in the plan's two blocks: under a district office, or directly under the Sở."""
    offices = list(await session.scalars(select(Unit.id).where(Unit.kind == "district_office")))
    root = await session.scalar(select(Unit.id).where(Unit.parent_id.is_(None)))
    rows = []
    for i in range(units):
        so_direct = i % 10 == 0
        rows.append(
            {
                "code": f"BENCH-{i:05d}",
                "name": f"Trường bench số {i}",
                "search_name": fold(f"Trường bench số {i}"),
                "kind": "school",
                "block": "so_direct" if so_direct else "district",
                "parent_id": root if so_direct else offices[i % len(offices)],
                "active": True,
            }
        )
    await session.execute(insert(Unit), rows)
    return list(await session.scalars(select(Unit.id).where(Unit.code.like("BENCH-%"))))


async def _add_submissions(session, deadline, unit_ids, author_id, rng) -> int:
    """Most units' submission for one deadline, each with the version that stands."""
    submitting = [uid for uid in unit_ids if rng.random() < SUBMITTING]
    rows = []
    for uid in submitting:
        late = rng.random() < LATE
        at = deadline.due_at + timedelta(days=rng.randint(1, 9) if late else -rng.randint(0, 20))
        rows.append(
            {
                "reference": f"TD-{deadline.id:02d}{uid:06d}",
                "unit_id": uid,
                "deadline_id": deadline.id,
                "status": SubmissionStatus.RETURNED
                if rng.random() < RETURNED
                else SubmissionStatus.SUBMITTED,
                "version": 1,
                "late": late,
                "first_submitted_at": at,
                "updated_at": at,
            }
        )
    ids = await session.scalars(
        insert(Submission).returning(Submission.id, sort_by_parameter_order=True), rows
    )
    answers = _registration if deadline.form_code == "registration" else _annual_report
    await session.execute(
        insert(SubmissionVersion),
        [
            {
                "submission_id": sid,
                "number": 1,
                "form_version": 1,
                "answers": answers(rng),
                "changed_fields": {},
                "author_person_id": author_id,
                "created_at": row["first_submitted_at"],
            }
            for sid, row in zip(ids, rows, strict=True)
        ],
    )
    return len(rows)


def _registration(rng: random.Random) -> dict:
    people = [
        {
            "full_name": f"Nguyễn Văn {rng.choice('ABCDEGHKLMN')}{n}",
            "position": rng.choice(("Giáo viên", "Phó hiệu trưởng", "Tổ trưởng chuyên môn")),
            "title": rng.choice(("lao_dong_tien_tien", "chien_si_thi_dua_co_so")),
        }
        for n in range(rng.randint(2, 8))
    ]
    return {
        "collective_title": rng.choice(("tap_the_lao_dong_tien_tien", "tap_the_lao_dong_xuat_sac")),
        "collective_commendation": "giay_khen",
        "individuals": people,
        "key_targets": "100% giáo viên đạt chuẩn; 12 giáo viên giỏi cấp tỉnh; 30 học sinh giỏi.",
        "has_initiatives": "yes",
        "initiatives": [{"author": p["full_name"], "topic": "Đổi mới phương pháp"} for p in people],
        "signed_copy": _file("dang-ky.pdf"),
    }


def _annual_report(rng: random.Random) -> dict:
    return {
        "carried_out": PARAGRAPH * rng.randint(2, 6),
        "models_built": PARAGRAPH,
        "new_exemplars": rng.randint(0, 12),
        "awards": [{"award": code, "count": rng.randint(1, 3)} for code in rng.sample(AWARDED, 2)],
        "shortcomings": PARAGRAPH,
        "next_year": PARAGRAPH * 2,
        "signed_report": _file("bao-cao-nam.pdf"),
    }


def _file(name: str) -> dict:
    return {
        "channel": "telegram",
        "file_ref": f"file-{name}",
        "file_name": name,
        "mime_type": "application/pdf",
        "size": 300_000,
    }


async def _add_awards(session, unit_ids: list[int], rng: random.Random) -> int:
    types = {t.code: t.id for t in await session.scalars(select(AwardType))}
    count = int(len(unit_ids) * AWARDS_PER_UNIT)
    await session.execute(
        insert(Award),
        [
            {
                "award_type_id": types[rng.choice(AWARDED)],
                "unit_id": rng.choice(unit_ids),
                "recipient_name": f"Người được khen {n}",
                "collective": n % 3 == 0,
                "decision_number": f"{n}/QĐ-UBND",
                "decision_date": date(rng.choice(SCHOOL_YEARS) + 1, 5, rng.randint(1, 28)),
                "recorded_at": EXPORTED_AT,
            }
            for n in range(count)
        ],
    )
    return count


async def _measure(db, t: Translator, out: Path | None) -> dict:
    async with db.unit_of_work() as session:
        started = time.perf_counter()
        sheets = await collect_sheets(session, EXPORTED_AT, t)
        collected = time.perf_counter()
        content = write_workbook(sheets, print_footer(EXPORTED_AT, t))
        written = time.perf_counter()
        if out is not None:
            await asyncio.to_thread(out.write_bytes, content)
        # A second pass under tracemalloc, which slows Python down: memory only.
        tracemalloc.start()
        write_workbook(await collect_sheets(session, EXPORTED_AT, t), print_footer(EXPORTED_AT, t))
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return {
        "rows": {sheet.title: len(sheet.rows) for sheet in sheets},
        "query_seconds": round(collected - started, 2),
        "write_seconds": round(written - collected, 2),
        "export_seconds": round(written - started, 2),
        "workbook_mb": round(len(content) / 2**20, 2),
        "export_peak_mb": round(peak / 2**20, 1),
        # Linux reports kilobytes: the whole process, generating the data included.
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def report(figures: dict) -> None:
    print(
        f"{figures['units']} units, {figures['school_years']} school years: "
        f"{figures['submissions']} submissions, {figures['awards']} awards"
    )
    for title, rows in figures["rows"].items():
        print(f"  {title:<28}{rows:>8} rows")
    print(f"  queries                  {figures['query_seconds']:>8.2f} s")
    print(f"  workbook written         {figures['write_seconds']:>8.2f} s")
    print(f"  export in total          {figures['export_seconds']:>8.2f} s")
    print(f"  workbook size            {figures['workbook_mb']:>8.2f} MB")
    print(f"  peak memory of an export {figures['export_peak_mb']:>8.1f} MB (Python objects)")
    print(f"  peak RSS of the process  {figures['peak_rss_mb']:>8.1f} MB")
    print(json.dumps(figures, ensure_ascii=False))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=2000)
    parser.add_argument("--out", type=Path, help="keep the workbook in this .xlsx file")
    options = parser.parse_args()
    report(asyncio.run(main(options.units, options.out)))
