"""``thidua export --out FILE.xlsx``: the office's workbook."""

from __future__ import annotations

import argparse
from pathlib import Path

from bot.clock import SystemClock
from bot.config import Settings
from bot.i18n import N_
from bot.services.reporting.export import build_workbook
from thidua.cli import common

XLSX = ".xlsx"


def add_commands(sub: argparse._SubParsersAction) -> None:
    export = sub.add_parser(
        "export",
        help="write an Excel workbook: units, registrations, reports, awards, quota progress "
        "and missing units",
    )
    export.add_argument(
        "--out", type=Path, required=True, metavar="FILE", help="the .xlsx to write"
    )
    export.set_defaults(command=export_workbook)


async def export_workbook(args: argparse.Namespace, settings: Settings) -> None:
    out = _checked_output(args.out)
    _ = common.translator(settings)
    exported = await common.with_database(
        settings, lambda session: build_workbook(session, SystemClock(), _)
    )
    try:
        out.write_bytes(exported.content)
    except OSError as error:  # e.g. the file is open in Excel, which locks it on Windows
        raise common.UsageError(
            N_("--out: cannot write {path}: {reason}"), path=out, reason=error.strerror
        ) from None
    size = max(1, len(exported.content) // 1024)
    print(_("Workbook written: {path} ({size} KB)", path=out, size=size))
    counts = " · ".join(f"{title} {rows}" for title, rows in exported.row_counts.items())
    print(_("Rows per sheet: {counts}", counts=counts))


def _checked_output(path: Path) -> Path:
    """Refused before the export runs, so a typo costs nothing."""
    if path.suffix.lower() != XLSX:
        raise common.UsageError(
            N_("--out: {path} should end in {suffix}, for Excel to open it"),
            path=path,
            suffix=XLSX,
        )
    if path.is_dir():
        raise common.UsageError(N_("--out: {path} is a directory"), path=path)
    if not path.parent.is_dir():
        raise common.UsageError(N_("--out: no such directory: {path}"), path=path.parent)
    return path
