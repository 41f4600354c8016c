"""Checking a table's file: a 1,000-row filled template (.xlsx), and the same rows as .csv,
read and checked cell by cell as a unit's file is (bot/services/tables/intake.py).

Each measurement runs in a fresh process with the bot's modules loaded, so the first check pays
what it pays in a running bot: the import of openpyxl (left out of start-up). The same
process then checks the file again (warm). Kinds alternate over the rounds, so a change in the
machine's load weighs on both alike.

The form's table of individuals holds 50 rows; the benchmark's copy of it holds 1,000 (the
largest file taken), so every row is checked and none refused for the count.

Usage, from the repository root: .venv/bin/python benchmarks/tables.py [--rounds N]
It prints a table, then as its last line one JSON object with every figure, among them
``xlsx_1000_rows_s`` (goal ≤ 1 s).
"""

from __future__ import annotations

import argparse
import dataclasses
import io
import json
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

ROWS = 1000
GOAL_S = 1.0
KINDS = ("xlsx", "csv")
TITLES = ("Lao động tiên tiến", "Chiến sĩ thi đua cơ sở")
COMMENDATIONS = ("Giấy khen", "Bằng khen UBND tỉnh", None)


def group_and_env():
    from zoneinfo import ZoneInfo

    from bot.forms.catalog import REGISTRATION
    from bot.i18n import Translator
    from bot.services.reporting.drafts import FormEnv

    plan = tomllib.loads((REPO_ROOT / "bot/plan/data/plan-941-2016.toml").read_text())
    awards = {a["code"]: a["name"] for a in plan["award_types"]}
    t = Translator("vi", ZoneInfo("Asia/Ho_Chi_Minh"))
    group = dataclasses.replace(REGISTRATION.field("individuals"), max_items=ROWS)
    return group, FormEnv(t=t, awards=awards, models=[], due_at=None)


def rows() -> list[list[object]]:
    return [
        [
            f"Nguyễn Thị Giáo Viên Số {n}",
            "Giáo viên" if n % 7 else "Tổ trưởng chuyên môn",
            TITLES[n % 2],
            COMMENDATIONS[n % 3],
        ]
        for n in range(1, ROWS + 1)
    ]


def make_files(directory: Path) -> dict[str, Path]:
    """The template as the bot makes it, filled with ROWS rows; the same rows as CSV."""
    import openpyxl

    from bot.services.tables import template
    from bot.services.tables.intake import LIST_SHEET

    group, env = group_and_env()
    book = openpyxl.load_workbook(io.BytesIO(template.build(group, env)))
    sheet = book[env.t(LIST_SHEET)]
    for row in rows():
        sheet.append(row)
    xlsx = directory / "ds.xlsx"
    book.save(xlsx)
    header = [f.heading(env.t) for f in group.fields]
    lines = [";".join(header)] + [";".join(str(c or "") for c in row) for row in rows()]
    csv = directory / "ds.csv"
    csv.write_text("\ufeff" + "\n".join(lines) + "\n", encoding="utf-8")
    return {"xlsx": xlsx, "csv": csv}


def child(path: Path) -> None:
    """One fresh process: the first check (cold), then a second (warm), as JSON. The bot's own
    modules are loaded first, as in a running bot; openpyxl is not, as it is not there either."""
    from bot.services.tables.intake import read_file

    group, env = group_and_env()
    data = path.read_bytes()
    assert "openpyxl" not in sys.modules
    started = time.perf_counter()
    checked = read_file(data, path.name, group, env)
    cold = time.perf_counter() - started
    started = time.perf_counter()
    read_file(data, path.name, group, env)
    warm = time.perf_counter() - started
    assert len(checked) == ROWS, len(checked)
    print(json.dumps({"cold_s": cold, "warm_s": warm, "bytes": len(data)}))


def measure(path: Path) -> dict:
    done = subprocess.run(
        [sys.executable, __file__, "--child", str(path)],
        capture_output=True,
        text=True,
        check=True,
        cwd=REPO_ROOT,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(rounds: int) -> dict:
    with tempfile.TemporaryDirectory() as directory:
        files = make_files(Path(directory))
        results: dict[str, list[dict]] = {kind: [] for kind in KINDS}
        for _ in range(rounds):
            for kind in KINDS:
                results[kind].append(measure(files[kind]))
    figures: dict[str, float | int] = {"rows": ROWS, "rounds": rounds}
    print(f"Checking a {ROWS:,}-row table file, {rounds} rounds, a fresh process each")
    print(f"{'file':<6}{'size KB':>9}{'cold p50 s':>12}{'spread s':>16}{'warm p50 s':>12}")
    for kind in KINDS:
        cold = [r["cold_s"] for r in results[kind]]
        warm = [r["warm_s"] for r in results[kind]]
        spread = f"{min(cold):.3f}–{max(cold):.3f}"
        size = results[kind][0]["bytes"] / 1024
        print(
            f"{kind:<6}{size:>9.0f}{statistics.median(cold):>12.3f}{spread:>16}"
            f"{statistics.median(warm):>12.3f}"
        )
        figures[f"{kind}_{ROWS}_rows_s"] = round(statistics.median(cold), 3)
        figures[f"{kind}_{ROWS}_rows_min_s"] = round(min(cold), 3)
        figures[f"{kind}_{ROWS}_rows_max_s"] = round(max(cold), 3)
        figures[f"{kind}_{ROWS}_rows_warm_s"] = round(statistics.median(warm), 3)
    met = figures[f"xlsx_{ROWS}_rows_s"] <= GOAL_S
    print(f"goal: xlsx ≤ {GOAL_S} s (cold, import included): {'met' if met else 'MISSED'}")
    return figures


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.child:
        child(arguments.child)
    else:
        print(json.dumps(main(max(3, arguments.rounds))))
