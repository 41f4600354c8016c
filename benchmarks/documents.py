"""The documents of submissions (bot/services/paperwork): one registration's .docx, and the
office's `thidua documents export` of 500 submissions.

A fresh SQLite database gets the shipped plan and 500 schools under the district offices, each
with a registration of 8 individuals and their initiatives; one more school registers 60
individuals. The script times that school's document (made in this process, after a warm-up),
then runs `thidua documents export` of the 500 in a child process, as the office would, and reads
its wall time and peak memory. Prints a table, then as its last line one JSON object.

    .venv/bin/python benchmarks/documents.py [--units 500] [--runs 200] [--rounds 3]

The export runs ``--rounds`` times (at least three), each in a fresh process whose own wall
time and peak memory are read; the figures are medians, with the spread beside them.
``xlsx_1000_rows_s`` is the spreadsheet intake's, measured by ``benchmarks/tables.py`` (fresh
processes, rounds of its own) and carried into this script's JSON.

Goals (issue 17): docx_p99_ms <= 250, export_500_s <= 30, export_peak_rss_mb <= 250,
xlsx_1000_rows_s <= 1.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert, select

from bot.clock import ManualClock
from bot.config import Settings
from bot.db.models import Deadline, Person, Submission, SubmissionStatus, SubmissionVersion, Unit
from bot.services.paperwork import documents
from bot.services.reporting.review import item
from bot.text import fold
from thidua.runtime import build_runtime

ROOT = Path(__file__).resolve().parent.parent
VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
AT = datetime(2016, 10, 15, 9, 0, tzinfo=VIETNAM)
DEADLINE = "registration-2016"
GOALS = {"docx_p99_ms": 250, "export_500_s": 30, "export_peak_rss_mb": 250, "xlsx_1000_rows_s": 1}


def registration(people: int) -> dict:
    rows = [
        {
            "full_name": f"Nguyễn Thị Hương {n}",
            "position": ("Giáo viên", "Tổ trưởng chuyên môn", "Phó hiệu trưởng")[n % 3],
            "title": ("lao_dong_tien_tien", "chien_si_thi_dua_co_so")[n % 2],
            "commendation": "giay_khen" if n % 4 == 0 else None,
        }
        for n in range(people)
    ]
    return {
        "collective_title": "tap_the_lao_dong_xuat_sac",
        "collective_commendation": "bang_khen_ubnd_tinh",
        "individuals": [{k: v for k, v in row.items() if v is not None} for row in rows],
        "key_targets": "100% giáo viên đạt chuẩn; 12 giáo viên giỏi cấp tỉnh; 30 học sinh giỏi.",
        "has_initiatives": "yes",
        "initiatives": [{"author": r["full_name"], "topic": "Đổi mới phương pháp"} for r in rows],
    }


async def populate(db, units: int) -> int:
    """The schools and their registrations; the id of the one with 60 individuals."""
    async with db.unit_of_work() as session:
        offices = list(await session.scalars(select(Unit.id).where(Unit.kind == "district_office")))
        rows = [
            {
                "code": f"BENCH-{i:05d}",
                "name": f"Trường bench số {i}",
                "search_name": fold(f"Trường bench số {i}"),
                "kind": "school",
                "block": "district",
                "parent_id": offices[i % len(offices)],
                "active": True,
            }
            for i in range(units + 1)
        ]
        await session.execute(insert(Unit), rows)
        unit_ids = list(
            await session.scalars(
                select(Unit.id).where(Unit.code.like("BENCH-%")).order_by(Unit.id)
            )
        )
        deadline = await session.scalar(select(Deadline).where(Deadline.code == DEADLINE))
        author = Person(full_name="Hiệu trưởng", locale="vi", created_at=AT)
        session.add(author)
        await session.flush()
        submission_ids = list(
            await session.scalars(
                insert(Submission).returning(Submission.id, sort_by_parameter_order=True),
                [
                    {
                        "reference": f"TD-{uid:06d}",
                        "unit_id": uid,
                        "deadline_id": deadline.id,
                        "status": SubmissionStatus.SUBMITTED,
                        "version": 1,
                        "late": False,
                        "first_submitted_at": AT,
                        "updated_at": AT,
                    }
                    for uid in unit_ids
                ],
            )
        )
        await session.execute(
            insert(SubmissionVersion),
            [
                {
                    "submission_id": sid,
                    "number": 1,
                    "form_version": 1,
                    "answers": registration(60 if n == units else 8),
                    "changed_fields": {},
                    "author_person_id": author.id,
                    "created_at": AT,
                }
                for n, sid in enumerate(submission_ids)
            ],
        )
    return submission_ids[-1]


async def time_one(db, submission_id: int, runs: int) -> list[float]:
    timings = []
    async with db.reading() as session:
        chosen = await item(session, submission_id)
        await documents.build(session, chosen)  # warm-up: imports, the plan's choices
        for _ in range(runs):
            started = time.perf_counter()
            await documents.build(session, chosen)
            timings.append((time.perf_counter() - started) * 1000)
    return timings


def export(database_url: str, out: Path) -> dict:
    """`thidua documents export` in a fresh process, as the office runs it: its wall time, and
    its own peak RSS (``wait4`` reports that one child's, not the largest child's so far)."""
    env = {**os.environ, "DATABASE_URL": database_url, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "bot", "documents", "export", "--deadline", DEADLINE]
    started = time.perf_counter()
    child = subprocess.Popen(
        [*command, "--out", str(out)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    _pid, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"documents export failed: {status}")
    files = len(list(out.glob("*.docx")))
    return {"seconds": seconds, "peak_mb": usage.ru_maxrss / 1024, "files": files}


def spreadsheet_intake() -> dict:
    """benchmarks/tables.py's figures (its own fresh processes and rounds)."""
    script = ROOT / "benchmarks" / "tables.py"
    done = subprocess.run(
        [sys.executable, str(script)], check=True, capture_output=True, text=True, cwd=ROOT
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


async def prepare(url: str, units: int, runs: int) -> None:
    """In a child process: the database filled, then the one document timed, as JSON."""
    runtime = await build_runtime(Settings(_env_file=None, database_url=url), ManualClock(AT))
    big = await populate(runtime.db, units)
    timings = await time_one(runtime.db, big, runs)
    await runtime.db.dispose()
    print(json.dumps({"timings_ms": timings}))


def prepared(url: str, units: int, runs: int) -> list[float]:
    """The filling and the document's timing run in a child, so this process stays small:
    Linux carries a parent's peak memory over into each child it starts, and the exports'
    peaks must be their own."""
    command = [sys.executable, __file__, "--prepare", url, f"--units={units}", f"--runs={runs}"]
    done = subprocess.run(command, check=True, capture_output=True, text=True, cwd=ROOT)
    return json.loads(done.stdout.strip().splitlines()[-1])["timings_ms"]


def main(units: int, runs: int, rounds: int) -> dict:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite+aiosqlite:///{folder}/d.db"
        timings = prepared(url, units, runs)
        exports = [export(url, Path(folder) / f"out-{n}") for n in range(rounds)]
    tables = spreadsheet_intake()
    seconds = [e["seconds"] for e in exports]
    peaks = [e["peak_mb"] for e in exports]
    quantiles = statistics.quantiles(timings, n=100)
    return {
        "units": units + 1,
        "docx_individuals": 60,
        "docx_runs": runs,
        "docx_p50_ms": round(statistics.median(timings), 1),
        "docx_p99_ms": round(quantiles[98], 1),
        "export_rounds": rounds,
        "export_files": exports[0]["files"],
        "export_500_s": round(statistics.median(seconds), 2),
        "export_500_min_s": round(min(seconds), 2),
        "export_500_max_s": round(max(seconds), 2),
        "export_peak_rss_mb": round(statistics.median(peaks), 1),
        "export_peak_rss_min_mb": round(min(peaks), 1),
        "export_peak_rss_max_mb": round(max(peaks), 1),
        "xlsx_1000_rows_s": tables["xlsx_1000_rows_s"],
        "xlsx_1000_rows_min_s": tables["xlsx_1000_rows_min_s"],
        "xlsx_1000_rows_max_s": tables["xlsx_1000_rows_max_s"],
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=500)
    parser.add_argument("--runs", type=int, default=200)  # p99 of fewer is their slowest one
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--prepare", metavar="URL", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.prepare:
        asyncio.run(prepare(options.prepare, options.units, options.runs))
        sys.exit(0)
    figures = main(options.units - 1, options.runs, max(3, options.rounds))
    print(f"{'figure':<22}{'value':>10}{'goal':>10}")
    for key, value in figures.items():
        goal = GOALS.get(key)
        print(f"{key:<22}{value!s:>10}{'' if goal is None else f'<= {goal}':>10}")
    print(json.dumps(figures))
