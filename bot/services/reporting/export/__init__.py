"""The office's workbook (``thidua export``, ``/export``): units, registrations, reports, awards,
the register of exemplars, quota progress and the units that still owe a deadline, one sheet
each.

Sheets are declared as columns (:mod:`.columns`) and rows of plain values (:mod:`.sheets`);
the spreadsheet writer lays every sheet out (:mod:`bot.services.documents.spreadsheets`).
Collecting (a few set-based queries, in the caller's unit of work) is apart from writing
(openpyxl, CPU only), so a chat handler can write in a thread while the bot keeps answering.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.db import audit
from bot.forms.catalog import REGISTRATION
from bot.i18n import N_, Translator
from bot.services.awards.quotas import progress
from bot.services.documents.workbooks import Footer, Table, write_workbook
from bot.services.reporting.export import sheets
from bot.services.reporting.export.context import load_context


@dataclass(frozen=True)
class Export:
    content: bytes  # the .xlsx file
    row_counts: dict[str, int]  # data rows per sheet, by the sheet's translated title


async def build_workbook(session: AsyncSession, clock: Clock, t: Translator) -> Export:
    """The workbook in ``t``'s language. On SQLite a unit of work holds the only writer's
    lock: a chat handler may rather collect inside it and write once it is closed."""
    now = clock.now()
    tables = await collect_sheets(session, now, t)
    content = await asyncio.to_thread(write_workbook, tables, print_footer(now, t))
    return Export(content, {sheet.title: len(sheet.rows) for sheet in tables})


def print_footer(now: datetime, t: Translator) -> Footer:
    """A printed page says when its figures were taken: the export's time, not the printing's
    (which a spreadsheet would show in its own locale's format)."""
    return Footer(
        centre=t(N_("Figures as of {time}"), time=t.datetime(now)),
        pages=t(N_("Page {page}/{pages}")),  # {page} and {pages}: filled in by the spreadsheet
    )


async def note_taken(session: AsyncSession, clock: Clock, actor: str) -> None:
    """The workbook holds people's names: who took one, and when, is kept."""
    await audit.record(
        session, at=clock.now(), actor=actor, action="export.workbook", subject="export"
    )


def export_file_name(now: datetime, zone: ZoneInfo) -> str:
    """``thidua-2016-10-25.xlsx``: the local day, so a folder of exports sorts by date."""
    return f"thidua-{now.astimezone(zone):%Y-%m-%d}.xlsx"


async def collect_sheets(session: AsyncSession, now: datetime, t: Translator) -> list[Table]:
    """Every sheet's rows, from a handful of set-based queries whatever the number of units."""
    ctx = await load_context(session, now, t)
    submitted_rows = await sheets.submissions(session, ctx.deadlines)
    registrations = [d for d in ctx.deadlines if d.form_code == REGISTRATION.code]
    reports = [d for d in ctx.deadlines if d.form_code != REGISTRATION.code]
    awarded = await sheets.awards(session, ctx.plan)
    exemplars = await sheets.exemplars(session)
    quotas = await progress(session)
    submitted = {(s.unit_id, s.deadline_id) for s in submitted_rows}
    missing = await sheets.missing_rows(session, ctx, submitted)
    return [
        sheets.units_sheet(ctx),
        sheets.submission_sheet(N_("Registrations"), registrations, submitted_rows, ctx),
        sheets.submission_sheet(N_("Reports"), reports, submitted_rows, ctx),
        sheets.awards_sheet(awarded, ctx),
        sheets.exemplars_sheet(exemplars, ctx),
        sheets.quotas_sheet(quotas, ctx),
        sheets.missing_sheet(missing, ctx),
    ]
