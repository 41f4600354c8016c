"""``thidua units import FILE``: the unit tree from the spreadsheet an office already keeps.

Reading and checking are separate from writing so the office sees every problem of a file at
once, and nothing is written unless the whole file is sound: the import only flushes, and the
caller's unit of work commits or rolls back all of it.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.db import audit
from bot.db.models import Unit
from bot.db.repositories import UnitRepository
from bot.services.documents.spreadsheets import Column, SpreadsheetError, key, read_sheet
from bot.services.setup.units import CENTRE, DEPARTMENT, DISTRICT_OFFICE, SCHOOL

# The name the command line and callers have always known the importer's error by.
UnitImportError = SpreadsheetError

DISTRICT, SO_DIRECT = "district", "so_direct"
CODE_SHAPE = re.compile(r"[A-Z0-9-]+")
MAX_CODE_LENGTH, MAX_NAME_LENGTH = 64, 255  # the widths of the units table's columns

# Keys are folded (see spreadsheets.key): "Phòng GD & ĐT", "phong gd&dt", "PHÒNG GD&ĐT" all match.
KINDS = {
    "department": DEPARTMENT,
    "so": DEPARTMENT,
    "so gd&dt": DEPARTMENT,
    "district office": DISTRICT_OFFICE,
    "phong gd&dt": DISTRICT_OFFICE,
    "phong": DISTRICT_OFFICE,
    "school": SCHOOL,
    "truong": SCHOOL,
    "truong hoc": SCHOOL,
    "centre": CENTRE,
    "center": CENTRE,
    "trung tam": CENTRE,
}
BLOCKS = {
    "district": DISTRICT,
    "huyen": DISTRICT,
    "khoi huyen": DISTRICT,
    "so direct": SO_DIRECT,
    "truc thuoc so": SO_DIRECT,
    "khoi truc thuoc so": SO_DIRECT,
}
KIND_CHOICES = "department, district_office, school, centre (sở, phòng GD&ĐT, trường, trung tâm)"
BLOCK_CHOICES = "district, so_direct (huyện, trực thuộc sở)"


@dataclass(frozen=True)
class UnitRow:
    row: int  # as Excel numbers it: the header is row 1
    code: str
    name: str
    kind: str
    parent_code: str | None
    block: str | None


@dataclass(frozen=True)
class ImportSummary:
    created: int
    updated: int
    unchanged: int


COLUMNS = (
    Column("code", "Mã đơn vị", required=True),
    Column("name", "Tên đơn vị", required=True),
    Column("kind", "Loại", required=True),
    Column("parent_code", "Mã đơn vị cấp trên", required=True),
    Column("block", "Khối", required=False),
)

Cells = dict[str, str]  # field -> the text of its cell on one row


# --- reading -----------------------------------------------------------------------------------


def read_units(path: Path) -> list[UnitRow]:
    """The rows of a CSV or XLSX file, each checked on its own; raises listing every bad row."""
    sheet = read_sheet(path, COLUMNS)
    units, problems = [], []
    for row in sheet.rows:
        unit, row_problems = _parse_row(row.number, row.cells)
        problems += row_problems
        if unit is not None:
            units.append(unit)
    if problems:
        raise UnitImportError(problems)
    if not units:
        raise UnitImportError(f"{path.name}: no units below the header (row {sheet.header_row})")
    return units


def _parse_row(number: int, cells: Cells) -> tuple[UnitRow | None, list[str]]:
    problems: list[str] = []

    def problem(field: str, message: str) -> None:
        problems.append(f"row {number}: {field}: {message}")

    code = _parse_code(cells["code"], "code", problem, required=True)
    name = _parse_name(cells["name"], problem)
    kind = _parse_choice(cells["kind"], "kind", KINDS, KIND_CHOICES, problem, required=True)
    # An empty parent is not an error here: it marks the root, checked against the whole tree.
    parent_code = _parse_code(cells["parent_code"], "parent_code", problem, required=False)
    block = _parse_choice(cells["block"], "block", BLOCKS, BLOCK_CHOICES, problem, required=False)
    if problems or code is None or name is None or kind is None:
        return None, problems
    return UnitRow(number, code, name, kind, parent_code, block), problems


Problem = Callable[[str, str], None]


def _parse_code(text: str, field: str, problem: Problem, *, required: bool) -> str | None:
    code = text.upper()
    if not code:
        if required:
            problem(field, "missing")
        return None
    if not CODE_SHAPE.fullmatch(code):
        problem(field, f'"{text}" may only contain letters A-Z, digits and "-"')
        return None
    if len(code) > MAX_CODE_LENGTH:
        problem(field, f"longer than {MAX_CODE_LENGTH} characters")
        return None
    return code


def _parse_name(text: str, problem: Problem) -> str | None:
    # NFC: Vietnamese typed on different keyboards composes accents differently.
    name = " ".join(unicodedata.normalize("NFC", text).split())
    if not name:
        problem("name", "missing")
        return None
    if len(name) > MAX_NAME_LENGTH:
        problem("name", f"longer than {MAX_NAME_LENGTH} characters")
        return None
    return name


def _parse_choice(
    text: str,
    field: str,
    choices: dict[str, str],
    expected: str,
    problem: Problem,
    *,
    required: bool,
) -> str | None:
    if not text:
        if required:
            problem(field, "missing")
        return None
    value = choices.get(key(text))
    if value is None:
        problem(field, f'unknown value "{text}"; expected one of {expected}')
    return value


# --- importing ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Tree:
    """The unit tree as it will be after the import: the database overlaid with the file."""

    parent_of: dict[str, str | None]
    kind_of: dict[str, str]

    @classmethod
    def combine(cls, stored: Iterable[Unit], rows: list[UnitRow]) -> _Tree:
        stored = list(stored)
        code_of: dict[int | None, str] = {unit.id: unit.code for unit in stored}
        parent_of = {unit.code: code_of.get(unit.parent_id) for unit in stored}
        kind_of = {unit.code: unit.kind for unit in stored}
        parent_of.update((row.code, row.parent_code) for row in rows)
        kind_of.update((row.code, row.kind) for row in rows)
        return cls(parent_of, kind_of)


async def import_units(
    session: AsyncSession, rows: list[UnitRow], clock: Clock, *, actor: str
) -> ImportSummary:
    """Create or update the units of ``rows``; checks all of them before writing any."""
    repo = UnitRepository(session)
    stored = {unit.code: unit for unit in await repo.all()}
    unique, problems = _without_duplicates(rows)
    tree = _Tree.combine(stored.values(), unique)
    problems += _unknown_parents(unique, tree)
    problems += _extra_roots(unique, stored, tree)
    problems += _cycles(unique, tree)
    if problems:
        raise UnitImportError(text for _, text in sorted(problems))
    summary = await _write(repo, unique, stored, tree)
    await audit.record(
        session,
        at=clock.now(),
        actor=actor,
        action="units.import",
        subject="units",
        created=summary.created,
        updated=summary.updated,
        unchanged=summary.unchanged,
    )
    return summary


RowProblem = tuple[int, str]  # (row number, printable line): sorted so the report reads top-down


def _without_duplicates(rows: list[UnitRow]) -> tuple[list[UnitRow], list[RowProblem]]:
    first_row: dict[str, int] = {}
    unique, problems = [], []
    for row in rows:
        if row.code in first_row:
            problems.append(
                (
                    row.row,
                    f'row {row.row}: code: "{row.code}" is already on row {first_row[row.code]}',
                )
            )
            continue
        first_row[row.code] = row.row
        unique.append(row)
    return unique, problems


def _unknown_parents(rows: list[UnitRow], tree: _Tree) -> list[RowProblem]:
    return [
        (row.row, f'row {row.row}: parent_code: unknown unit "{row.parent_code}"')
        for row in rows
        if row.parent_code is not None and row.parent_code not in tree.parent_of
    ]


def _extra_roots(rows: list[UnitRow], stored: dict[str, Unit], tree: _Tree) -> list[RowProblem]:
    """Rows without a parent beyond the one root the tree may have."""
    root_rows = [row for row in rows if row.parent_code is None]
    # The stored root stays the root unless the file itself moves it under another unit.
    stored_roots = sorted(
        (
            unit
            for unit in stored.values()
            if unit.parent_id is None and tree.parent_of[unit.code] is None
        ),
        key=lambda unit: unit.id,
    )
    if stored_roots:
        root, where = stored_roots[0].code, "in the database"
    elif root_rows:
        root, where = root_rows[0].code, f"row {root_rows[0].row}"
    else:
        return []
    return [
        (
            row.row,
            f"row {row.row}: parent_code: missing, but only the root may have none and "
            f'"{root}" is the root ({where})',
        )
        for row in root_rows
        if row.code != root
    ]


def _cycles(rows: list[UnitRow], tree: _Tree) -> list[RowProblem]:
    problems, reported = [], set()
    for row in rows:
        cycle = _cycle_through(row.code, tree)
        if cycle and not reported.intersection(cycle):
            reported.update(cycle)
            path = " -> ".join([*cycle, cycle[0]])
            problems.append((row.row, f"row {row.row}: parent_code: cycle {path}"))
    return problems


def _cycle_through(code: str, tree: _Tree) -> list[str] | None:
    path, seen, current = [], set(), code
    while current is not None and current not in seen:
        path.append(current)
        seen.add(current)
        current = tree.parent_of.get(current)
    return path if current == code else None


async def _write(
    repo: UnitRepository, rows: list[UnitRow], stored: dict[str, Unit], tree: _Tree
) -> ImportSummary:
    before = {code: _state(unit) for code, unit in stored.items()}
    units = dict(stored)
    blocks = {code: unit.block for code, unit in stored.items()}
    changes: Counter[str] = Counter()
    for row in _parents_first(rows):
        block = row.block or _derived_block(row, tree, blocks)
        parent = units[row.parent_code] if row.parent_code else None
        unit = await repo.upsert(
            code=row.code, name=row.name, kind=row.kind, block=block, parent=parent
        )
        units[row.code], blocks[row.code] = unit, block
        changes[_change(before.get(row.code), unit)] += 1
    return ImportSummary(changes["created"], changes["updated"], changes["unchanged"])


def _parents_first(rows: list[UnitRow]) -> list[UnitRow]:
    # Offices sort by name or by district, not by depth; the parent's id must exist first.
    in_file = {row.code for row in rows}
    ordered, placed, pending = [], set(), list(rows)
    while pending:
        ready = [
            row for row in pending if row.parent_code not in in_file or row.parent_code in placed
        ]
        if not ready:
            raise AssertionError("cycle left after validation")
        ordered += ready
        placed.update(row.code for row in ready)
        pending = [row for row in pending if row.code not in placed]
    return ordered


def _derived_block(row: UnitRow, tree: _Tree, blocks: dict[str, str | None]) -> str | None:
    parent = row.parent_code
    if parent is None:
        return None  # the Sở itself is in no block
    if DISTRICT_OFFICE in (row.kind, tree.kind_of[parent]):
        return DISTRICT
    if tree.parent_of[parent] is None:
        return SO_DIRECT
    return blocks[parent]  # deeper down (a branch of a school): its parent's block


def _state(unit: Unit) -> tuple[object, ...]:
    return unit.name, unit.kind, unit.block, unit.parent_id, unit.active


def _change(before: tuple[object, ...] | None, unit: Unit) -> str:
    if before is None:
        return "created"
    return "unchanged" if before == _state(unit) else "updated"
