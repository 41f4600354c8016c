"""One row of the awards spreadsheet read into an entry: its columns, what its cells may
name (the active plan's award types, the units), and a problem for every wrong cell, at its row
and column as Excel shows them."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import AwardType, Plan, Unit
from bot.db.repositories import PlanRepository, UnitRepository
from bot.i18n import Translator
from bot.services.awards.register import (
    BOTH,
    COLLECTIVE,
    MAX_DECISION_NUMBER_LENGTH,
    MAX_RECIPIENT_LENGTH,
    AwardEntry,
    canonical_decision_number,
    class_problem,
    clean,
    decision_date_problem,
    kind_allows,
)
from bot.services.documents.spreadsheets import Column, Sheet, SpreadsheetError, key

AWARD_TYPE, RECIPIENT, KIND, UNIT = "award_type", "recipient", "kind", "unit"
DECISION_NUMBER, DECISION_DATE = "decision_number", "decision_date"
AWARD_CLASS = "award_class"

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
    # Only orders have classes; a sheet without them has no such column.
    Column(AWARD_CLASS, "Hạng", required=False, aliases=("class", "Hạng huân chương")),
)
# Folded (see spreadsheets.key) -> collective?
KINDS = {"tap the": True, "collective": True, "ca nhan": False, "individual": False}
# Folded -> class: "Nhất", "hạng Nhì", "3", "first".
CLASS_WORDS = {"1": 1, "2": 2, "3": 3, "nhat": 1, "nhi": 2, "ba": 3}
CLASS_WORDS |= {"first": 1, "second": 2, "third": 3}
DATE_SHAPE = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")

# (row number, column index, printable line): sorted, the report reads as the sheet does.
RowProblem = tuple[int, int, str]


@dataclass
class Known:
    """What the cells may name: the active plan's award types and the units."""

    plan: Plan
    award_types: dict[str, AwardType]  # by every folded way of writing it
    units: dict[str, list[Unit]]  # by folded code and folded name: a name may be shared

    @classmethod
    async def load(cls, session: AsyncSession, _: Translator) -> Known:
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
class Parsed:
    number: int
    entry: AwardEntry | None  # None when a cell is wrong
    problems: list[RowProblem]
    unknown_award_type: bool


class RowParser:
    """One row's cells into an entry, noting each wrong cell at its row and column."""

    def __init__(self, sheet: Sheet, number: int, known: Known, today: date, _: Translator) -> None:
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

    def parse(self, cells: dict[str, str]) -> Parsed:
        award_type = self.award_type(cells[AWARD_TYPE])
        collective = self.collective(cells[KIND], award_type)
        unit = self.unit(cells[UNIT])
        recipient = self.recipient(cells[RECIPIENT], collective, unit)
        number = self.decision_number(cells[DECISION_NUMBER])
        day = self.decision_date(cells[DECISION_DATE])
        award_class = self.award_class(cells.get(AWARD_CLASS, ""), award_type)
        # Every cell that yields nothing has reported why: no problem means a whole entry.
        entry = (
            None
            if self.problems
            else AwardEntry(
                award_type.code, recipient, collective, unit.id, number, day, award_class
            )
        )
        return Parsed(self.number, entry, self.problems, self.unknown_award_type)

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
        problem = decision_date_problem(day, today=self.today, _=self._)
        if problem:
            self.problem(DECISION_DATE, problem)
            return None
        return day

    def award_class(self, text: str, award_type: AwardType | None) -> int | None:
        folded = key(text).removeprefix("hang ").strip()
        award_class = CLASS_WORDS.get(folded)
        if text and award_class is None:
            message = self._('unknown class "{value}"; write Nhất, Nhì or Ba', value=text)
            self.problem(AWARD_CLASS, message)
        elif award_type is not None and (problem := class_problem(award_type, award_class, self._)):
            self.problem(
                AWARD_CLASS if AWARD_CLASS in self.sheet.positions else AWARD_TYPE, problem
            )
        return award_class


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
