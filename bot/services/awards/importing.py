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

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.db import audit
from bot.db.models import AwardType, Plan, Unit
from bot.db.repositories import PlanRepository, UnitRepository
from bot.i18n import Translator
from bot.services.awards.register import (
    BOTH,
    COLLECTIVE,
    MAX_DECISION_NUMBER_LENGTH,
    MAX_RECIPIENT_LENGTH,
    AwardEntry,
    award_key,
    canonical_decision_number,
    clean,
    decision_date_problem,
    kind_allows,
    record_award,
)
from bot.services.documents.spreadsheets import Column, Sheet, SpreadsheetError, key, read_sheet

AWARD_TYPE, RECIPIENT, KIND, UNIT = "award_type", "recipient", "kind", "unit"
DECISION_NUMBER, DECISION_DATE = "decision_number", "decision_date"

COLUMNS = (
    Column(
        AWARD_TYPE,
        "Danh hiệu/Hình thức khen thưởng",
        required=True,
        aliases=("award", "Danh hiệu, hình thức khen thưởng", "Danh hiệu", "Hình thức khen thưởng"),
    ),
    Column(
        RECIPIENT,
        "Người/tập thể được khen",
        required=True,
        aliases=("recipient_name", "Người được khen", "Tập thể, cá nhân được khen", "Họ và tên"),
    ),
    # Its cell may be empty when the award type is only for collectives or only for individuals.
    Column(KIND, "Tập thể/cá nhân", required=True, aliases=("collective or individual",)),
    Column(UNIT, "Đơn vị", required=True, aliases=("unit_code", "Mã đơn vị")),
    Column(DECISION_NUMBER, "Số quyết định", required=True, aliases=("Số QĐ",)),
    Column(DECISION_DATE, "Ngày quyết định", required=True, aliases=("Ngày QĐ",)),
)
# Folded (see spreadsheets.key) -> collective?
KINDS = {"tap the": True, "collective": True, "ca nhan": False, "individual": False}
DATE_SHAPE = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")


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
    known = await _Known.load(session, _)
    today = clock.now().astimezone(_.zone).date()  # a decision signed today in Vietnam counts
    parsed = [_RowParser(sheet, row.number, known, today, _).parse(row.cells) for row in sheet.rows]
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


# (row number, column index, printable line): sorted, the report reads as the sheet does.
RowProblem = tuple[int, int, str]


@dataclass
class _Known:
    """What the cells may name: the active plan's award types and the units."""

    plan: Plan
    award_types: dict[str, AwardType]  # by every folded way of writing it
    units: dict[str, list[Unit]]  # by folded code and folded name: a name may be shared

    @classmethod
    async def load(cls, session: AsyncSession, _: Translator) -> _Known:
        plans = PlanRepository(session)
        plan = await plans.active()
        if plan is None:
            # The bot loads the plan when it first starts: only a bare command line lacks one.
            raise SpreadsheetError(_('No plan is loaded yet: run "thidua plan load" first.'))
        award_types = {
            _award_type_key(text): award_type
            for award_type in await plans.award_types(plan)
            for text in (award_type.code, award_type.name, award_type.name_en)
        }
        units: dict[str, list[Unit]] = defaultdict(list)
        for unit in await UnitRepository(session).all():
            for text in {key(unit.code), key(unit.name)}:
                units[text].append(unit)
        return cls(plan, award_types, units)

    def award_types_hint(self, _: Translator) -> list[str]:
        """Said once after the problems, for rows whose award type was not recognised."""
        in_plan_order = sorted(set(self.award_types.values()), key=lambda t: t.id)
        names = "; ".join(_award_type_name(award_type, _) for award_type in in_plan_order)
        return [_("Award types of the plan: {names}", names=names)]


def _award_type_name(award_type: AwardType, _: Translator) -> str:
    return award_type.name if _.locale == "vi" else award_type.name_en


def _award_type_key(text: str) -> str:
    # "Cờ thi đua của UBND tỉnh" is how decisions write "Cờ thi đua UBND tỉnh".
    return " ".join(word for word in key(text).split(" ") if word != "cua")


@dataclass(frozen=True)
class _Parsed:
    number: int
    entry: AwardEntry | None  # None when a cell is wrong
    problems: list[RowProblem]
    unknown_award_type: bool


class _RowParser:
    """One row's cells into an entry, noting each wrong cell at its row and column."""

    def __init__(
        self, sheet: Sheet, number: int, known: _Known, today: date, _: Translator
    ) -> None:
        self.sheet, self.number, self.known, self.today, self._ = sheet, number, known, today, _
        self.problems: list[RowProblem] = []
        self.unknown_award_type = False

    def problem(self, field: str, message: str) -> None:
        text = self._(
            "row {row}, column {column} ({title}): {problem}",
            row=self.number,
            column=self.sheet.column_letter(field),
            title=self.sheet.title(field),
            problem=message,
        )
        self.problems.append((self.number, self.sheet.positions[field], text))

    def parse(self, cells: dict[str, str]) -> _Parsed:
        award_type = self.award_type(cells[AWARD_TYPE])
        collective = self.collective(cells[KIND], award_type)
        unit = self.unit(cells[UNIT])
        recipient = self.recipient(cells[RECIPIENT], collective, unit)
        number = self.decision_number(cells[DECISION_NUMBER])
        day = self.decision_date(cells[DECISION_DATE])
        # Every cell that yields nothing has reported why: no problem means a whole entry.
        entry = (
            None
            if self.problems
            else AwardEntry(award_type.code, recipient, collective, unit.id, number, day)
        )
        return _Parsed(self.number, entry, self.problems, self.unknown_award_type)

    def missing(self, field: str, text: str) -> bool:
        if not text:
            self.problem(field, self._("missing"))
        return not text

    def award_type(self, text: str) -> AwardType | None:
        if self.missing(AWARD_TYPE, text):
            return None
        award_type = self.known.award_types.get(_award_type_key(text))
        if award_type is None:
            self.unknown_award_type = True
            self.problem(AWARD_TYPE, self._('unknown award type "{value}"', value=text))
        return award_type

    def collective(self, text: str, award_type: AwardType | None) -> bool | None:
        if not text:
            return self.collective_by_award(award_type)
        collective = KINDS.get(key(text))
        if collective is None:
            self.problem(
                KIND,
                self._('unknown value "{value}"; write "collective" or "individual"', value=text),
            )
        elif award_type is not None and not kind_allows(award_type.kind, collective):
            name = _award_type_name(award_type, self._)
            self.problem(
                KIND,
                self._("{award} is given to individuals only", award=name)
                if collective
                else self._("{award} is given to collectives only", award=name),
            )
            return None
        return collective

    def collective_by_award(self, award_type: AwardType | None) -> bool | None:
        """An empty cell: most award types are only for collectives, or only for individuals."""
        if award_type is None:
            return None  # its own problem is reported: nothing more to say
        if award_type.kind != BOTH:
            return award_type.kind == COLLECTIVE
        self.problem(
            KIND,
            self._(
                "missing: {award} is given to collectives and individuals; "
                'write "collective" or "individual"',
                award=_award_type_name(award_type, self._),
            ),
        )
        return None

    def unit(self, text: str) -> Unit | None:
        if self.missing(UNIT, text):
            return None
        units = self.known.units.get(key(text), [])
        if len(units) == 1:
            return units[0]
        if units:
            codes = ", ".join(sorted(unit.code for unit in units))
            message = self._(
                '"{value}" names several units ({codes}); write the unit code',
                value=text,
                codes=codes,
            )
        else:
            message = self._(
                'unknown unit "{value}"; write the unit code or its full name', value=text
            )
        self.problem(UNIT, message)
        return None

    def recipient(self, text: str, collective: bool | None, unit: Unit | None) -> str | None:
        name = clean(text)
        if not name and collective:
            return unit.name if unit else None  # an empty recipient is the unit itself
        if not name:
            if collective is not None:  # an individual: nobody else can be meant
                self.problem(RECIPIENT, self._("missing: the name of the person awarded"))
            return None
        return name if self.short_enough(RECIPIENT, name, MAX_RECIPIENT_LENGTH) else None

    def decision_number(self, text: str) -> str | None:
        number = canonical_decision_number(text)
        if self.missing(DECISION_NUMBER, number):
            return None
        fits = self.short_enough(DECISION_NUMBER, number, MAX_DECISION_NUMBER_LENGTH)
        return number if fits else None

    def short_enough(self, field: str, text: str, limit: int) -> bool:
        if len(text) > limit:
            self.problem(field, self._("longer than {limit} characters", limit=limit))
        return len(text) <= limit

    def decision_date(self, text: str) -> date | None:
        if self.missing(DECISION_DATE, text):
            return None
        day = _parse_date(text)
        if day is None:
            self.problem(
                DECISION_DATE, self._('not a date: "{value}"; write it as dd/mm/yyyy', value=text)
            )
            return None
        problem = decision_date_problem(day, today=self.today, plan=self.known.plan, _=self._)
        if problem:
            self.problem(DECISION_DATE, problem)
            return None
        return day


def _parse_date(text: str) -> date | None:
    """dd/mm/yyyy as typed, as a date cell reads (see spreadsheets), or with "." or "-"."""
    match = DATE_SHAPE.fullmatch(text)
    if match is None:
        return None
    day, month, year = map(int, match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        return None  # 31/02/2017


def _merge_repeats(
    sheet: Sheet, parsed: list[_Parsed], _: Translator
) -> tuple[list[AwardEntry], int, list[RowProblem]]:
    """The file's awards, each once; how many rows repeated one; rows that contradict one."""
    first: dict[tuple[str, str], _Parsed] = {}
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
