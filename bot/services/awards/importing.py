"""Awards from the spreadsheet of decisions an office keeps: ``thidua awards import FILE``, or
the same file sent to the bot.

Every row is checked against the active plan's award types and the units before anything is
written, so the clerk sees every problem of a file at once, each at its row and column as Excel
shows them; nothing is recorded unless the whole file is sound (the import only flushes, and the
caller's unit of work commits or rolls back all of it). Problems and the summary are in the
language of the translator given: the deployment's for the command line, the person's in a chat.

Two rows with one decision number and recipient are one award, as in the database (see
:mod:`bot.services.awards`): a line copied twice is harmless, counted once and mentioned in the
summary. If the two rows disagree on anything else, one of them is wrong and the file is refused
naming both.
"""

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.db import audit
from bot.i18n import Translator
from bot.services.awards.import_rows import (
    AWARD_TYPE,
    COLUMNS,
    DECISION_DATE,
    KIND,
    UNIT,
    Known,
    Parsed,
    RowParser,
    RowProblem,
)
from bot.services.awards.register import AwardEntry, award_key, record_award
from bot.services.documents.spreadsheets import Sheet, SpreadsheetError, read_sheet


@dataclass(frozen=True)
class AwardImportSummary:
    new: int
    already_recorded: int
    repeated_rows: int  # rows repeating an earlier row of the file, counted once

    def describe(self, _: Translator) -> str:
        lines = [
            _(
                "Awards imported: {new} new, {existing} already recorded.",
                new=self.new,
                existing=self.already_recorded,
            )
        ]
        if self.repeated_rows:
            lines.append(
                _("Rows repeated in the file, counted once: {count}", count=self.repeated_rows)
            )
        return "\n".join(lines)


async def import_awards(
    session: AsyncSession,
    clock: Clock,
    source: Path | bytes,
    _: Translator,
    *,
    actor: str,
    file_name: str | None = None,
) -> AwardImportSummary:
    """Record the awards of a CSV or XLSX file (a path, or bytes with ``file_name``); raises
    SpreadsheetError listing every problem, having written nothing."""
    sheet = read_sheet(source, COLUMNS, _, file_name=file_name)
    if not sheet.rows:
        raise SpreadsheetError(
            _(
                "{file}: no awards below the header (row {row})",
                file=sheet.file_name,
                row=sheet.header_row,
            )
        )
    known = await Known.load(session, _)
    today = clock.now().astimezone(_.zone).date()  # a decision signed today in Vietnam counts
    parsed = [RowParser(sheet, row.number, known, today, _).parse(row.cells) for row in sheet.rows]
    unique, repeated, problems = _merge_repeats(sheet, parsed, _)
    problems += [problem for row in parsed for problem in row.problems]
    if problems:
        hints = known.award_types_hint(_) if any(row.unknown_award_type for row in parsed) else []
        raise SpreadsheetError([text for *_where, text in sorted(problems)] + hints)
    summary = await _record(session, clock, unique, repeated, actor)
    await audit.record(
        session,
        at=clock.now(),
        actor=actor,
        action="awards.import",
        subject=sheet.file_name,
        new=summary.new,
        already_recorded=summary.already_recorded,
        repeated_rows=summary.repeated_rows,
    )
    return summary


def _merge_repeats(
    sheet: Sheet, parsed: list[Parsed], _: Translator
) -> tuple[list[AwardEntry], int, list[RowProblem]]:
    """The file's awards, each once; how many rows repeated one; rows that contradict one."""
    first: dict[tuple[str, str], Parsed] = {}
    repeated, problems = 0, []
    for row in parsed:
        if row.entry is None:
            continue
        award = award_key(row.entry.decision_number, row.entry.recipient_name)
        if award not in first:
            first[award] = row
            continue
        different = _differences(first[award].entry, row.entry)
        if not different:
            repeated += 1
            continue
        titles = ", ".join(f'"{sheet.title(field)}"' for field in different)
        problems.append(
            (
                row.number,
                len(sheet.header),  # about the whole row: after its cells' problems
                _(
                    "row {row}: the same decision number and recipient as row {other}, "
                    "but a different {columns}",
                    row=row.number,
                    other=first[award].number,
                    columns=titles,
                ),
            )
        )
    return [row.entry for row in first.values()], repeated, problems


def _differences(one: AwardEntry, other: AwardEntry) -> list[str]:
    fields = {
        AWARD_TYPE: "award_code",
        KIND: "collective",
        UNIT: "unit_id",
        DECISION_DATE: "decision_date",
    }
    return [
        column
        for column, attribute in fields.items()
        if getattr(one, attribute) != getattr(other, attribute)
    ]


async def _record(
    session: AsyncSession, clock: Clock, entries: list[AwardEntry], repeated: int, actor: str
) -> AwardImportSummary:
    new = 0
    for entry in entries:
        _award, created = await record_award(session, clock, entry, actor=actor)
        new += created
    return AwardImportSummary(new, len(entries) - new, repeated)
